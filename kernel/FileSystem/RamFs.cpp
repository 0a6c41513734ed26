#include "FileSystem/RamFs.h"

#include "Lib/List.h"
#include "Lib/String.h"
#include "Memory/Heap.h"
#include "Tasks/Mutex.h"

using klib::Errno;
using klib::Result;
using klib::Status;

namespace {
struct RamFile {
  ListNode node;
  char name[kNameMax];
  Inode inode;
  u8* data;
  size_t capacity;
  bool linked;
};

struct RamFs {
  SuperBlock super;
  Mutex lock;  // the directory: tasks only, so contenders sleep (Linux: the dir inode lock)
  List files;
};

RamFs& ramfs_of(SuperBlock& fs) {
  return *static_cast<RamFs*>(fs.private_data);
}
RamFile& file_of(Inode& inode) {
  return *static_cast<RamFile*>(inode.private_data);
}

RamFile* ramfs_find(RamFs& fs, const char* name) {
  for (ListNode* node = fs.files.begin(); node != fs.files.end(); node = node->next) {
    RamFile* file = container_of(node, RamFile, node);
    if (strcmp(file->name, name) == 0) return file;
  }
  return nullptr;
}

Status ramfs_reserve(RamFile& file, size_t needed) {
  if (needed <= file.capacity) return {};
  size_t capacity = max<size_t>(file.capacity * 2, max<size_t>(needed, 64));
  auto* data = static_cast<u8*>(kmalloc(capacity));
  if (!data) return Errno::kNoSpc;
  if (file.data) memcpy(data, file.data, file.inode.size);
  kfree(file.data);
  file.data = data;
  file.capacity = capacity;
  return {};
}

Result<size_t> ramfs_read(Inode& inode, u64 offset, u8* buffer, size_t length) {
  RamFile& file = file_of(inode);
  if (offset >= inode.size) return size_t{0};
  size_t count = min<size_t>(length, inode.size - offset);
  memcpy(buffer, file.data + offset, count);
  return count;
}

Result<size_t> ramfs_write(Inode& inode, u64 offset, const u8* data, size_t length) {
  RamFile& file = file_of(inode);
  TRY(ramfs_reserve(file, offset + length));
  // A write past the end leaves a hole that reads back as zeros, as in any POSIX file.
  if (offset > inode.size) memset(file.data + inode.size, 0, offset - inode.size);
  memcpy(file.data + offset, data, length);
  inode.size = max<u64>(inode.size, offset + length);
  return length;
}

void ramfs_release(Inode& inode) {
  RamFile* file = &file_of(inode);
  kfree(file->data);
  destroy(file);
}

constexpr InodeOps kRamFileOps = {ramfs_read, ramfs_write, ramfs_release};

Result<Inode*> ramfs_lookup(SuperBlock& super, const char* name) {
  RamFs& fs = ramfs_of(super);
  MutexGuard guard(fs.lock);
  RamFile* file = ramfs_find(fs, name);
  if (!file) return Errno::kNoEnt;
  return &file->inode;
}

Result<Inode*> ramfs_create(SuperBlock& super, const char* name) {
  RamFs& fs = ramfs_of(super);
  RamFile* file = make<RamFile>();
  if (!file) return Errno::kNoSpc;
  strlcpy(file->name, name, sizeof(file->name));
  file->inode = Inode{&kRamFileOps, 0, 1, file};
  MutexGuard guard(fs.lock);
  if (ramfs_find(fs, name)) {
    destroy(file);
    return Errno::kExist;
  }
  file->linked = true;
  fs.files.push_back(file->node);
  return &file->inode;
}

Status ramfs_unlink(SuperBlock& super, const char* name) {
  RamFs& fs = ramfs_of(super);
  RamFile* file;
  {
    MutexGuard guard(fs.lock);
    file = ramfs_find(fs, name);
    if (!file) return Errno::kNoEnt;
    file->node.unlink();
    file->linked = false;
  }
  // The directory's reference: the data lives on while the file is still open.
  inode_put(file->inode);
  return {};
}

Status ramfs_rename(SuperBlock& super, const char* from, const char* to) {
  RamFs& fs = ramfs_of(super);
  RamFile* replaced = nullptr;
  {
    MutexGuard guard(fs.lock);
    RamFile* file = ramfs_find(fs, from);
    if (!file) return Errno::kNoEnt;
    if (file == ramfs_find(fs, to)) return {};
    // As rename(2): an existing target is replaced atomically.
    replaced = ramfs_find(fs, to);
    if (replaced) {
      replaced->node.unlink();
      replaced->linked = false;
    }
    strlcpy(file->name, to, sizeof(file->name));
  }
  if (replaced) inode_put(replaced->inode);
  return {};
}

constexpr DirectoryOps kRamFsOps = {ramfs_lookup, ramfs_create, ramfs_unlink, ramfs_rename};
}  // namespace

Result<SuperBlock*> ramfs_mount() {
  RamFs* fs = make<RamFs>();
  if (!fs) return Errno::kNoMem;
  fs->super = SuperBlock{"ramfs", &kRamFsOps, fs};
  return &fs->super;
}

void ramfs_unmount(SuperBlock* super) {
  RamFs* fs = &ramfs_of(*super);
  while (ListNode* node = fs->files.pop_front()) {
    RamFile* file = container_of(node, RamFile, node);
    file->linked = false;
    inode_put(file->inode);
  }
  destroy(fs);
}
