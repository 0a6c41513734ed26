#pragma once
#include "trace/RecordContext.h"
#include "trace/RecordWriter.h"
#include "trace/Tracer.h"

namespace tg::trace {

extern const Tracer kGraphTracer;

// Writes a return record (shared with function_duration): short when it fits in 24 bits of
// ns and carries no return value.
TG_ALWAYS_INLINE inline bool write_graph_return(TraceInstance& instance, const RecordContext& ctx,
                                                u64 ip, u32 depth, u64 duration, u64 rettime,
                                                bool with_retval, u64 retval);

// function_graph's recording entry points, called from the kernel's fentry trampoline and
// return hook (notrace, interrupts off around the write). `calltime` is the instance's
// now() read once at entry and kept on the task's shadow stack; `depth` counts from 0.
// Inline: the fentry dispatch calls on_entry and on_return directly, every traced call.
struct GraphTracer {
  // Writes the entry record unless tracing_thresh is set (then only returns print).
  // Returns false when the return must not be hooked: depth at or beyond max_graph_depth,
  // or an interrupt handler while funcgraph-irqs is off.
  TG_ALWAYS_INLINE static bool record_entry(TraceInstance& instance, const RecordContext& ctx,
                                            u64 ip, u32 depth, u64 calltime) {
    if (!hooks(instance, ctx, depth)) return false;
    write_entry(instance, ctx, ip, depth, calltime);
    return true;
  }
  // record_entry's two steps, for a caller that pushes its frame in between (as Linux's
  // function_graph_enter pushes the return before the entry is traced): whether the call is
  // hooked, and the entry record.
  TG_ALWAYS_INLINE static bool hooks(const TraceInstance& instance, const RecordContext& ctx,
                                     u32 depth) {
    u32 max_depth = instance.max_graph_depth();
    if (max_depth != 0 && depth >= max_depth) return false;
    return !(ctx.flags & ring::kFlagHardIrq) || instance.option(TraceOption::kFuncgraphIrqs);
  }
  TG_ALWAYS_INLINE static void write_entry(TraceInstance& instance, const RecordContext& ctx,
                                           u64 ip, u32 depth, u64 calltime) {
    // With a threshold only returns are written, but the return must still be timed.
    if (instance.tracing_thresh_us() != 0) return;
    // GraphEntryRecord: header, ip, depth, flags, preempt, reserved.
    u32 words[] = {0, text_offset(ip), byte_word(depth_byte(depth), ctx.flags, ctx.preempt, 0)};
    write_record<ring::GraphEntryRecord>(instance, ctx, ring::RecordType::kGraphEntry, words,
                                         calltime);
  }
  // The return record (short, or long for long calls or with funcgraph-retval); with
  // tracing_thresh, calls shorter than the threshold are dropped.
  TG_ALWAYS_INLINE static bool record_return(TraceInstance& instance, const RecordContext& ctx,
                                             u64 ip, u32 depth, u64 calltime, u64 rettime,
                                             u64 retval) {
    u64 duration = rettime > calltime ? rettime - calltime : 0;
    u64 thresh_ns = instance.tracing_thresh_us() * kNsPerUs;
    if (thresh_ns != 0 && duration < thresh_ns) return false;
    return write_graph_return(instance, ctx, ip, depth, duration, rettime,
                              instance.option(TraceOption::kFuncgraphRetval), retval);
  }
  // The tracer's on_entry and on_return.
  TG_ALWAYS_INLINE static bool on_entry(TraceInstance& instance, const RecordContext& ctx,
                                        HookedCall& call) {
    return record_entry(instance, ctx, call.ip, call.depth, call.calltime);
  }
  TG_ALWAYS_INLINE static void on_return(TraceInstance& instance, const RecordContext& ctx,
                                         const HookedCall& call, u64 rettime, u64 retval) {
    record_return(instance, ctx, call.ip, call.depth, call.calltime, rettime, retval);
  }
  // A hard interrupt handler starts / ends on this CPU: the ==========> and <========== lines.
  static bool record_irq_enter(TraceInstance& instance, const RecordContext& ctx, u32 irq);
  static bool record_irq_exit(TraceInstance& instance, const RecordContext& ctx, u32 irq);

  static constexpr u64 kNsPerUs = 1000;
  static u8 depth_byte(u32 depth) { return depth > 255 ? 255 : static_cast<u8>(depth); }
};

TG_ALWAYS_INLINE inline bool write_graph_return(TraceInstance& instance, const RecordContext& ctx,
                                                u64 ip, u32 depth, u64 duration, u64 rettime,
                                                bool with_retval, u64 retval) {
  if (!with_retval && duration <= ring::kMaxShortDuration) {
    // GraphReturnRecord: header, ip, depth in the low 8 bits and the duration above.
    u32 words[] = {0, text_offset(ip),
                   GraphTracer::depth_byte(depth) | static_cast<u32>(duration << 8)};
    return write_record<ring::GraphReturnRecord>(instance, ctx, ring::RecordType::kGraphReturn,
                                                 words, rettime);
  }
  // GraphReturnLongRecord: header, ip, depth, flags, has_retval, reserved, then the duration
  // and the return value, low word first.
  u32 words[] = {0,
                 text_offset(ip),
                 byte_word(GraphTracer::depth_byte(depth), ctx.flags, with_retval ? 1 : 0, 0),
                 static_cast<u32>(duration),
                 static_cast<u32>(duration >> 32),
                 static_cast<u32>(retval),
                 static_cast<u32>(retval >> 32)};
  return write_record<ring::GraphReturnLongRecord>(
      instance, ctx, ring::RecordType::kGraphReturnLong, words, rettime);
}

}  // namespace tg::trace
