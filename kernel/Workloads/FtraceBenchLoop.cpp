#include "Workloads/FtraceBenchLoop.h"

// noinline: every iteration must really call, and enter through the fentry site.
__attribute__((noinline)) u64 ftrace_bench_leaf(u64 value) {
  asm volatile("" : "+r"(value));
  return value * 3 + 1;
}

__attribute__((noinline)) u64 ftrace_bench_loop(u64 calls) {
  u64 sum = 0;
  for (u64 i = 0; i < calls; ++i) sum += ftrace_bench_leaf(i);
  return sum;
}
