#pragma once

namespace tg::trace {
class TraceInstance;
}
struct Task;

// sleep-time (function_graph, function_duration): with the option off, a hooked call's
// duration leaves out the time its task spent switched out. Called from the scheduler's
// switch hook for every context switch, before the stack switch, interrupts masked. `top`
// is the instance whose tracer hooks returns (the graph tracers run there only); with
// `profiling` (function_profile_enabled) the profiler's timed calls are treated the same, as
// Linux's profiler shares fgraph's sleep-time.
void graph_sleep_time_on_switch(const tg::trace::TraceInstance& top, bool profiling, Task* prev,
                                Task* next);
