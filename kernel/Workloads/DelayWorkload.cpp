#include "Arch/x86_64/Cpu.h"
#include "Arch/x86_64/PerCpu.h"
#include "Time/Clock.h"
#include "Workloads/Workload.h"

using klib::Result;

// Linux's preemptirq_delay_test module, as two workloads: the caller's task busy-waits
// `microseconds` with preemption disabled (preempt_delay) or interrupts masked (irq_delay),
// a stretch of known length for the preemptoff, irqsoff and preemptirqsoff tracers to
// measure (Linux's preemptirq selftest loads the module for that). Checksum: the
// microseconds waited.

Result<u64> workload_preempt_delay(u64 microseconds) {
  preempt_disable();
  clock_delay_us(microseconds);
  preempt_enable();
  return microseconds;
}

Result<u64> workload_irq_delay(u64 microseconds) {
  u64 flags = local_irq_save();
  clock_delay_us(microseconds);
  local_irq_restore(flags);
  return microseconds;
}
