#include "Services/WorkloadRunner.h"

#include "Arch/x86_64/PerCpu.h"
#include "Lib/SpinLock.h"
#include "Lib/String.h"
#include "Services/NinePService.h"
#include "Tasks/Scheduler.h"
#include "Tasks/Task.h"
#include "Tasks/WaitQueue.h"
#include "Workloads/Workload.h"

namespace {

constexpr size_t kCommandMax = 128;

using klib::Errno;

struct Runner {
  SpinLock lock;
  WaitQueue requests;
  char command[kCommandMax];
  size_t length;
  u64 last_started;   // id of the newest run handed over
  u64 last_finished;  // id of the newest run done
  Errno outcome;      // what workload_run_command said (kOk: it ran)
  bool busy;
};

Runner g_runner;

bool has_request() {
  SpinLockGuard guard(g_runner.lock);
  return g_runner.busy && g_runner.last_finished != g_runner.last_started;
}

void runner_loop(void*) {
  char command[kCommandMax];
  for (;;) {
    wait_event(g_runner.requests, has_request());
    size_t length;
    u64 run;
    {
      SpinLockGuard guard(g_runner.lock);
      length = g_runner.length;
      run = g_runner.last_started;
      memcpy(command, g_runner.command, length);
    }
    auto result = workload_run_command(command, length);
    // pingpong moves its caller; the next run starts anywhere again.
    sched_set_affinity_current(kAllCpus);
    {
      SpinLockGuard guard(g_runner.lock);
      g_runner.outcome = result.error();
      g_runner.last_finished = run;
      g_runner.busy = false;
    }
    ninep_service_kick();
  }
}

}  // namespace

klib::Status workload_runner_start() {
  TRY(kthread_run("workloads", runner_loop, nullptr, kAllCpus));
  return {};
}

klib::Result<u64> workload_runner_submit(const char* command, size_t length) {
  if (length > kCommandMax) return Errno::kInval;
  // A boot workload may be running too: workload_run_command's own EBUSY covers that.
  SpinLockGuard guard(g_runner.lock);
  if (g_runner.busy) return Errno::kBusy;
  memcpy(g_runner.command, command, length);
  g_runner.length = length;
  g_runner.busy = true;
  u64 run = ++g_runner.last_started;
  g_runner.requests.wake_up();
  return run;
}

klib::Status workload_runner_outcome(u64 run) {
  SpinLockGuard guard(g_runner.lock);
  if (g_runner.last_finished < run) return Errno::kAgain;
  if (g_runner.last_finished > run) return {};  // superseded: ours finished long ago
  return g_runner.outcome;
}
