#pragma once
#include "vfs/NodeTable.h"

namespace tg::vfs {

// Mounts `workloads/` (available, run, last) in `table`; the rows are data, the work is
// done by the kernel side (WorkloadFiles.cpp) through ServiceBridge.h.
Status mount_workloads(NodeTable& table);

}  // namespace tg::vfs
