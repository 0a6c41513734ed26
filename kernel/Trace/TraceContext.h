#pragma once

#include "Arch/x86_64/PerCpu.h"
#include "Lib/Types.h"
#include "Tasks/Task.h"
#include "Trace/Tracefs.h"

namespace trace_context_detail {
constexpr u64 kInterruptFlag = 1ul << 9;
constexpr u32 kMaxPreemptShown = 15;  // one hex digit, as Linux's column
}  // namespace trace_context_detail

// Who is recording right now, in the form the recorders take: this CPU, the current pid
// and Linux's TRACE_FLAG_* bits. `irq_flags` is RFLAGS as the traced code had it (before
// the tracer masked interrupts), for the irqs-off column.
// Inline: every fentry call builds one, and a call returning the small struct through
// memory made its byte fields a store-forwarding stall in the caller.
always_inline_notrace tg::trace::RecordContext trace_context(u64 irq_flags) {
  using namespace trace_context_detail;
  PerCpu* cpu = this_cpu();
  Task* task = cpu->current;
  u8 flags = 0;
  if (!(irq_flags & kInterruptFlag)) flags |= tg::ring::kFlagIrqsOff;
  if (cpu->irq_depth) flags |= tg::ring::kFlagHardIrq;
  if (cpu->need_resched) flags |= tg::ring::kFlagNeedResched;
  u32 preempt = cpu->preempt_count;
  return tg::trace::RecordContext{
      cpu->cpu_id, task ? task->pid : 0, flags,
      static_cast<u8>(preempt > kMaxPreemptShown ? kMaxPreemptShown : preempt)};
}

// The same for a file write (trace_marker): the calling task as it is.
tg::trace::RecordContext trace_context_now();
