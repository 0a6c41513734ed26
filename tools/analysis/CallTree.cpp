#include "CallTree.h"

#include <algorithm>

namespace tg::analysis {

// The call at `depth` returned: the calls completed one level below since its parent's
// last child are its children; it waits at its own depth for its parent in turn.
CallTree::NodeId CallTree::adopt(TaskId task, int depth, Node node) {
  if (pending_.size() <= task) pending_.resize(task + 1);
  auto& levels = pending_[task];
  if (levels.size() < static_cast<size_t>(depth) + 2) levels.resize(depth + 2);
  node.children = std::move(levels[depth + 1]);
  levels[depth + 1].clear();
  NodeId id = static_cast<NodeId>(nodes_.size());
  nodes_.push_back(std::move(node));
  levels[depth].push_back(id);
  return id;
}

void CallTree::on_call(const Call& call) {
  adopt(call.task, call.depth,
        Node{call.function, call.cpu, call.start_ns, call.duration_ns, call.self_ns, true, {}});
}

void CallTree::on_unfinished(const CallStart& start, std::int64_t end_ns) {
  std::uint64_t duration = end_ns > start.start_ns ? end_ns - start.start_ns : 0;
  adopt(start.task, start.depth,
        Node{start.function, start.cpu, start.start_ns, duration, 0, false, {}});
}

void CallTree::on_finish() {
  // Whatever no call adopted (outer calls whose entry fell before the trace) is a root,
  // in the order the calls began.
  roots_.resize(pending_.size());
  for (TaskId task = 0; task < pending_.size(); ++task) {
    std::vector<NodeId>& roots = roots_[task];
    for (auto& level : pending_[task]) roots.insert(roots.end(), level.begin(), level.end());
    std::stable_sort(roots.begin(), roots.end(), [this](NodeId a, NodeId b) {
      return nodes_[a].start_ns < nodes_[b].start_ns;
    });
  }
  pending_.clear();
}

const std::vector<CallTree::NodeId>& CallTree::roots(TaskId task) const {
  static const std::vector<NodeId> kNone;
  return task < roots_.size() ? roots_[task] : kNone;
}

}  // namespace tg::analysis
