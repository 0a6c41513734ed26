#include "FlameGraph.h"

#include <algorithm>
#include <cstdio>
#include <functional>

namespace tg::analysis {

FlameGraph::Node& FlameGraph::child(Node& parent, NameTable::Id function) {
  for (Node& node : parent.children)
    if (node.function == function) return node;
  parent.children.push_back(Node{function, 0, {}});
  return parent.children.back();
}

void FlameGraph::merge(Node& into, Node&& from) {
  into.self_ns += from.self_ns;
  for (Node& node : from.children) {
    bool found = false;
    for (Node& existing : into.children) {
      if (existing.function != node.function) continue;
      merge(existing, std::move(node));
      found = true;
      break;
    }
    if (!found) into.children.push_back(std::move(node));
  }
}

FlameGraph::Node& FlameGraph::task_root(TaskId task) {
  if (roots_.size() <= task) {
    roots_.resize(task + 1);
    has_root_.resize(task + 1, false);
  }
  has_root_[task] = true;
  return roots_[task];
}

// A call at `depth` returned: what completed below it becomes its subtree, and it waits
// at its own depth for its parent (or, at depth 0, joins the task's tree).
void FlameGraph::hang(TaskId task, int depth, NameTable::Id function, std::uint64_t self_ns) {
  if (pending_.size() <= task) pending_.resize(task + 1);
  std::vector<Node>& levels = pending_[task].levels;
  if (levels.size() < static_cast<size_t>(depth) + 2) levels.resize(depth + 2);
  Node node{function, self_ns, {}};
  merge(node, std::move(levels[depth + 1]));
  levels[depth + 1] = Node{};
  if (depth == 0) {
    Node holder;
    holder.children.push_back(std::move(node));
    merge(task_root(task), std::move(holder));
    return;
  }
  Node holder;
  holder.children.push_back(std::move(node));
  merge(levels[depth], std::move(holder));
}

void FlameGraph::on_call(const Call& call) {
  // A filtered-out call still holds its children's place in the paths, with no self time.
  std::uint64_t self = filter_.keeps(calls_, call) ? call.self_ns : 0;
  hang(call.task, call.depth, call.function, self);
}

void FlameGraph::on_unfinished(const CallStart& start, std::int64_t) {
  hang(start.task, start.depth, start.function, 0);
}

void FlameGraph::on_finish() {
  // Paths whose outer calls never returned nor began inside the trace: as they are.
  for (TaskId task = 0; task < pending_.size(); ++task) {
    std::vector<Node>& levels = pending_[task].levels;
    for (size_t depth = levels.size(); depth-- > 0;) {
      if (levels[depth].children.empty()) continue;
      merge(task_root(task), std::move(levels[depth]));
      levels[depth] = Node{};
    }
  }
}

void FlameGraph::collect(const Node& node, std::string& path, std::vector<std::string>& lines,
                         bool is_root) const {
  size_t length = path.size();
  if (!is_root) {
    path += ';';
    path += calls_.names().name(node.function);
  }
  if (!is_root && node.self_ns > 0) lines.push_back(path + ' ' + std::to_string(node.self_ns));
  for (const Node& next : node.children) collect(next, path, lines, false);
  path.resize(length);
}

namespace {

// "comm-pid", or the comm alone for a CPU's unknown task.
std::string task_label(const Task& task) {
  if (task.pid < 0) return task.comm;
  return task.comm + '-' + std::to_string(task.pid);
}

}  // namespace

std::string FlameGraph::folded() const {
  std::vector<std::string> lines;
  for (TaskId task = 0; task < roots_.size(); ++task) {
    if (!has_root_[task] || !filter_.keeps_task(calls_.task(task))) continue;
    std::string path = task_label(calls_.task(task));
    collect(roots_[task], path, lines, true);
  }
  std::sort(lines.begin(), lines.end());
  std::string out;
  for (const std::string& line : lines) out += line + '\n';
  return out;
}

namespace {

struct Box {
  std::string name;
  std::string path;
  std::uint64_t total_ns;
  std::uint64_t start_ns;
  int depth;
};

}  // namespace

std::uint64_t FlameGraph::total_ns() const {
  std::function<std::uint64_t(const Node&)> sum = [&](const Node& node) {
    std::uint64_t total = node.self_ns;
    for (const Node& next : node.children) total += sum(next);
    return total;
  };
  std::uint64_t total = 0;
  for (TaskId task = 0; task < roots_.size(); ++task)
    if (has_root_[task] && filter_.keeps_task(calls_.task(task))) total += sum(roots_[task]);
  return total;
}

FlameGraph::Frame FlameGraph::tree() const {
  std::function<Frame(const Node&, std::string_view)> convert = [&](const Node& node,
                                                                    std::string_view name) {
    Frame frame{std::string(name), node.self_ns, node.self_ns, {}};
    for (const Node& next : node.children) {
      Frame child = convert(next, calls_.names().name(next.function));
      if (child.total_ns == 0) continue;
      frame.total_ns += child.total_ns;
      frame.children.push_back(std::move(child));
    }
    std::sort(frame.children.begin(), frame.children.end(),
              [](const Frame& a, const Frame& b) { return a.name < b.name; });
    return frame;
  };
  Frame root{"all", 0, 0, {}};
  for (TaskId task = 0; task < roots_.size(); ++task) {
    if (!has_root_[task] || !filter_.keeps_task(calls_.task(task))) continue;
    Frame frame = convert(roots_[task], task_label(calls_.task(task)));
    if (frame.total_ns == 0) continue;
    root.total_ns += frame.total_ns;
    root.children.push_back(std::move(frame));
  }
  return root;
}

std::string FlameGraph::svg(std::string_view title, int width) const {
  std::function<std::uint64_t(const Node&)> sum = [&](const Node& node) {
    std::uint64_t total = node.self_ns;
    for (const Node& next : node.children) total += sum(next);
    return total;
  };
  // Lay the boxes out: tasks side by side at depth 0, callees above their callers.
  std::vector<Box> boxes;
  int max_depth = 0;
  std::function<void(const Node&, std::string_view, const std::string&, std::uint64_t, int)> place =
      [&](const Node& node, std::string_view name, const std::string& path, std::uint64_t start,
          int depth) {
        std::uint64_t total = sum(node);
        if (total == 0) return;
        boxes.push_back({std::string(name), path, total, start, depth});
        max_depth = std::max(max_depth, depth);
        std::vector<const Node*> order;
        for (const Node& next : node.children) order.push_back(&next);
        std::sort(order.begin(), order.end(), [&](const Node* a, const Node* b) {
          return calls_.names().name(a->function) < calls_.names().name(b->function);
        });
        std::uint64_t offset = start;
        for (const Node* next : order) {
          std::string_view child_name = calls_.names().name(next->function);
          place(*next, child_name, path + ";" + std::string(child_name), offset, depth + 1);
          offset += sum(*next);
        }
      };
  std::uint64_t offset = 0;
  for (TaskId task = 0; task < roots_.size(); ++task) {
    if (!has_root_[task] || !filter_.keeps_task(calls_.task(task))) continue;
    std::string label = task_label(calls_.task(task));
    place(roots_[task], label, label, offset, 0);
    offset += sum(roots_[task]);
  }
  std::uint64_t total = std::max<std::uint64_t>(offset, 1);
  constexpr int kFrameHeight = 16, kTop = 40, kMargin = 10;
  int height = kTop + (max_depth + 1) * kFrameHeight + kMargin * 2;
  double scale = static_cast<double>(width - 2 * kMargin) / static_cast<double>(total);

  std::string out;
  char buffer[512];
  std::snprintf(buffer, sizeof buffer,
                "<?xml version=\"1.0\" standalone=\"no\"?>\n"
                "<svg version=\"1.1\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" "
                "xmlns=\"http://www.w3.org/2000/svg\">\n"
                "<style>text{font-family:monospace;font-size:11px}rect:hover{stroke:#000}</style>\n"
                "<rect x=\"0\" y=\"0\" width=\"%d\" height=\"%d\" fill=\"#f8f8f0\"/>\n",
                width, height, width, height, width, height);
  out += buffer;
  auto escape = [](std::string_view text) {
    std::string result;
    for (char c : text) {
      if (c == '<')
        result += "&lt;";
      else if (c == '>')
        result += "&gt;";
      else if (c == '&')
        result += "&amp;";
      else if (c == '"')
        result += "&quot;";
      else
        result += c;
    }
    return result;
  };
  std::snprintf(buffer, sizeof buffer,
                "<text x=\"%d\" y=\"24\" font-size=\"15\">%s (total %llu.%03llu us)</text>\n",
                kMargin, escape(title).c_str(), static_cast<unsigned long long>(offset / 1000),
                static_cast<unsigned long long>(offset % 1000));
  out += buffer;
  for (const Box& box : boxes) {
    double x = kMargin + static_cast<double>(box.start_ns) * scale;
    double w = static_cast<double>(box.total_ns) * scale;
    if (w < 0.1) continue;
    int y = height - kMargin - (box.depth + 1) * kFrameHeight;
    // A stable warm colour per name, as flamegraph.pl's default palette.
    std::uint32_t hash = 2166136261u;
    for (char c : box.name) hash = (hash ^ static_cast<unsigned char>(c)) * 16777619u;
    int red = 205 + static_cast<int>(hash % 50), green = static_cast<int>((hash >> 8) % 230);
    int blue = static_cast<int>((hash >> 16) % 55);
    std::snprintf(buffer, sizeof buffer,
                  "<g><title>%s (%llu.%03llu us, %.2f%%)</title>"
                  "<rect x=\"%.2f\" y=\"%d\" width=\"%.2f\" height=\"%d\" fill=\"rgb(%d,%d,%d)\" "
                  "rx=\"2\"/>",
                  escape(box.name).c_str(), static_cast<unsigned long long>(box.total_ns / 1000),
                  static_cast<unsigned long long>(box.total_ns % 1000),
                  100.0 * static_cast<double>(box.total_ns) / static_cast<double>(total), x, y, w,
                  kFrameHeight - 1, red, green, blue);
    out += buffer;
    size_t fits = static_cast<size_t>(w / 7);
    if (fits >= 3) {
      std::string label = box.name.size() <= fits ? box.name : box.name.substr(0, fits - 2) + "..";
      std::snprintf(buffer, sizeof buffer, "<text x=\"%.2f\" y=\"%d\">%s</text>", x + 3,
                    y + kFrameHeight - 4, escape(label).c_str());
      out += buffer;
    }
    out += "</g>\n";
  }
  out += "</svg>\n";
  return out;
}

}  // namespace tg::analysis
