#pragma once

#include "Lib/Result.h"
#include "Lib/Types.h"

// Workloads: real kernel code paths to trace, run by name. One runs at a time; the caller's
// task runs it (and may sleep inside it) until it finishes. A later /workloads/ tree maps
// `available`, `run` and `last` onto workload_count/workload_at, workload_run_command and
// workload_last.

enum class WorkloadStatus : u32 { None, Running, Ok, Failed };

struct WorkloadResult {
  const char* name;
  WorkloadStatus status;
  u64 iterations;
  u64 duration_ns;
  u64 checksum;
};

struct WorkloadDescriptor {
  const char* name;
  const char* description;
  u64 default_iterations;
  u64 max_iterations;
  // Runs `iterations` rounds; returns the checksum or the errno that made it fail.
  klib::Result<u64> (*run)(u64 iterations);
};

size_t workload_count();
const WorkloadDescriptor& workload_at(size_t index);

// Runs `name` with `args` ("" for the default count, or a decimal iteration count).
// EINVAL: unknown name or bad arguments; EBUSY: another workload is running. A workload
// that ran but failed is a result with status Failed, not an error.
klib::Result<WorkloadResult> workload_run(const char* name, size_t name_length, const char* args,
                                          size_t args_length);
// "NAME [N]", as written to /workloads/run (surrounding blanks and a newline are fine).
klib::Result<WorkloadResult> workload_run_command(const char* command, size_t length);
// The last run, or the one in progress (status Running); status None before any.
WorkloadResult workload_last();

const char* workload_status_name(WorkloadStatus status);

// The built-in workloads (one file each).
klib::Result<u64> workload_alloc(u64 iterations);
klib::Result<u64> workload_pingpong(u64 iterations);
klib::Result<u64> workload_ramfs(u64 iterations);
klib::Result<u64> workload_timers(u64 iterations);
klib::Result<u64> workload_priority(u64 iterations);
klib::Result<u64> workload_preempt_delay(u64 microseconds);
klib::Result<u64> workload_irq_delay(u64 microseconds);
