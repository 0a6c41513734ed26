#pragma once

#include "Lib/Result.h"
#include "Lib/Types.h"

// The task that runs what is written to workloads/run: one run at a time, in its own task,
// so the 9P service keeps answering while a workload runs and a client that goes away does
// not stop it.
klib::Status workload_runner_start();

// Hands "NAME [ARGS]" to the runner; the run's id, or EBUSY while a run is in progress,
// EINVAL when the command is too long to be one.
klib::Result<u64> workload_runner_submit(const char* command, size_t length);
// EAGAIN while run `run` is in progress; then success, or the errno workload_run_command
// gave (EINVAL: unknown name or bad arguments; EBUSY: a boot workload was running).
klib::Status workload_runner_outcome(u64 run);
