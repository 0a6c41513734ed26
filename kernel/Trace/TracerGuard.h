#pragma once

#include "Arch/x86_64/Cpu.h"
#include "Arch/x86_64/PerCpu.h"

// Every recording path (fentry, return hook, tracepoints) runs inside one of these: interrupts
// masked, so the CPU's ring buffer is never re-entered and the task cannot move, and a
// per-CPU flag so that whatever the tracer itself calls (an allocation, a traced helper)
// does not record again.
extern u32 g_tracer_busy[kMaxCpus];

class TracerGuard {
 public:
  always_inline_notrace TracerGuard() : flags_(raw_local_irq_save()), cpu_(this_cpu_id()) {
    entered_ = g_tracer_busy[cpu_] == 0;
    if (entered_) g_tracer_busy[cpu_] = 1;
  }
  always_inline_notrace ~TracerGuard() {
    if (entered_) g_tracer_busy[cpu_] = 0;
    raw_local_irq_restore(flags_);
  }
  TracerGuard(const TracerGuard&) = delete;
  TracerGuard& operator=(const TracerGuard&) = delete;

  bool entered() const { return entered_; }
  u64 saved_flags() const { return flags_; }
  u32 cpu() const { return cpu_; }

 private:
  u64 flags_;
  u32 cpu_;
  bool entered_;
};
