#pragma once
#include <chrono>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "ninep/FileTree.h"

namespace tracegate::devguest {

// A small tracefs-like tree for exercising the gateway without the guest kernel: the
// files the HTTP contract talks about, with Linux's errnos for the cases the tests probe
// (unknown tracer → EINVAL, filter glob matching nothing → EINVAL, a second workload run →
// EBUSY), a consuming trace_pipe fed by trace_marker, instances/ with mkdir/rmdir, and
// workloads/run whose write completes later.
class DemoTree {
 public:
  enum class Kind {
    kDirectory,
    kCurrentTracer,
    kAvailableTracers,
    kTracingOn,
    kTrace,
    kTracePipe,
    kTraceMarker,
    kFilter,
    kAvailableFunctions,
    kWorkloadsAvailable,
    kWorkloadRun,
    kWorkloadLast,
  };
  struct Node {
    uint64_t id;
    uint64_t parent;
    std::string name;
    Kind kind;
    uint32_t mode;
    std::vector<uint64_t> children;
  };

  DemoTree();
  tg::ninep::FileTree tree() { return {&kOps, this}; }
  // Adds a line to the ring (what trace and trace_pipe show).
  void record(const std::string& line);

 private:
  struct Handle {
    Node* node;
    uint32_t flags;
    std::string snapshot;  // what a read of a plain file returns, taken at open
  };
  static const tg::ninep::FileTreeOps kOps;

  Node& add(uint64_t parent, std::string name, Kind kind, uint32_t mode);
  void add_instance_files(uint64_t directory);
  Node* find(uint64_t id);
  tg::ninep::NodeInfo info(const Node& node) const;
  std::string render(const Node& node) const;
  tg::Result<size_t> write(Handle& handle, std::string_view data);

  static tg::Result<tg::ninep::NodeInfo> op_root(void* tree);
  static tg::Result<tg::ninep::NodeInfo> op_lookup(void* tree, uint64_t dir, tg::StringView name);
  static tg::Result<tg::ninep::NodeInfo> op_getattr(void* tree, uint64_t node);
  static tg::Result<void*> op_open(void* tree, uint64_t node, uint32_t flags);
  static tg::Result<size_t> op_read(void* tree, void* handle, uint64_t offset,
                                    tg::MutableBytes out);
  static tg::Result<size_t> op_write(void* tree, void* handle, uint64_t offset, tg::Bytes data);
  static tg::Result<size_t> op_write_done(void* tree, void* handle);
  static void op_close(void* tree, void* handle);
  static tg::Result<tg::ninep::DirEntry> op_readdir(void* tree, uint64_t dir, uint64_t index);
  static tg::Result<tg::ninep::NodeInfo> op_mkdir(void* tree, uint64_t dir, tg::StringView name);
  static tg::Status op_remove(void* tree, uint64_t dir, tg::StringView name, bool is_directory);

  std::map<uint64_t, std::unique_ptr<Node>> nodes_;
  uint64_t next_id_ = 1;
  uint64_t instances_ = 0;
  std::string tracer_ = "nop";
  bool tracing_on_ = true;
  std::vector<std::string> filter_;
  std::vector<std::string> ring_;
  std::deque<std::string> pipe_;
  uint64_t written_ = 0;
  // workloads/: one run at a time; it "finishes" at run_until_.
  bool running_ = false;
  std::chrono::steady_clock::time_point run_until_;
  std::string last_ = "name: none\nstatus: ok\nduration_ns: 0\nchecksum: 0\n";
};

}  // namespace tracegate::devguest
