#pragma once
#include "support/Result.h"
#include "support/Span.h"
#include "support/String.h"
#include "support/StringView.h"

namespace tg::vfs {

class OpenFile;

// Mode bits as Linux reports them (stat's st_mode): the type bits and the permissions.
inline constexpr u32 kModeDirectory = 0040000;
inline constexpr u32 kModeRegular = 0100000;

// Which thing a node of a template stands for: a node table row is shared by every
// instance, CPU and event, and the context says which one an actual file is.
struct NodeContext {
  void* data = nullptr;  // the mount's data (the Tracing object for `tracing/`)
  u32 instance_id = 0;   // 0: not inside a trace instance
  i32 cpu = -1;          // per_cpu/cpuN
  i32 index = -1;        // options/<name>, events/<system>
  i32 sub = -1;          // events/<system>/<event>
};

// A file's operations. Every one may be null: no read (or show) -> EINVAL on read, no write
// -> EINVAL on write (what Linux answers for tracefs files opened against their mode).
// Nothing blocks: a read with no data yet returns EAGAIN and poll() tells when to retry.
struct FileOps {
  // Runs at open (flags are in the OpenFile): may refuse (EBUSY) or act (O_TRUNC clears).
  Status (*open)(OpenFile& file) = nullptr;
  // Text files: appends the next chunk of the file's text to `out` and returns whether more
  // follows. `file.chunk_index()` is 0 on the first call of a pass over the file; the
  // table serves read(offset, count) from the chunks (a seq_file, in Linux's terms).
  Result<bool> (*show)(OpenFile& file, String& out) = nullptr;
  // Files whose reads are not a function of the offset (trace_pipe): fill `out`.
  Result<usize> (*read)(OpenFile& file, Span<char> out) = nullptr;
  Result<usize> (*write)(OpenFile& file, StringView data) = nullptr;
  // A write that answered EAGAIN after accepting its data (workloads/run finishes later):
  // the bytes taken once it is done, EAGAIN while it is not. Null: never happens.
  Result<usize> (*write_done)(OpenFile& file) = nullptr;
  void (*release)(OpenFile& file) = nullptr;
  // Whether a read would return data now; null means always.
  bool (*poll)(OpenFile& file) = nullptr;
};

struct Node;

// A child made at run time: its template row and context, with a name that may need
// formatting ("cpu1").
struct DynamicEntry {
  const Node* node = nullptr;
  NodeContext context;
  StringView name;  // stable storage, or empty when name_buffer holds the name
  char name_buffer[24] = {};
  usize name_length = 0;

  StringView name_view() const { return name_length ? StringView(name_buffer, name_length) : name; }
  void format_name(StringView prefix, u64 number);
};

// Children that exist at run time: CPUs, instances, options, event systems and events.
struct DynamicChildren {
  usize (*count)(const NodeContext& parent);
  // Fills `out` for the index-th child; false when it no longer exists.
  bool (*entry)(const NodeContext& parent, usize index, DynamicEntry& out);
};

// mkdir/rmdir in this directory (instances/). Linux answers EPERM where there is none.
struct DirectoryOps {
  Status (*mkdir)(const NodeContext& parent, StringView name);
  Status (*rmdir)(const NodeContext& parent, StringView name);
};

// One row of a node table: a file with its ops, or a directory with its rows.
struct Node {
  StringView name;
  u32 mode;  // kModeDirectory | 0700, kModeRegular | 0640 ...
  const FileOps* file = nullptr;
  Span<const Node> children = {};
  const DynamicChildren* dynamic = nullptr;
  const DirectoryOps* directory_ops = nullptr;

  constexpr bool is_directory() const { return (mode & kModeDirectory) != 0; }
};

constexpr Node file_node(StringView name, u32 permissions, const FileOps* ops) {
  return Node{name, kModeRegular | permissions, ops};
}
constexpr Node directory_node(StringView name, u32 permissions, Span<const Node> children,
                              const DynamicChildren* dynamic = nullptr,
                              const DirectoryOps* ops = nullptr) {
  return Node{name, kModeDirectory | permissions, nullptr, children, dynamic, ops};
}

}  // namespace tg::vfs
