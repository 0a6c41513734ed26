#pragma once
#include "support/Memory.h"
#include "support/Vector.h"
#include "vfs/OpenFile.h"

namespace tg::vfs {

// What getattr reports: Linux's mode, size 0 (tracefs files have no size), and a number
// that names the node as long as it exists (a 9P qid path).
struct Attributes {
  u32 mode;
  u64 size;
  u64 inode;
};

// The file tree a 9P server serves: a root holding mounted trees (`tracing/` from tracefs,
// `workloads/` from the kernel), each a table of Node rows. All operations are what a 9P
// server needs: walk, open, read(offset), write, release (clunk), readdir, getattr, mkdir,
// rmdir. None blocks: a trace_pipe read with nothing to read returns EAGAIN whatever the
// flags; a server that must block (the file was not opened O_NONBLOCK) parks the request
// and retries it when poll() turns true, checking again whenever the platform's
// wake_readers fires.
// Not thread-safe: one server task makes every call (the ops change tracing state that the
// recording side only reads).
class NodeTable {
 public:
  static constexpr usize kMaxMounts = 8;

  // A top-level tree. `alive` (optional) tells whether a context still names something
  // that exists (an instance may be removed while a fid points into it).
  struct Mount {
    StringView name;
    const Node* root = nullptr;
    void* data = nullptr;
    bool (*alive)(const NodeContext& context) = nullptr;
    // Resolves the instance a context names, for files to pin while open. Optional.
    trace::TraceInstance* (*instance_of)(const NodeContext& context) = nullptr;
  };

  // `name` must outlive the table (a literal).
  Status mount(const Mount& mount);

  NodeRef root() const;
  // One component. "." and ".." are not names here: callers resolve paths before walking.
  Result<NodeRef> walk(const NodeRef& from, StringView name) const;
  // A '/'-separated path from the root ("tracing/instances/foo/trace"); empty components
  // (leading, trailing or doubled slashes) are skipped.
  Result<NodeRef> lookup(StringView path) const;

  // The index-th entry of a directory (static rows first, then run-time ones); false past
  // the end. ENOTDIR for a file.
  Result<bool> entry_at(const NodeRef& directory, usize index, NodeRef& out) const;
  Attributes getattr(const NodeRef& ref) const;

  Result<OwnPtr<OpenFile>> open(const NodeRef& ref, u32 flags) const;
  Result<usize> read(OpenFile& file, u64 offset, Span<char> out) const;
  Result<usize> write(OpenFile& file, u64 offset, StringView data) const;
  // Completion of a write that answered EAGAIN (see FileOps::write_done).
  Result<usize> write_done(OpenFile& file) const;
  bool poll(OpenFile& file) const;
  // Runs the file's release op and frees it (9P clunk).
  void release(OwnPtr<OpenFile> file) const;

  // A 9P server names nodes by number (qid path): every node the table has handed out
  // (root, walk, entry_at) can be found again from its inode, and so can its parent (for
  // ".."). ENOENT once it is gone (its instance was removed) or was never seen.
  Result<NodeRef> resolve(u64 inode) const;
  Result<NodeRef> parent_of(u64 inode) const;

  Status mkdir(const NodeRef& parent, StringView name) const;
  Status rmdir(const NodeRef& parent, StringView name) const;
  // Files cannot be created anywhere in tracefs (Linux: EACCES).
  Status create(const NodeRef& parent, StringView name) const;

 private:
  bool alive(const NodeRef& ref) const;
  u64 inode_of(const NodeRef& ref) const;
  void remember(const NodeRef& ref, u64 parent) const;

  struct Known {
    u64 inode;
    u64 parent;
    NodeRef ref;
  };
  // Sorted by inode. Mutable: remembering is a cache of what lookups already computed.
  mutable Vector<Known> known_;
  Result<usize> read_text(OpenFile& file, u64 offset, Span<char> out) const;

  Mount mounts_[kMaxMounts] = {};
  usize mount_count_ = 0;
};

}  // namespace tg::vfs
