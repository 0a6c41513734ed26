#include "Trace/GraphSleepTime.h"

#include "Tasks/Task.h"
#include "Trace/Tracefs.h"

using tg::trace::TraceInstance;
using tg::trace::TraceOption;

// As Linux: stamp the task going out; when a stamped task comes back, move the calltime of
// every frame it still has hooked forward by the time it was away, so its return computes a
// duration without it. A stale stamp is never used: a task is always stamped again on its
// way out before it can be switched back in.
void graph_sleep_time_on_switch(const TraceInstance& top, bool profiling, Task* prev, Task* next) {
  if (!(top.tracer().hooks_returns() || profiling) || top.option(TraceOption::kSleepTime)) return;
  u64 now = top.now();
  prev->shadow_stack.switched_out = now;
  ShadowStack& stack = next->shadow_stack;
  u64 out = stack.switched_out;
  if (out == 0) return;
  stack.switched_out = 0;
  if (now <= out) return;  // two CPUs' clocks: never move a call past the present
  u64 away = now - out;
  for (u32 i = 0; i < stack.top; ++i) stack.frames[i].call.calltime += away;
}
