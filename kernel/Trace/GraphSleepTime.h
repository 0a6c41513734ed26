#pragma once

namespace tg::trace {
class TraceInstance;
}
struct Task;

// sleep-time (function_graph, function_duration): with the option off, a hooked call's
// duration leaves out the time its task spent switched out. Called from the scheduler's
// switch hook for every context switch, before the stack switch, interrupts masked. `top`
// holds the option (one for every instance, as Linux's fgraph_sleep_time) and its tracer may
// hook returns; with `instance_graphs` the instances' function_graph calls are treated the
// same, and with `profiling` (function_profile_enabled) the profiler's timed calls, as
// Linux's profiler shares fgraph's sleep-time.
void graph_sleep_time_on_switch(const tg::trace::TraceInstance& top, bool profiling,
                                bool instance_graphs, Task* prev, Task* next);
