#pragma once
#include "support/Result.h"
#include "support/Span.h"
#include "support/StringView.h"

namespace tg::ninep {

// What the 9P server needs to know about a node of the tree it serves.
struct NodeInfo {
  u64 id = 0;  // stable while the node exists: the qid path
  bool directory = false;
  u32 mode = 0;  // permission bits (0640); the server adds the file-type bits
  u64 size = 0;
  u32 version = 0;
};

struct DirEntry {
  NodeInfo node;
  StringView name;  // valid until the next call into the tree
};

// The tree the server serves, as an ops table (the core has no virtual destructors): the
// kernel points it at the tracefs node table, host tests at whatever they like. Every
// operation returns Linux's errno. EAGAIN from read/write means "would block": the server
// parks the request and retries it on Server::poll() until it completes or is flushed.
struct FileTreeOps {
  Result<NodeInfo> (*root)(void* tree);
  // `name` is one path element; ".." names the parent (the root's parent is the root).
  Result<NodeInfo> (*lookup)(void* tree, u64 directory, StringView name);
  Result<NodeInfo> (*getattr)(void* tree, u64 node);
  // Opens `node` with Linux open(2) flags; the handle is passed back to read/write/close.
  Result<void*> (*open)(void* tree, u64 node, u32 flags);
  Result<usize> (*read)(void* tree, void* handle, u64 offset, MutableBytes out);
  // EAGAIN after the write was accepted means it completes later (workloads/run): the
  // server then asks write_done until it stops answering EAGAIN. May be null.
  Result<usize> (*write)(void* tree, void* handle, u64 offset, Bytes data);
  Result<usize> (*write_done)(void* tree, void* handle);
  void (*close)(void* tree, void* handle);
  // The entry at `index` of a directory, or ENOENT past the last one.
  Result<DirEntry> (*readdir)(void* tree, u64 directory, u64 index);
  Result<NodeInfo> (*mkdir)(void* tree, u64 directory, StringView name);
  Status (*remove)(void* tree, u64 directory, StringView name, bool is_directory);
};

struct FileTree {
  const FileTreeOps* ops = nullptr;
  void* context = nullptr;
};

}  // namespace tg::ninep
