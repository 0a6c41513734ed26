#pragma once
#include <cstdint>
#include <vector>

#include "CallAssembler.h"

namespace tg::analysis {

// Every call of the trace as a tree per task, the way function_graph nests them: what a
// page shows as a collapsible call tree. Calls arrive in completion order (children before
// their parent), so each task keeps, per depth, the calls completed below a call that has
// not returned yet; its return adopts them. Unlike FlameGraph nothing is merged, so memory
// grows with the calls: keep it for traces that fit in memory (a ring buffer's worth).
class CallTree : public CallSink {
 public:
  using NodeId = std::uint32_t;
  struct Node {
    NameTable::Id function = 0;
    int cpu = -1;
    std::int64_t start_ns = 0;
    std::uint64_t duration_ns = 0;
    std::uint64_t self_ns = 0;
    bool finished = true;  // false: the trace ends before its return
    std::vector<NodeId> children;
  };

  void on_call(const Call& call) override;
  void on_unfinished(const CallStart& start, std::int64_t end_ns) override;
  void on_finish() override;

  const Node& node(NodeId id) const { return nodes_[id]; }
  std::size_t size() const { return nodes_.size(); }
  // The outermost calls of a task, in the order they began; empty for a task with no calls.
  const std::vector<NodeId>& roots(TaskId task) const;

 private:
  NodeId adopt(TaskId task, int depth, Node node);

  std::vector<Node> nodes_;
  std::vector<std::vector<std::vector<NodeId>>> pending_;  // [task][depth]: not yet adopted
  std::vector<std::vector<NodeId>> roots_;                 // [task]
};

}  // namespace tg::analysis
