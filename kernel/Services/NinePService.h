#pragma once

// The 9P2000.L server on virtio-serial port 1 (org.tracegate.9p), serving tracefs'
// `tracing/` and `workloads/`. Needs tracing_setup() to have run.
void ninep_service_start();
