#pragma once
#include "ninep/FileTree.h"
#include "vfs/NodeTable.h"

namespace tg::vfs {

// The node table as the 9P server's FileTree: nodes by inode (qid path), open files as
// handles. EAGAIN from a read means "park and retry on poll", as FileTree expects.
class NinePTree {
 public:
  explicit NinePTree(NodeTable& table) : table_(table) {}
  ninep::FileTree file_tree() { return {&kOps, this}; }

  NodeTable& table() { return table_; }
  // The last entry readdir returned (its name lives here until the next call).
  NodeRef& scratch() { return scratch_; }

 private:
  static const ninep::FileTreeOps kOps;
  NodeTable& table_;
  NodeRef scratch_;
};

}  // namespace tg::vfs
