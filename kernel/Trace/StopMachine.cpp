#include "Trace/StopMachine.h"

#include "Arch/x86_64/Cpu.h"
#include "Arch/x86_64/Interrupts.h"
#include "Arch/x86_64/Lapic.h"
#include "Arch/x86_64/PerCpu.h"

namespace {
// One rendezvous at a time. A CPU waits for g_owner with interrupts as its caller had them
// (on, from a task), so it still answers the owner's IPI: no deadlock between initiators.
int g_owner;
u32 g_arrived;
u32 g_released;
u32 g_departed;

always_inline_notrace void serialize() {
  CpuidResult ignored = cpuid(0);
  (void)ignored;
}

// The parked CPU: interrupts are masked (interrupt gate), so nothing else runs here until
// the initiator releases it.
void on_stop_ipi(TrapFrame&, void*) {
  __atomic_fetch_add(&g_arrived, 1, __ATOMIC_ACQ_REL);
  while (!__atomic_load_n(&g_released, __ATOMIC_ACQUIRE)) cpu_relax();
  // The initiator may have rewritten code this CPU fetched before: drop it.
  serialize();
  __atomic_fetch_add(&g_departed, 1, __ATOMIC_ACQ_REL);
}

// With interrupts on (any task), the owner's IPI still gets through while this spins; with
// them off (early boot, one CPU) there is nobody to wait for.
void lock_owner() {
  while (__atomic_exchange_n(&g_owner, 1, __ATOMIC_ACQUIRE)) cpu_relax();
}
}  // namespace

void stop_machine_init() {
  interrupt_register(kVectorStopMachine, on_stop_ipi, nullptr);
}

void stop_machine(void (*work)(void*), void* argument) {
  preempt_disable();
  lock_owner();
  u64 flags = raw_local_irq_save();
  u32 self = this_cpu_id();
  u32 others = 0;
  __atomic_store_n(&g_arrived, 0, __ATOMIC_RELAXED);
  __atomic_store_n(&g_departed, 0, __ATOMIC_RELAXED);
  __atomic_store_n(&g_released, 0, __ATOMIC_RELEASE);
  for (u32 cpu = 0; cpu < kMaxCpus; ++cpu) {
    if (cpu == self || !__atomic_load_n(&g_per_cpu[cpu].online, __ATOMIC_ACQUIRE)) continue;
    lapic_send_ipi(g_per_cpu[cpu].apic_id, kVectorStopMachine);
    ++others;
  }
  while (__atomic_load_n(&g_arrived, __ATOMIC_ACQUIRE) != others) cpu_relax();
  work(argument);
  serialize();
  __atomic_store_n(&g_released, 1, __ATOMIC_RELEASE);
  // The next rendezvous resets the counters: wait until nobody reads them any more.
  while (__atomic_load_n(&g_departed, __ATOMIC_ACQUIRE) != others) cpu_relax();
  raw_local_irq_restore(flags);
  __atomic_store_n(&g_owner, 0, __ATOMIC_RELEASE);
  preempt_enable();
}
