#include "Arch/x86_64/PerCpu.h"
#include "Tasks/Scheduler.h"
#include "Tasks/Task.h"
#include "Workloads/Workload.h"

using klib::Errno;
using klib::Result;

// The scheduler's priority order, observable: each round the caller, a FIFO 90 task, starts
// three tasks on its own CPU (a normal one, FIFO 10, FIFO 40, in that order) that cannot run
// while it keeps the CPU, then waits for them. They must run highest priority first, each
// noting its rank. Checksum: 0x012 per round (ranks 0, 1, 2 in the order they ran); a round
// that ran in any other order fails the workload.
namespace {
struct Runner {
  u32 rank;
  u32* order;
  u32* next;
};

struct Contender {
  const char* name;
  SchedPolicy policy;
  u32 rt_priority;
  u32 rank;  // the place it must run in
};
constexpr Contender kContenders[] = {
    {"prio-normal", SchedPolicy::Normal, 0, 2},
    {"prio-fifo10", SchedPolicy::Fifo, 10, 1},
    {"prio-fifo40", SchedPolicy::Fifo, 40, 0},
};
constexpr u32 kContenderCount = sizeof(kContenders) / sizeof(kContenders[0]);
constexpr u32 kCallerRtPriority = 90;

void note_rank(void* argument) {
  auto* runner = static_cast<Runner*>(argument);
  u32 slot = __atomic_fetch_add(runner->next, 1, __ATOMIC_ACQ_REL);
  if (slot < kContenderCount) runner->order[slot] = runner->rank;
}

// One round: the ranks in the order the contenders ran, as hex digits (0x012 when right).
Result<u64> run_round(u32 cpu) {
  u32 order[kContenderCount] = {};
  u32 next = 0;
  Runner runners[kContenderCount];
  Task* tasks[kContenderCount] = {};
  Result<u64> outcome = 0ul;
  for (u32 i = 0; i < kContenderCount; ++i) {
    runners[i] = {kContenders[i].rank, order, &next};
    auto task = kthread_run(kContenders[i].name, note_rank, &runners[i], 1ul << cpu);
    if (!task.ok()) {
      outcome = task.error();
      break;
    }
    tasks[i] = task.value();
    auto set = sched_setscheduler(tasks[i], kContenders[i].policy, kContenders[i].rt_priority);
    if (!set.ok()) outcome = set.error();
  }
  for (Task* task : tasks) {
    if (task) kthread_join(task);
  }
  if (!outcome.ok()) return outcome;
  u64 digits = 0;
  for (u32 rank : order) digits = digits << 4 | rank;
  return digits;
}
}  // namespace

Result<u64> workload_priority(u64 iterations) {
  Task* self = current_task();
  u32 cpu = this_cpu_id();
  sched_set_affinity_current(1ul << cpu);
  TRY(sched_setscheduler(self, SchedPolicy::Fifo, kCallerRtPriority));
  u64 checksum = 0;
  Result<u64> failure = 0ul;
  for (u64 i = 0; i < iterations && failure.ok(); ++i) {
    auto round = run_round(cpu);
    if (!round.ok())
      failure = round.error();
    else if (round.value() != 0x012)
      failure = Errno::kIo;
    else
      checksum += round.value();
  }
  (void)sched_setscheduler(self, SchedPolicy::Normal, 0);
  sched_set_affinity_current(kAllCpus);
  if (!failure.ok()) return failure;
  return checksum;
}
