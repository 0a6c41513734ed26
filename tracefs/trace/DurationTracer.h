#pragma once
#include "trace/RecordContext.h"
#include "trace/Tracer.h"

namespace tg::trace {

extern const Tracer kDurationTracer;

// function_duration: one record per call, written when it returns (calltime = its time minus
// the duration), so lines appear in order of exit and a call costs one record.
struct DurationTracer {
  // Whether to hook the return of a call at `depth` (max_graph_depth applies).
  static bool should_hook(const TraceInstance& instance, const RecordContext& ctx, u32 depth);
  // tracing_thresh drops short calls before anything is written.
  static bool record_exit(TraceInstance& instance, const RecordContext& ctx, u64 ip, u32 depth,
                          u64 calltime, u64 rettime);
};

}  // namespace tg::trace
