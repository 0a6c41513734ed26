#include "Arch/x86_64/Cpu.h"
#include "Arch/x86_64/DebugExit.h"
#include "Arch/x86_64/Gdt.h"
#include "Arch/x86_64/Interrupts.h"
#include "Arch/x86_64/Lapic.h"
#include "Arch/x86_64/PerCpu.h"
#include "Arch/x86_64/Smp.h"
#include "Boot/BootInfo.h"
#include "Boot/CommandLine.h"
#include "Console/Log.h"
#include "Console/Serial.h"
#include "Memory/Heap.h"
#include "Memory/PageAllocator.h"
#include "Tasks/Scheduler.h"
#include "Tasks/Task.h"
#include "Time/Clock.h"
#include "Trace/TracingInit.h"
#include "init/Init.h"

extern "C" u8 boot_stack[];
extern "C" void (*__init_array_start[])();
extern "C" void (*__init_array_end[])();

namespace {

void run_global_constructors() {
  for (auto* constructor = __init_array_start; constructor != __init_array_end; ++constructor) {
    (*constructor)();
  }
}

// microvm still has the legacy 8259 pair; everything arrives through the APICs instead.
void mask_legacy_pic() {
  outb(0x21, 0xff);
  outb(0xa1, 0xff);
}
}  // namespace

extern "C" noreturn_fn void kernel_main(u64 start_info_phys) {
  percpu_install(0, 0);
  serial_init();
  gdt_install(g_per_cpu[0].tables);
  idt_init();
  idt_load();
  klog("tracegate: kernel starting");
  bootinfo_parse(start_info_phys);
  klog("command line: %s", cmdline_text());
  clock_init();
  run_global_constructors();
  page_allocator_init();
  heap_init();
  tracing_init();

  mask_legacy_pic();
  lapic_init();
  g_per_cpu[0].apic_id = lapic_id();
  scheduler_init_cpu(0, boot_stack);
  smp_boot();

  auto init = kthread_run("init", init_main, nullptr, kAllCpus);
  if (!init.ok()) panic("cannot start init: %s", klib::errno_name(init.error()));
  local_irq_enable();
  cpu_idle_loop();
}
