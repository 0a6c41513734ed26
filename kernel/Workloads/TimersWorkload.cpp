#include "Arch/x86_64/PerCpu.h"
#include "Memory/Heap.h"
#include "Tasks/WaitQueue.h"
#include "Time/Clock.h"
#include "Time/Timer.h"
#include "Workloads/Workload.h"

using klib::Errno;
using klib::Result;

// Arms timers in batches of kBatch; timer i expires ((i % 10) + 1) * 200 us after arming and
// its callback adds (i + 1) * kWeight to the checksum. The task sleeps until the batch has
// fired. A callback that runs before its deadline fails the run.
namespace {
constexpr u64 kBatch = 100;
constexpr u64 kWeight = 2654435761;
constexpr u64 kStepNs = 200000;

struct TimerRun;

struct WorkloadTimer {
  Timer timer;
  TimerRun* run;
  u64 index;
};

struct TimerRun {
  WaitQueue done;
  u64 remaining;
  u64 exited;  // callbacks that will not touch this run again
  u64 checksum;
  bool early;
};

void on_expiry(Timer& timer) {
  auto* entry = container_of(&timer, WorkloadTimer, timer);
  TimerRun& run = *entry->run;
  if (clock_ns() < timer.deadline_ns) run.early = true;
  __atomic_add_fetch(&run.checksum, (entry->index + 1) * kWeight, __ATOMIC_RELAXED);
  if (__atomic_sub_fetch(&run.remaining, 1, __ATOMIC_ACQ_REL) == 0) run.done.wake_up();
  __atomic_add_fetch(&run.exited, 1, __ATOMIC_RELEASE);
}

void run_batch(TimerRun& run, WorkloadTimer* timers, u64 first, u64 count) {
  __atomic_store_n(&run.remaining, count, __ATOMIC_RELEASE);
  __atomic_store_n(&run.exited, 0, __ATOMIC_RELEASE);
  u64 now = clock_ns();
  for (u64 k = 0; k < count; ++k) {
    WorkloadTimer& entry = timers[k];
    entry.run = &run;
    entry.index = first + k;
    timer_setup(entry.timer, on_expiry);
    timer_add(entry.timer, now + ((entry.index % 10) + 1) * kStepNs);
  }
  wait_event(run.done, __atomic_load_n(&run.remaining, __ATOMIC_ACQUIRE) == 0);
  // The last callback may still be inside wake_up on another CPU; the timers and the run
  // are reused or freed only once every callback is out.
  while (__atomic_load_n(&run.exited, __ATOMIC_ACQUIRE) != count) cpu_relax();
}
}  // namespace

Result<u64> workload_timers(u64 iterations) {
  auto* timers = static_cast<WorkloadTimer*>(kzalloc(sizeof(WorkloadTimer) * kBatch));
  if (!timers) return Errno::kNoMem;
  TimerRun* run = make<TimerRun>();
  if (!run) {
    kfree(timers);
    return Errno::kNoMem;
  }
  for (u64 first = 0; first < iterations; first += kBatch) {
    run_batch(*run, timers, first, min(kBatch, iterations - first));
  }
  bool early = run->early;
  u64 checksum = run->checksum;
  destroy(run);
  kfree(timers);
  if (early) return Errno::kIo;
  return checksum;
}
