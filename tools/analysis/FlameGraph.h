#pragma once
#include <string>
#include <vector>

#include "CallAssembler.h"
#include "CallFilter.h"

namespace tg::analysis {

// Self time by call path, rooted at the task ("comm-pid;outer;inner"): flamegraph.pl's
// folded input, and a self-contained SVG drawn from it. Calls arrive in completion order
// (children before their parent, as function_duration prints them), so each task keeps,
// per depth, the merged paths below calls not yet returned; a return hangs them under its
// name. Memory is bounded by the distinct paths, not by the number of calls.
class FlameGraph : public CallSink {
 public:
  FlameGraph(const CallAssembler& calls, CallFilter filter)
      : calls_(calls), filter_(std::move(filter)) {}

  void on_call(const Call& call) override;
  void on_unfinished(const CallStart& start, std::int64_t end_ns) override;
  void on_finish() override;

  // "task;f;g 1234\n" per path with self time, in ns, sorted by path.
  std::string folded() const;
  // An SVG flame graph (width in pixels), with tooltips, needing nothing else to open.
  std::string svg(std::string_view title, int width = 1200) const;
  std::uint64_t total_ns() const;

  // The merged paths as a tree, for drawing elsewhere: the root holds one frame per task
  // ("comm-pid"), callees below their callers, ordered by name; frames with no time left out.
  struct Frame {
    std::string name;
    std::uint64_t self_ns = 0;
    std::uint64_t total_ns = 0;
    std::vector<Frame> children;
  };
  Frame tree() const;

 private:
  struct Node {
    NameTable::Id function = 0;
    std::uint64_t self_ns = 0;
    std::vector<Node> children;
  };
  struct Pending {
    std::vector<Node> levels;  // levels[d]: the paths completed at depth d, not yet claimed
  };

  static Node& child(Node& parent, NameTable::Id function);
  static void merge(Node& into, Node&& from);
  Node& task_root(TaskId task);
  void hang(TaskId task, int depth, NameTable::Id function, std::uint64_t self_ns);
  void collect(const Node& node, std::string& path, std::vector<std::string>& lines,
               bool is_root) const;

  const CallAssembler& calls_;
  CallFilter filter_;
  std::vector<Pending> pending_;  // by task
  std::vector<Node> roots_;       // by task: the finished tree
  std::vector<bool> has_root_;
};

}  // namespace tg::analysis
