#pragma once
#include "vfs/NodeTable.h"

namespace tg::vfs {

// Mounts `proc/` in `table`: the kernel facts a host needs to read traces away from the
// guest, in Linux's /proc formats. Today `kallsyms`, every symbol of the kernel.
Status mount_proc(NodeTable& table);

}  // namespace tg::vfs
