#pragma once
#include "vfs/NodeRef.h"

namespace tg::trace {
class TraceInstance;
class Tracing;
}  // namespace tg::trace

namespace tg::vfs {

// Open flags, with Linux's values (9P2000.L's Tlopen carries them as they are).
inline constexpr u32 kOpenReadOnly = 0;
inline constexpr u32 kOpenWriteOnly = 1;
inline constexpr u32 kOpenReadWrite = 2;
inline constexpr u32 kOpenAccessMask = 3;
inline constexpr u32 kOpenTruncate = 01000;
inline constexpr u32 kOpenAppend = 02000;
inline constexpr u32 kOpenNonBlock = 04000;

// The state of one open file: what it refers to, its flags and what the ops keep between
// calls (the text being served, a reader's position, per-file private data).
class OpenFile {
 public:
  OpenFile(const NodeRef& ref, u32 flags) : ref_(ref), flags_(flags) {}
  ~OpenFile();
  OpenFile(const OpenFile&) = delete;
  OpenFile& operator=(const OpenFile&) = delete;

  const NodeRef& ref() const { return ref_; }
  const NodeContext& context() const { return ref_.context; }
  const Node& node() const { return *ref_.node; }
  u32 flags() const { return flags_; }
  bool readable() const { return (flags_ & kOpenAccessMask) != kOpenWriteOnly; }
  bool writable() const { return (flags_ & kOpenAccessMask) != kOpenReadOnly; }
  bool truncate() const { return writable() && (flags_ & kOpenTruncate); }
  bool append() const { return flags_ & kOpenAppend; }
  bool nonblocking() const { return flags_ & kOpenNonBlock; }

  // Files of the tracing tree: the Tracing object and the instance (pinned while open).
  trace::Tracing& tracing() const { return *static_cast<trace::Tracing*>(ref_.context.data); }
  trace::TraceInstance& instance() const { return *instance_; }
  bool has_instance() const { return instance_ != nullptr; }
  void pin_instance(trace::TraceInstance* instance);

  // Text served by show(): text_[0] is the byte at offset text_start_.
  String& text() { return text_; }
  u64 text_start() const { return text_start_; }
  void set_text_start(u64 start) { text_start_ = start; }
  usize chunk_index() const { return chunk_index_; }
  void set_chunk_index(usize index) { chunk_index_ = index; }
  bool text_complete() const { return text_complete_; }
  void set_text_complete(bool done) { text_complete_ = done; }

  // Per-file state an op owns (an iterator, a parser's carry): freed by `free_private`.
  void* private_data = nullptr;
  void (*free_private)(void*) = nullptr;
  // Something changed that the release op should announce (a filter was written).
  bool changed = false;

 private:
  NodeRef ref_;
  u32 flags_;
  trace::TraceInstance* instance_ = nullptr;
  String text_;
  u64 text_start_ = 0;
  usize chunk_index_ = 0;
  bool text_complete_ = false;
};

}  // namespace tg::vfs
