#include "FileSystem/Vfs.h"

#include "Lib/String.h"
#include "Memory/Heap.h"

using klib::Errno;
using klib::Result;
using klib::Status;

namespace {
// Paths are "/name" or "name": one flat directory, no components to walk.
Result<const char*> path_to_name(const char* path) {
  if (*path == '/') ++path;
  size_t length = strlen(path);
  if (length == 0) return Errno::kIsDir;
  if (length >= kNameMax) return Errno::kNameTooLong;
  for (size_t i = 0; i < length; ++i) {
    if (path[i] == '/') return Errno::kNoEnt;
  }
  return path;
}

Result<File*> open_inode(Inode* inode) {
  File* file = make<File>();
  if (!file) return Errno::kNoMem;
  __atomic_add_fetch(&inode->references, 1, __ATOMIC_ACQ_REL);
  file->inode = inode;
  file->position = 0;
  return file;
}
}  // namespace

void inode_put(Inode& inode) {
  if (__atomic_sub_fetch(&inode.references, 1, __ATOMIC_ACQ_REL) == 0) inode.ops->release(inode);
}

Result<File*> vfs_create(SuperBlock& fs, const char* path) {
  const char* name = TRY(path_to_name(path));
  Inode* inode = TRY(fs.ops->create(fs, name));
  return open_inode(inode);
}

Result<File*> vfs_open(SuperBlock& fs, const char* path) {
  const char* name = TRY(path_to_name(path));
  Inode* inode = TRY(fs.ops->lookup(fs, name));
  return open_inode(inode);
}

Result<size_t> vfs_read(File& file, u8* buffer, size_t length) {
  size_t count = TRY(file.inode->ops->read(*file.inode, file.position, buffer, length));
  file.position += count;
  return count;
}

Result<size_t> vfs_write(File& file, const u8* data, size_t length) {
  size_t count = TRY(file.inode->ops->write(*file.inode, file.position, data, length));
  file.position += count;
  return count;
}

void vfs_close(File* file) {
  if (!file) return;
  inode_put(*file->inode);
  destroy(file);
}

Status vfs_rename(SuperBlock& fs, const char* from, const char* to) {
  const char* old_name = TRY(path_to_name(from));
  const char* new_name = TRY(path_to_name(to));
  return fs.ops->rename(fs, old_name, new_name);
}

Status vfs_unlink(SuperBlock& fs, const char* path) {
  const char* name = TRY(path_to_name(path));
  return fs.ops->unlink(fs, name);
}
