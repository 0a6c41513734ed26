#pragma once
#include "trace/Tracer.h"

namespace tg::trace {

// The wakeup latency tracers (Linux's trace_sched_wakeup.c): each measures, for the
// highest-priority task woken so far, the time from its sched_wakeup to the sched_switch onto
// it, records the functions its CPU ran meanwhile (options/function-trace), and keeps the
// worst case in the max buffer, which `trace` shows in the latency format.
//   wakeup:    any task that outranks both the task being measured and the waker
//   wakeup_rt: RT and deadline tasks only
//   wakeup_dl: deadline tasks only (the guest has none: it records nothing)
extern const Tracer kWakeupTracer;
extern const Tracer kWakeupRtTracer;
extern const Tracer kWakeupDlTracer;

// Whether `delta_ns` is a latency worth keeping (Linux's report_latency): at or above
// tracing_thresh when that is set, else above the current maximum.
bool report_latency(u64 delta_ns, u64 max_latency_ns, u64 thresh_ns);

}  // namespace tg::trace
