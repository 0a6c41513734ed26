#pragma once
#include "vfs/Node.h"

namespace tg::vfs {

// A resolved node: the row, the context that makes it one concrete file, and its name. What
// a 9P fid holds; cheap to copy.
struct NodeRef {
  const Node* node = nullptr;
  NodeContext context;
  u8 mount = 0xff;  // index of the mount it lives in; 0xff for the root itself
  StringView name;
  char name_buffer[24] = {};
  usize name_length = 0;

  StringView name_view() const { return name_length ? StringView(name_buffer, name_length) : name; }
  bool is_directory() const { return node && node->is_directory(); }
};

}  // namespace tg::vfs
