#pragma once

#include "Lib/Types.h"
#include "Trace/Tracefs.h"

// Tracers that hook a call's return (Tracer::on_entry) swap its return address for
// return_to_handler; what they swapped out lives here, one stack per task, so a task
// that is preempted or migrates inside a traced call keeps its frames (they move with the
// Task; a context switch only stamps the time under nosleep-time). Interrupt handlers nest
// on the interrupted task's stack and unwind before it runs again. One call may carry
// several frames (a return probe's, the profiler's, a graph tracer's): each hook pushes its
// own, and the call returns through all of them in turn.
struct ShadowFrame {
  u64 return_address;  // where the traced function really returns to
  // The profiler's frames keep their ProfiledCall's ip, calltime and generation (in data).
  tg::trace::HookedCall call;
  // The tracer that hooked it, whose on_return runs if it is still current; null for a
  // set_graph_notrace call, whose subtree is not traced; or the marker of a return probe's
  // or the profiler's frame (FtraceDispatch.cpp).
  const tg::trace::Tracer* tracer;
  u64 subtime;  // the profiler's frames: ProfiledCall::subtime
};

// What a return probe's $argN reads at the return: the first arguments and $stack as the
// function's entry saw them (tracefs's probe_entry_arguments).
struct ProbeEntryArgs {
  u64 arguments[tg::trace::kEntryArguments];
  u64 sp;
};

struct ShadowStack {
  // Room for the profiler's and a graph tracer's frame on every call of a deep path.
  static constexpr u32 kFrames = 96;
  u32 top;       // frames in use
  u32 excluded;  // set_graph_notrace frames among them
  // Return probes' and the profiler's frames among them: a graph tracer's depth leaves them
  // out.
  u32 side_frames;
  u32 instance_frames;  // the instances' function_graph frames among those: their depth
  u64 overflows;        // calls not hooked because the stack was full
  // nosleep-time: the trace clock when the task was last switched out, 0 when it was not
  // stamped (GraphSleepTime.cpp).
  u64 switched_out;
  u64 switched_out_local;  // the same moment on the local clock, for the profiler's frames
  u64 switched_out_tsc;    // and the TSC, for the instances' function_graph frames
  ShadowFrame frames[kFrames];
  // Return probes' frames keep their entry's arguments here, innermost last (a frame's
  // call.data is its index + 1, 0 when all were taken: its $argN then fail to fetch).
  static constexpr u32 kProbeEntries = 16;
  u32 probe_entries;  // in use
  ProbeEntryArgs probe_entry[kProbeEntries];
};
