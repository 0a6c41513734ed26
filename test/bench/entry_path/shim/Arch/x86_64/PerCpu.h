#pragma once
// Host stand-in for the kernel's per-CPU block: one CPU, reached through a global instead
// of GS. Only the fields the recording path reads.
#include "Lib/Types.h"

struct Task;
constexpr u32 kMaxCpus = 8;

struct PerCpu {
  u32 cpu_id;
  Task* current;
  u32 preempt_count;
  u32 irq_depth;
  u32 need_resched;
};

extern PerCpu g_bench_cpu;

always_inline_notrace PerCpu* this_cpu() {
  return &g_bench_cpu;
}
always_inline_notrace u32 this_cpu_id() {
  return g_bench_cpu.cpu_id;
}
always_inline_notrace Task* current_task() {
  return g_bench_cpu.current;
}
