#pragma once
#include "trace/Tracing.h"
#include "vfs/NodeTable.h"

namespace tg::vfs {

// Mounts `proc/` in `table`: what Linux keeps under /proc rather than in tracefs, in its
// formats. `kallsyms` (every symbol of the kernel, for a host that reads traces away from
// the guest) and `sys/kernel/stack_tracer_enabled` (the stack tracer's switch, a sysctl in
// Linux) of `tracing`.
Status mount_proc(NodeTable& table, trace::Tracing& tracing);

}  // namespace tg::vfs
