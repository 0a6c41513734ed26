#pragma once
#include "support/StringView.h"
#include "support/Types.h"

namespace tg::trace {

// A task as the scheduler's tracepoints hand it to a tracer: the fields of Linux's
// task_struct the latency tracers read. Priorities in Linux's numbering (0..98 RT, 120 a
// normal task at nice 0; lower runs first).
struct SchedTask {
  static constexpr i32 kMaxRtPrio = 100;
  static constexpr u8 kPolicyNormal = 0;
  static constexpr u8 kPolicyFifo = 1;
  static constexpr u8 kPolicyDeadline = 6;

  i32 pid = 0;
  i32 prio = 120;
  u32 cpu = 0;
  // Linux's task_state_index: 0 running (R), 1 interruptible sleep (S), ... 5 dead (X).
  u8 state = 0;
  u8 policy = kPolicyNormal;
  u8 rt_priority = 0;
  i32 nice = 0;
  StringView comm;

  // Linux's dl_task and rt_or_dl_task.
  bool is_deadline() const { return policy == kPolicyDeadline; }
  bool is_rt_or_deadline() const { return prio < kMaxRtPrio || is_deadline(); }
};

// The letters of Linux's task_index_to_char, by state index.
constexpr char task_state_char(u8 index) {
  constexpr char kStates[] = "RSDTtXZPI";
  return index < sizeof(kStates) - 1 ? kStates[index] : '?';
}

}  // namespace tg::trace
