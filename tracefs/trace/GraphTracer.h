#pragma once
#include "trace/RecordContext.h"
#include "trace/Tracer.h"

namespace tg::trace {

extern const Tracer kGraphTracer;

// function_graph's recording entry points, called from the kernel's fentry trampoline and
// return hook (notrace, interrupts off around the write). `calltime` is the instance's
// now() read once at entry and kept on the task's shadow stack; `depth` counts from 0.
struct GraphTracer {
  // Writes the entry record unless tracing_thresh is set (then only long returns print).
  // Returns false when the return must not be hooked: depth at or beyond max_graph_depth,
  // or an interrupt handler while funcgraph-irqs is off.
  static bool record_entry(TraceInstance& instance, const RecordContext& ctx, u64 ip, u32 depth,
                           u64 calltime);
  // The return record (short, or long for long calls or with funcgraph-retval); with
  // tracing_thresh, calls shorter than the threshold are dropped.
  static bool record_return(TraceInstance& instance, const RecordContext& ctx, u64 ip, u32 depth,
                            u64 calltime, u64 rettime, u64 retval);
  // A hard interrupt handler starts / ends on this CPU: the ==========> and <========== lines.
  static bool record_irq_enter(TraceInstance& instance, const RecordContext& ctx, u32 irq);
  static bool record_irq_exit(TraceInstance& instance, const RecordContext& ctx, u32 irq);
};

// Writes a return record (shared with function_duration): short when it fits in 24 bits of
// ns and carries no return value.
bool write_graph_return(TraceInstance& instance, const RecordContext& ctx, u64 ip, u32 depth,
                        u64 duration, u64 rettime, bool with_retval, u64 retval);

}  // namespace tg::trace
