#pragma once

#include "Lib/Result.h"

// The 9P2000.L server on virtio-serial port 1 (org.tracegate.9p), serving tracefs'
// `tracing/` and `workloads/`. Needs tracing_init() to have run. On failure the errno says
// why (ETIMEDOUT: no such port; ENOMEM; ENOENT: tracing is not set up; ...), and the log
// names the step.
klib::Status ninep_service_start();

// Trace data a parked read may want arrived (registered as the platform's wake_readers).
// Any context, even the tracer's record path: it only sets a flag that the service's 10 ms
// poll timer (armed while requests are parked) acts on.
void ninep_service_wake();
// A parked request can complete now (a workload finished): wakes the service at once.
// Task or interrupt context, no scheduler locks held.
void ninep_service_kick();
