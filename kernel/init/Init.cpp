#include "init/Init.h"

#include "Arch/x86_64/DebugExit.h"
#include "Arch/x86_64/PerCpu.h"
#include "Boot/CommandLine.h"
#include "Console/Log.h"
#include "Devices/EchoService.h"
#include "Devices/VirtioSerial.h"
#include "Lib/String.h"
#include "Services/NinePService.h"
#include "Tasks/Scheduler.h"
#include "Tasks/Task.h"
#include "Time/Clock.h"
#include "Trace/SelfTest.h"
#include "Workloads/Workload.h"
#include "init/Fault.h"

namespace {
struct BootWorkloads {
  u32 ran;
  u32 failed;
};

// Runs one `NAME[:N]` item of workload=; an error (EINVAL, EBUSY) counts as a failure.
void run_item(const char* item, size_t length, BootWorkloads& outcome) {
  size_t colon = 0;
  while (colon < length && item[colon] != ':') ++colon;
  const char* args = colon < length ? item + colon + 1 : item + length;
  size_t args_length = colon < length ? length - colon - 1 : 0;
  auto result = workload_run(item, colon, args, args_length);
  ++outcome.ran;
  if (!result.ok()) {
    klog("workload: '%.*s' rejected: %s", static_cast<int>(length), item,
         klib::errno_name(result.error()));
    ++outcome.failed;
  } else if (result.value().status != WorkloadStatus::Ok) {
    ++outcome.failed;
  }
}

// workload=NAME[:N][,NAME[:N]...]: the issue asks for one; a list saves test boots.
void run_boot_workloads(const char* list, size_t length, void* context) {
  auto& outcome = *static_cast<BootWorkloads*>(context);
  size_t start = 0;
  for (size_t i = 0; i <= length; ++i) {
    if (i < length && list[i] != ',') continue;
    if (i > start) run_item(list + start, i - start, outcome);
    start = i + 1;
  }
}
}  // namespace

void init_main(void*) {
  Task* self = current_task();
  klog("init: %s-%d running, %u CPUs online", self->comm, self->pid, g_cpus_online);

  virtio_serial_init();
  echo_service_start();
  // Without it the guest still runs its boot workloads; the service has logged why.
  (void)ninep_service_start();

  char fault[32];
  if (cmdline_value("fault", fault, sizeof(fault))) fault_inject(fault);

  char selftest[256];
  if (cmdline_value("tracing_selftest", selftest, sizeof(selftest))) tracing_selftest_run(selftest);

  BootWorkloads outcome{};
  cmdline_for_each("workload", run_boot_workloads, &outcome);
  if (outcome.ran) {
    klog("init: boot workloads done: %u ran, %u failed, at %lu ns", outcome.ran, outcome.failed,
         clock_ns());
  }

  for (u32 cpu = 0; cpu < g_cpus_online; ++cpu) {
    SchedStats stats = sched_stats(cpu);
    klog("sched: cpu%u switches=%lu remote_wakeups=%lu migrations_in=%lu", cpu, stats.switches,
         stats.remote_wakeups, stats.migrations_in);
  }

  if (cmdline_flag("poweroff")) {
    klog("init: powering off");
    qemu_exit(outcome.failed ? ExitCode::Failure : ExitCode::Success);
  }
}
