#include "Trace/TraceContext.h"

#include "Arch/x86_64/Cpu.h"
#include "Arch/x86_64/PerCpu.h"
#include "Tasks/Task.h"
#include "Trace/Tracefs.h"

namespace {
constexpr u64 kInterruptFlag = 1ul << 9;
constexpr u32 kMaxPreemptShown = 15;  // one hex digit, as Linux's column
}  // namespace

TG_HOT tg::trace::RecordContext trace_context(u64 irq_flags) {
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

tg::trace::RecordContext trace_context_now() {
  return trace_context(local_save_flags());
}
