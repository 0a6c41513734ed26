#pragma once

#include "FileSystem/Vfs.h"

// An in-memory file system: one directory of files whose data lives on the kernel heap,
// grown by doubling. Each instance is independent (a workload mounts its own).
klib::Result<SuperBlock*> ramfs_mount();
// Frees every file; all files must be closed.
void ramfs_unmount(SuperBlock* fs);
