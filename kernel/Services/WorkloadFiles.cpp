// Kernel side of `workloads/`: the runner task that executes `run` writes, and the text of
// `available` and `last`.
#include "Services/WorkloadFiles.h"
#include "Arch/x86_64/PerCpu.h"
#include "Console/Log.h"
#include "Lib/Errno.h"
#include "Lib/Format.h"
#include "Lib/SpinLock.h"
#include "Lib/String.h"
#include "Services/ServiceBridge.h"
#include "Tasks/Scheduler.h"
#include "Tasks/Task.h"
#include "Tasks/WaitQueue.h"
#include "Workloads/Workload.h"

namespace {

constexpr size_t kCommandMax = 128;

// One run at a time, in its own task: the 9P service must keep answering while a workload
// runs, and a client that goes away must not stop it.
struct Runner {
  SpinLock lock;
  WaitQueue requests;
  char command[kCommandMax];
  size_t length;
  u64 last_started;   // id of the newest run handed over
  u64 last_finished;  // id of the newest run done
  int outcome;        // its errno, 0 when workload_run_command accepted it
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
      g_runner.outcome = !result.ok() ? static_cast<int>(result.error()) : 0;
      g_runner.last_finished = run;
      g_runner.busy = false;
    }
    ninep_service_kick();
  }
}

}  // namespace

bool workload_files_start_runner() {
  auto task = kthread_run("workloads", runner_loop, nullptr, kAllCpus);
  if (!task.ok()) {
    klog("workloads: cannot start the runner: %s", klib::errno_name(task.error()));
    return false;
  }
  return true;
}

size_t workload_files_available(char* out, size_t capacity) {
  size_t used = 0;
  for (size_t i = 0; i < workload_count() && used < capacity; ++i) {
    used += format(out + used, capacity - used, "%s\n", workload_at(i).name);
  }
  return used;
}

size_t workload_files_last(char* out, size_t capacity) {
  WorkloadResult last = workload_last();
  return format(out, capacity,
                "name: %s\nstatus: %s\niterations: %lu\nduration_ns: %lu\nchecksum: 0x%016lx\n",
                last.name, workload_status_name(last.status), last.iterations, last.duration_ns,
                last.checksum);
}

int workload_files_start(const char* command, size_t length, u64* run) {
  if (length > kCommandMax) return static_cast<int>(klib::Errno::kInval);
  // A boot workload may be running too: workload_run_command's own EBUSY covers that.
  SpinLockGuard guard(g_runner.lock);
  if (g_runner.busy) return static_cast<int>(klib::Errno::kBusy);
  memcpy(g_runner.command, command, length);
  g_runner.length = length;
  g_runner.busy = true;
  *run = ++g_runner.last_started;
  g_runner.requests.wake_up();
  return 0;
}

int workload_files_outcome(u64 run) {
  SpinLockGuard guard(g_runner.lock);
  if (g_runner.last_finished < run) return static_cast<int>(klib::Errno::kAgain);
  if (g_runner.last_finished > run) return 0;  // superseded: ours finished long ago
  return g_runner.outcome;
}
