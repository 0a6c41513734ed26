#include "TraceAnalysis.h"

#include <algorithm>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include "CallAssembler.h"
#include "CallTree.h"
#include "FlameGraph.h"
#include "SelfTime.h"
#include "TraceReader.h"

namespace tracegate {

namespace json = boost::json;
using namespace tg::analysis;

namespace {

// Shares the budget among the tasks, so one busy task (the guest's 9P server answering the
// page's own requests) cannot starve the others: each task gets an equal share, and what a
// small task leaves unused goes to the larger ones. A task spends its share outermost
// first, level by level. A call whose children did not all fit says how many it has ("n"),
// so the page can tell a cut subtree from a leaf; the children sent are always the first.
class CallWriter {
 public:
  CallWriter(const CallTree& tree, const std::vector<const std::vector<CallTree::NodeId>*>& roots,
             std::size_t budget)
      : tree_(tree), sent_(tree.size(), false) {
    std::vector<std::size_t> sizes;
    for (const auto* ids : roots) sizes.push_back(count(*ids));
    std::vector<std::size_t> order(roots.size());
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::sort(order.begin(), order.end(),
              [&](std::size_t a, std::size_t b) { return sizes[a] < sizes[b]; });
    for (std::size_t k = 0; k < order.size(); ++k) {
      const std::size_t task = order[k];
      const std::size_t share = std::min(sizes[task], budget / (order.size() - k));
      send_outermost_first(*roots[task], share);
      budget -= share;
      truncated_ = truncated_ || share < sizes[task];
    }
  }

  json::array calls(const std::vector<CallTree::NodeId>& ids) const {
    json::array out;
    for (CallTree::NodeId id : ids) {
      if (!sent_[id]) break;
      out.push_back(call(id));
    }
    return out;
  }
  bool truncated() const { return truncated_; }
  std::size_t written() const { return written_; }

 private:
  std::size_t count(const std::vector<CallTree::NodeId>& ids) const {
    std::size_t n = ids.size();
    for (CallTree::NodeId id : ids) n += count(tree_.node(id).children);
    return n;
  }

  void send_outermost_first(const std::vector<CallTree::NodeId>& roots, std::size_t share) {
    std::vector<CallTree::NodeId> level = roots;
    while (share > 0 && !level.empty()) {
      std::vector<CallTree::NodeId> next;
      for (CallTree::NodeId id : level) {
        if (share == 0) break;
        sent_[id] = true;
        ++written_;
        --share;
        const auto& children = tree_.node(id).children;
        next.insert(next.end(), children.begin(), children.end());
      }
      level = std::move(next);
    }
  }

  json::object call(CallTree::NodeId id) const {
    const CallTree::Node& node = tree_.node(id);
    json::object out;
    out["f"] = node.function;
    out["cpu"] = node.cpu;
    out["start_ns"] = node.start_ns;
    out["duration_ns"] = node.duration_ns;
    out["self_ns"] = node.self_ns;
    if (!node.finished) out["unfinished"] = true;
    if (!node.children.empty()) {
      json::array children = calls(node.children);
      if (children.size() < node.children.size()) out["n"] = node.children.size();
      out["children"] = std::move(children);
    }
    return out;
  }

  const CallTree& tree_;
  std::vector<bool> sent_;
  std::size_t written_ = 0;
  bool truncated_ = false;
};

json::object flame_json(const FlameGraph::Frame& frame) {
  json::object out;
  out["name"] = frame.name;
  out["self_ns"] = frame.self_ns;
  out["total_ns"] = frame.total_ns;
  if (!frame.children.empty()) {
    json::array children;
    for (const auto& child : frame.children) children.push_back(flame_json(child));
    out["children"] = std::move(children);
  }
  return out;
}

json::object stats_json(const TraceStats& stats) {
  return {{"lines", stats.lines},
          {"calls", stats.calls},
          {"orphan_returns", stats.orphan_returns},
          {"unfinished", stats.unfinished},
          {"lost_events", stats.lost_events},
          {"events", stats.events},
          {"function_hits", stats.function_hits}};
}

}  // namespace

std::string analyse_trace(std::string_view trace_text, std::string_view tracer,
                          std::size_t max_calls) {
  NameTable names;
  CallAssembler assembler(names);
  CallTree tree;
  SelfTime self_time;
  FlameGraph flame(assembler, CallFilter{});
  assembler.add_sink(tree);
  assembler.add_sink(self_time);
  assembler.add_sink(flame);
  for_each_line(trace_text,
                [&](std::string_view, const TraceItem& item) { assembler.consume(item); });
  assembler.finish();

  json::object out;
  std::string_view name = tracer.substr(0, tracer.find('\n'));
  out["tracer"] = name;
  out["stats"] = stats_json(assembler.stats());

  json::array functions;
  for (NameTable::Id id = 0; id < names.size(); ++id)
    functions.push_back(json::string(names.name(id)));
  out["names"] = std::move(functions);

  std::vector<const std::vector<CallTree::NodeId>*> roots;
  for (TaskId id = 0; id < assembler.task_count(); ++id) roots.push_back(&tree.roots(id));
  const CallWriter writer(tree, roots, max_calls);
  json::array tasks;
  for (TaskId id = 0; id < assembler.task_count(); ++id) {
    const Task& task = assembler.task(id);
    json::object entry;
    entry["id"] = id;
    entry["pid"] = task.pid;
    entry["comm"] = task.comm;
    entry["cpu"] = task.cpu;
    json::array calls = writer.calls(tree.roots(id));
    if (calls.size() < tree.roots(id).size()) entry["n"] = tree.roots(id).size();
    // The task's time over all its outer calls, sent or not: the page cannot add it up
    // from a cut tree.
    std::uint64_t duration_ns = 0;
    for (CallTree::NodeId call : tree.roots(id)) duration_ns += tree.node(call).duration_ns;
    entry["duration_ns"] = duration_ns;
    entry["calls"] = std::move(calls);
    tasks.push_back(std::move(entry));
  }
  out["tasks"] = std::move(tasks);
  out["calls_written"] = writer.written();
  out["calls_truncated"] = writer.truncated();

  json::array breakdown;
  for (const SelfTime::Row& row : self_time.rows())
    breakdown.push_back(json::object{
        {"task", row.task}, {"f", row.function}, {"calls", row.calls}, {"self_ns", row.self_ns}});
  out["breakdown"] = std::move(breakdown);
  out["flame"] = flame_json(flame.tree());
  return json::serialize(out) + "\n";
}

}  // namespace tracegate
