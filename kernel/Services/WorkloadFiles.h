#pragma once

// The task that runs what is written to workloads/run (see ServiceBridge.h for the rest).
bool workload_files_start_runner();
