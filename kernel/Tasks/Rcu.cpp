#include "Tasks/Rcu.h"

#include "Arch/x86_64/Cpu.h"
#include "Arch/x86_64/Interrupts.h"
#include "Arch/x86_64/Lapic.h"
#include "Arch/x86_64/PerCpu.h"

namespace {
// Quiescent states each CPU has passed. Only its own CPU adds to it (from the tick or a
// switch, interrupts masked either way); the full barrier of the atomic add orders the
// sections before it against the updater that reads it.
u64 g_quiescent_states[kMaxCpus];

void note_quiescent_state() {
  __atomic_fetch_add(&g_quiescent_states[this_cpu_id()], 1, __ATOMIC_SEQ_CST);
}
// Linux's name for the expedited grace period's IPI handler.
void rcu_exp_handler(TrapFrame&, void*) {
  note_quiescent_state();
}
}  // namespace

void rcu_init() {
  interrupt_register(kVectorRcu, rcu_exp_handler, nullptr);
}

void rcu_sched_clock_irq() {
  note_quiescent_state();
}

void rcu_note_context_switch() {
  note_quiescent_state();
}

void synchronize_rcu() {
  // The caller's unpublishing stores are visible before the snapshot is taken.
  __atomic_thread_fence(__ATOMIC_SEQ_CST);
  preempt_disable();
  u32 self = this_cpu_id();
  u64 seen[kMaxCpus];
  u32 waiting = 0;
  for (u32 cpu = 0; cpu < kMaxCpus; ++cpu) {
    bool online = __atomic_load_n(&g_per_cpu[cpu].online, __ATOMIC_ACQUIRE);
    if (cpu == self || !online) continue;
    seen[cpu] = __atomic_load_n(&g_quiescent_states[cpu], __ATOMIC_ACQUIRE);
    waiting |= 1u << cpu;
    lapic_send_ipi(g_per_cpu[cpu].apic_id, kVectorRcu);
  }
  while (waiting) {
    for (u32 mask = waiting; mask; mask &= mask - 1) {
      u32 cpu = static_cast<u32>(__builtin_ctz(mask));
      if (__atomic_load_n(&g_quiescent_states[cpu], __ATOMIC_ACQUIRE) != seen[cpu])
        waiting &= ~(1u << cpu);
    }
    if (waiting) cpu_relax();
  }
  preempt_enable();
}
