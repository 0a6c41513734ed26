#pragma once
#include "support/Atomic.h"
#include "support/Vector.h"
#include "trace/CpuMask.h"
#include "trace/ProfileTable.h"

namespace tg::trace {

// A call the profiler times, as the kernel keeps it on the task's shadow stack between
// entry and return.
struct ProfiledCall {
  u64 ip;
  u64 calltime;  // ns, the local trace clock
  // Under nograph-time: the time of the profiled calls it made, left out of its own.
  u64 subtime;
  // The enable it was counted under: a call that outlives a disable adds nothing.
  u32 generation;
};

// One function's line of trace_stat/functionN.
struct FunctionStat {
  u64 ip;
  u64 hits;
  u64 time;  // ns
  u64 time_squared;
};

// Linux's function profiler (function_profile_enabled, trace_stat/functionN): per CPU, every
// function's hits and time, whatever the tracers; the caller applies the top directory's
// function filter, as Linux's profiler takes the global one. Global, as in Linux.
//
// Enabling allocates each CPU's table once (room for every traceable function) and empties
// it; disabling freezes the numbers, which stay readable. The hot path runs on its CPU with
// interrupts masked (the kernel's TracerGuard), takes no lock and never allocates.
class FunctionProfiler {
 public:
  FunctionProfiler() = default;
  FunctionProfiler(const FunctionProfiler&) = delete;
  FunctionProfiler& operator=(const FunctionProfiler&) = delete;

  bool enabled() const { return enabled_.load(MemoryOrder::kAcquire); }
  // Control path. On: a fresh count in every CPU's table (ENOMEM when they cannot be
  // allocated). The caller re-patches the sites and, after turning it off, waits for the
  // recorders before anything is reset again.
  Status enable();
  void disable();

  // Hot path. A call to `ip` on `cpu` at `now`: counts the hit and fills `call`; true when
  // its return should be timed. False while disabled or when the CPU's table is full.
  bool enter(u32 cpu, u64 ip, u64 now, ProfiledCall& call);
  // Its return on `cpu` at `rettime`: the time goes to the function's record there (none if
  // the call moved to a CPU that never counted it, as in Linux). With graph-time off the
  // time of its profiled children is left out, and its own whole time is added to
  // `parent_subtime` (the caller's ProfiledCall::subtime; null for the outermost call).
  void leave(u32 cpu, const ProfiledCall& call, u64 rettime, u64* parent_subtime, bool graph_time);

  // Readers: `cpu`'s functions with at least one hit, in trace_stat's order (Linux's stat
  // tree: total time, largest first; among equal times the function first hit last).
  Result<Vector<FunctionStat>> stats(u32 cpu) const;
  // Hits lost because a CPU's table was full, over every CPU.
  u64 misses() const;

 private:
  Status allocate_tables();

  Atomic<bool> enabled_{false};
  Atomic<u32> generation_{0};
  u32 cpu_count_ = 0;
  OwnPtr<ProfileTable> tables_[CpuMask::kMaxCpus];
};

}  // namespace tg::trace
