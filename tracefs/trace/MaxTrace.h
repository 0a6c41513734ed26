#pragma once
#include "support/Types.h"

namespace tg::trace {

// What Linux keeps beside its max buffer (the max buffer's trace_array_cpu, and its
// time_start): the latency the buffer holds, where it starts, and the task it was about.
// The latency-format header prints it.
struct MaxTraceInfo {
  u64 time_start = 0;  // entries older than this are left over from before: not shown
  u32 cpu = 0;         // the CPU the latency was measured on
  u64 latency_ns = 0;
  char comm[16] = {};
  i32 pid = 0;
  i32 nice = 0;
  u8 policy = 0;
  u8 rt_priority = 0;
  // Where an irqsoff-style critical section began and ended (0: none, as for wakeup).
  u64 critical_start = 0;
  u64 critical_end = 0;
};

}  // namespace tg::trace
