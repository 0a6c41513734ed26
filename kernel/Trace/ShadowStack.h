#pragma once

#include "Lib/Types.h"
#include "Trace/Tracefs.h"

// Tracers that hook a call's return (Tracer::on_entry) swap its return address for
// return_to_handler; what they swapped out lives here, one stack per task, so a task
// that is preempted or migrates inside a traced call keeps its frames (they move with the
// Task; a context switch only stamps the time under nosleep-time). Interrupt handlers nest
// on the interrupted task's stack and unwind before it runs again.
struct ShadowFrame {
  u64 return_address;  // where the traced function really returns to
  tg::trace::HookedCall call;
  // The tracer that hooked it, whose on_return runs if it is still current; null for a
  // set_graph_notrace call, whose subtree is not traced.
  const tg::trace::Tracer* tracer;
};

struct ShadowStack {
  static constexpr u32 kFrames = 48;
  u32 top;        // frames in use
  u32 excluded;   // set_graph_notrace frames among them
  u64 overflows;  // calls not hooked because the stack was full
  // nosleep-time: the trace clock when the task was last switched out, 0 when it was not
  // stamped (GraphSleepTime.cpp).
  u64 switched_out;
  ShadowFrame frames[kFrames];
};
