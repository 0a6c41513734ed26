#include "Arch/x86_64/Smp.h"

#include "Arch/x86_64/FwCfg.h"
#include "Arch/x86_64/Interrupts.h"
#include "Arch/x86_64/Lapic.h"
#include "Arch/x86_64/PerCpu.h"
#include "Boot/CommandLine.h"
#include "Console/Log.h"
#include "Lib/String.h"
#include "Memory/Layout.h"
#include "Memory/PageAllocator.h"
#include "Tasks/Scheduler.h"
#include "Tasks/Task.h"
#include "Time/Clock.h"

extern "C" char ap_trampoline_start[], ap_trampoline_end[];
extern "C" char ap_trampoline_cr3[], ap_trampoline_stack[], ap_trampoline_entry[];
extern "C" u64 boot_pml4[];

namespace {
constexpr u64 kTrampolinePhys = 0x8000;
constexpr u64 kApStartTimeoutNs = 1000000000;

u32 g_booting_cpu;
u8* g_booting_stack;
bool g_identity_dropped;

template <typename T>
T* trampoline_slot(char* symbol) {
  return phys_to_virt<T>(kTrampolinePhys + (symbol - ap_trampoline_start));
}

bool wait_online(u32 cpu, u64 timeout_ns) {
  u64 deadline = clock_ns() + timeout_ns;
  while (!__atomic_load_n(&g_per_cpu[cpu].online, __ATOMIC_ACQUIRE)) {
    if (clock_ns() > deadline) return false;
    cpu_relax();
  }
  return true;
}

// QEMU numbers APIC IDs 0..N-1 for a flat -smp N, so CPU n has APIC ID n.
bool start_cpu(u32 cpu) {
  g_booting_stack = static_cast<u8*>(alloc_pages(kTaskStackPages));
  if (!g_booting_stack) return false;
  g_booting_cpu = cpu;
  *trampoline_slot<u64>(ap_trampoline_cr3) = read_cr3();
  *trampoline_slot<u64>(ap_trampoline_stack) =
      reinterpret_cast<u64>(g_booting_stack) + kTaskStackPages * kPageSize;
  __atomic_thread_fence(__ATOMIC_SEQ_CST);
  lapic_send_init(cpu);
  clock_delay_us(10000);
  for (int attempt = 0; attempt < 2; ++attempt) {
    lapic_send_startup(cpu, static_cast<u8>(kTrampolinePhys >> 12));
    if (wait_online(cpu, attempt ? kApStartTimeoutNs : 1000000)) return true;
  }
  return false;
}

void drop_identity_map() {
  phys_to_virt<u64>(reinterpret_cast<u64>(boot_pml4))[0] = 0;
  write_cr3(read_cr3());
  __atomic_store_n(&g_identity_dropped, true, __ATOMIC_RELEASE);
}
}  // namespace

// Where the trampoline lands each AP, on its own stack, in the higher half.
extern "C" notrace void ap_main() {
  u32 cpu = g_booting_cpu;
  u8* stack = g_booting_stack;
  percpu_install(cpu, lapic_id());
  gdt_install(g_per_cpu[cpu].tables);
  idt_load();
  lapic_init();
  scheduler_init_cpu(cpu, stack);
  klog("smp: CPU %u online (APIC ID %u)", cpu, this_cpu()->apic_id);
  __atomic_store_n(&g_per_cpu[cpu].online, 1, __ATOMIC_RELEASE);
  while (!__atomic_load_n(&g_identity_dropped, __ATOMIC_ACQUIRE)) cpu_relax();
  write_cr3(read_cr3());
  cpu_idle_loop();
}

u32 smp_cpus_expected() {
  u32 count = fw_cfg_cpu_count();
  char value[16];
  u64 parsed;
  if (!count && cmdline_value("smp", value, sizeof(value)) &&
      parse_u64(value, strlen(value), parsed)) {
    count = static_cast<u32>(parsed);
  }
  if (!count) count = 1;
  return min(count, kMaxCpus);
}

u32 smp_boot() {
  memcpy(phys_to_virt(kTrampolinePhys), ap_trampoline_start,
         static_cast<size_t>(ap_trampoline_end - ap_trampoline_start));
  *trampoline_slot<u64>(ap_trampoline_entry) = reinterpret_cast<u64>(ap_main);
  u32 wanted = smp_cpus_expected();
  g_per_cpu[0].online = 1;
  g_cpus_online = 1;
  for (u32 cpu = 1; cpu < wanted; ++cpu) {
    if (!start_cpu(cpu)) {
      klog("smp: CPU %u did not come online", cpu);
      break;
    }
    g_cpus_online = cpu + 1;
  }
  drop_identity_map();
  klog("smp: %u of %u CPUs online", g_cpus_online, wanted);
  return g_cpus_online;
}
