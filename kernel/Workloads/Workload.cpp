#include "Workloads/Workload.h"

#include "Boot/CommandLine.h"
#include "Console/Log.h"
#include "Lib/SpinLock.h"
#include "Lib/String.h"
#include "Time/Clock.h"

using klib::Errno;
using klib::Result;
using klib::Status;

namespace {
constexpr WorkloadDescriptor kWorkloads[] = {
    {"alloc", "object-cache and kmalloc churn", 1000, 10000000, workload_alloc},
    {"pingpong", "two tasks on two CPUs alternating through wait queues", 1000, 10000000,
     workload_pingpong},
    {"ramfs", "create, write, read, rename, unlink through the VFS", 1000, 10000000,
     workload_ramfs},
    {"timers", "kernel timers firing callbacks", 1000, 10000000, workload_timers},
    {"priority", "FIFO and normal tasks queued on one CPU run highest priority first", 100, 100000,
     workload_priority},
    {"preempt_delay", "N microseconds busy with preemption disabled", 100, 5000000,
     workload_preempt_delay},
    {"irq_delay", "N microseconds busy with interrupts masked", 100, 5000000, workload_irq_delay},
};

SpinLock g_state_lock;
bool g_running;
WorkloadResult g_last{"", WorkloadStatus::None, 0, 0, 0};

const WorkloadDescriptor* find_workload(const char* name, size_t length) {
  for (const auto& workload : kWorkloads) {
    if (strlen(workload.name) == length && strncmp(workload.name, name, length) == 0) {
      return &workload;
    }
  }
  return nullptr;
}

Result<u64> parse_iterations(const WorkloadDescriptor& workload, const char* args, size_t length) {
  if (length == 0) return workload.default_iterations;
  u64 iterations;
  if (!parse_u64(args, length, iterations)) return Errno::kInval;
  if (iterations == 0 || iterations > workload.max_iterations) return Errno::kInval;
  return iterations;
}

bool is_blank(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

Status claim(const WorkloadDescriptor& workload, u64 iterations) {
  SpinLockGuard guard(g_state_lock);
  if (g_running) return Errno::kBusy;
  g_running = true;
  g_last = WorkloadResult{workload.name, WorkloadStatus::Running, iterations, 0, 0};
  return {};
}

void finish(const WorkloadResult& result) {
  SpinLockGuard guard(g_state_lock);
  g_last = result;
  g_running = false;
}
}  // namespace

size_t workload_count() {
  return array_size(kWorkloads);
}

const WorkloadDescriptor& workload_at(size_t index) {
  return kWorkloads[index];
}

Result<WorkloadResult> workload_run(const char* name, size_t name_length, const char* args,
                                    size_t args_length) {
  const WorkloadDescriptor* workload = find_workload(name, name_length);
  if (!workload) return Errno::kInval;
  u64 iterations = TRY(parse_iterations(*workload, args, args_length));
  TRY(claim(*workload, iterations));

  klog("workload: %s started, %lu iterations", workload->name, iterations);
  u64 start = clock_ns();
  Result<u64> outcome = workload->run(iterations);
  WorkloadResult result{workload->name, WorkloadStatus::Ok, iterations, clock_ns() - start, 0};
  if (!outcome.ok()) {
    result.status = WorkloadStatus::Failed;
    klog("workload: %s failed: %s", workload->name, klib::errno_name(outcome.error()));
  } else {
    result.checksum = outcome.value();
  }
  finish(result);
  klog("workload: %s status=%s iterations=%lu duration_ns=%lu checksum=0x%016lx", result.name,
       workload_status_name(result.status), iterations, result.duration_ns, result.checksum);
  return result;
}

Result<WorkloadResult> workload_run_command(const char* command, size_t length) {
  size_t start = 0;
  while (start < length && is_blank(command[start])) ++start;
  while (length > start && is_blank(command[length - 1])) --length;
  size_t name_end = start;
  while (name_end < length && !is_blank(command[name_end])) ++name_end;
  size_t args_start = name_end;
  while (args_start < length && is_blank(command[args_start])) ++args_start;
  for (size_t i = args_start; i < length; ++i) {
    if (is_blank(command[i])) return Errno::kInval;  // one argument at most
  }
  return workload_run(command + start, name_end - start, command + args_start, length - args_start);
}

WorkloadResult workload_last() {
  SpinLockGuard guard(g_state_lock);
  return g_last;
}

const char* workload_status_name(WorkloadStatus status) {
  constexpr const char* kNames[] = {"none", "running", "ok", "failed"};
  return kNames[static_cast<u32>(status)];
}
