#include "Trace/GraphSleepTime.h"

#include "Arch/x86_64/Cpu.h"
#include "Tasks/Task.h"
#include "Trace/FtraceDispatch.h"
#include "Trace/Tracefs.h"

using tg::trace::TraceInstance;
using tg::trace::TraceOption;

// As Linux: stamp the task going out; when a stamped task comes back, move the calltime of
// every frame it still has hooked forward by the time it was away, so its return computes a
// duration without it. A stale stamp is never used: a task is always stamped again on its
// way out before it can be switched back in.
// The profiler's frames hold the local clock's time, the instances' function_graph frames the
// TSC and the top tracer's the top's clock: each moves by the time away on its own clock.
// sleep-time is one option for every instance, as Linux's fgraph_sleep_time.
void graph_sleep_time_on_switch(const TraceInstance& top, bool profiling, bool instance_graphs,
                                Task* prev, Task* next) {
  bool hooked = top.tracer().hooks_returns() || profiling || instance_graphs;
  if (!hooked || top.option(TraceOption::kSleepTime)) return;
  u64 now = top.now();
  u64 now_local = tg::platform().clock(tg::TraceClock::kLocal);
  u64 now_tsc = rdtsc();
  prev->shadow_stack.switched_out = now;
  prev->shadow_stack.switched_out_local = now_local;
  prev->shadow_stack.switched_out_tsc = now_tsc;
  ShadowStack& stack = next->shadow_stack;
  u64 out = stack.switched_out;
  u64 out_local = stack.switched_out_local;
  u64 out_tsc = stack.switched_out_tsc;
  if (out == 0) return;
  stack.switched_out = 0;
  // Two CPUs' clocks: never move a call past the present.
  if (now <= out || now_local <= out_local || now_tsc <= out_tsc) return;
  u64 away = now - out;
  u64 away_local = now_local - out_local;
  u64 away_tsc = now_tsc - out_tsc;
  for (u32 i = 0; i < stack.top; ++i) {
    ShadowFrame& frame = stack.frames[i];
    if (ftrace_is_instance_graph_frame(frame))
      frame.call.calltime += away_tsc;
    else
      frame.call.calltime += ftrace_is_profiler_frame(frame) ? away_local : away;
  }
}
