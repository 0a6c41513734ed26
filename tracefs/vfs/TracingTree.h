#pragma once
#include "trace/Tracing.h"
#include "vfs/NodeTable.h"

namespace tg::vfs {

// Mounts the tracing tree of `tracing` at `name` ("tracing") in `table`: the top instance's
// directory, with instances/NAME, per_cpu/cpuN, options/ and events/ made from the same rows
// for every instance, CPU, option and event.
Status mount_tracing(NodeTable& table, trace::Tracing& tracing, StringView name = "tracing");

}  // namespace tg::vfs
