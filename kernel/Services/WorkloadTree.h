#pragma once

#include "Trace/Tracefs.h"

namespace tg::vfs {

// Mounts `workloads/` (available, run, last) in `table`; the rows are data, the runs are
// the runner task's (WorkloadRunner.h).
Status mount_workloads(NodeTable& table);

}  // namespace tg::vfs
