#pragma once

#include "Lib/Types.h"

// function_graph and function_duration hook a call's return by swapping its return address
// for return_to_handler; what they swapped out lives here, one stack per task, so a task
// that is preempted or migrates inside a traced call keeps its frames (they move with the
// Task; a context switch only stamps the time under nosleep-time). Interrupt handlers nest
// on the interrupted task's stack and unwind before it runs again.
struct ShadowFrame {
  u64 return_address;  // where the traced function really returns to
  u64 ip;              // the traced function
  u64 calltime;        // the trace clock at entry
  u32 depth;           // graph depth of the call
  u8 hook;             // ShadowHook: what the return should record
  u8 reserved[3];
};

enum ShadowHook : u8 {
  kShadowHookExcluded = 0,  // set_graph_notrace: its subtree is not traced, nothing recorded
  kShadowHookGraph = 1,     // function_graph: a return record
  kShadowHookDuration = 2,  // function_duration: one record at exit
};

struct ShadowStack {
  static constexpr u32 kFrames = 48;
  u32 top;        // frames in use
  u32 excluded;   // kShadowHookExcluded frames among them
  u64 overflows;  // calls not hooked because the stack was full
  // nosleep-time: the trace clock when the task was last switched out, 0 when it was not
  // stamped (GraphSleepTime.cpp).
  u64 switched_out;
  ShadowFrame frames[kFrames];
};
