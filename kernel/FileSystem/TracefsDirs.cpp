#include "FileSystem/TracefsDirs.h"

#include "Platform.h"

extern "C" {
// Out of line and kept: the call, with the name in %rdi, is what a probe sees. They return
// the parent (the node the new directory hangs from), as Linux's return the new inode.
__attribute__((noinline, used)) void* eventfs_create_dir(const char* name, void* parent) {
  asm volatile("" : : "r"(name) : "memory");
  return parent;
}

__attribute__((noinline, used)) void* tracefs_create_dir(const char* name, void* parent) {
  asm volatile("" : : "r"(name) : "memory");
  return parent;
}
}

void tracefs_directory_made(tg::DirectoryKind kind, const char* name) {
  if (kind == tg::DirectoryKind::kEvent)
    eventfs_create_dir(name, nullptr);
  else
    tracefs_create_dir(name, nullptr);
}
