#pragma once

#include "Lib/Result.h"
#include "Lib/Types.h"

// A small VFS: a file system supplies directory operations on its superblock and data
// operations on its inodes; callers go through the vfs_* functions, which own open files
// and reference counts. One flat directory per file system is all the kernel needs.
struct Inode;
struct SuperBlock;

struct InodeOps {
  klib::Result<size_t> (*read)(Inode& inode, u64 offset, u8* buffer, size_t length);
  klib::Result<size_t> (*write)(Inode& inode, u64 offset, const u8* data, size_t length);
  void (*release)(Inode& inode);  // last reference gone after unlink
};

struct DirectoryOps {
  klib::Result<Inode*> (*lookup)(SuperBlock& fs, const char* name);
  klib::Result<Inode*> (*create)(SuperBlock& fs, const char* name);
  klib::Status (*unlink)(SuperBlock& fs, const char* name);
  klib::Status (*rename)(SuperBlock& fs, const char* from, const char* to);
};

struct SuperBlock {
  const char* type;
  const DirectoryOps* ops;
  void* private_data;
};

struct Inode {
  const InodeOps* ops;
  u64 size;
  u32 references;  // open files plus one for the directory entry
  void* private_data;
};

struct File {
  Inode* inode;
  u64 position;
};

constexpr size_t kNameMax = 32;

klib::Result<File*> vfs_create(SuperBlock& fs, const char* path);
klib::Result<File*> vfs_open(SuperBlock& fs, const char* path);
klib::Result<size_t> vfs_read(File& file, u8* buffer, size_t length);
klib::Result<size_t> vfs_write(File& file, const u8* data, size_t length);
void vfs_close(File* file);
klib::Status vfs_rename(SuperBlock& fs, const char* from, const char* to);
klib::Status vfs_unlink(SuperBlock& fs, const char* path);

// Drops a reference; the file system releases an unlinked inode on the last one.
void inode_put(Inode& inode);
