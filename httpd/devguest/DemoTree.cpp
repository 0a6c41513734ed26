#include <algorithm>
#include <cstring>

#include "DemoTree.h"
#include "ninep/Message.h"

namespace tracegate::devguest {

using tg::Errno;
namespace ninep = tg::ninep;

namespace {

constexpr const char* kTracers[] = {"function_graph", "function", "nop"};
constexpr const char* kFunctions[] = {"kmalloc", "kfree", "vfs_read", "vfs_write", "schedule"};
constexpr const char* kWorkloads[] = {"alloc", "pingpong", "ramfs", "timers"};

bool glob_match(std::string_view pattern, std::string_view text) {
  if (pattern.empty()) return text.empty();
  if (pattern[0] == '*')
    return glob_match(pattern.substr(1), text) ||
           (!text.empty() && glob_match(pattern, text.substr(1)));
  return !text.empty() && pattern[0] == text[0] && glob_match(pattern.substr(1), text.substr(1));
}

std::string_view trim(std::string_view text) {
  const char* spaces = " \t\n\r";
  size_t first = text.find_first_not_of(spaces);
  if (first == std::string_view::npos) return {};
  return text.substr(first, text.find_last_not_of(spaces) - first + 1);
}

std::string_view view(tg::StringView s) {
  return {s.data(), s.size()};
}

DemoTree& self(void* tree) {
  return *static_cast<DemoTree*>(tree);
}

}  // namespace

const ninep::FileTreeOps DemoTree::kOps = {
    op_root,       op_lookup, op_getattr, op_open,  op_read,   op_write,
    op_write_done, op_close,  op_readdir, op_mkdir, op_remove,
};

DemoTree::DemoTree() {
  Node& root = add(0, "", Kind::kDirectory, 0755);
  Node& tracing = add(root.id, "tracing", Kind::kDirectory, 0755);
  uint64_t t = tracing.id;
  add(t, "available_filter_functions", Kind::kAvailableFunctions, 0444);
  add(t, "available_tracers", Kind::kAvailableTracers, 0444);
  add(t, "current_tracer", Kind::kCurrentTracer, 0644);
  add(t, "instances", Kind::kDirectory, 0755);
  add(t, "set_ftrace_filter", Kind::kFilter, 0644);
  add_instance_files(t);
  Node& workloads = add(root.id, "workloads", Kind::kDirectory, 0755);
  add(workloads.id, "available", Kind::kWorkloadsAvailable, 0444);
  add(workloads.id, "last", Kind::kWorkloadLast, 0444);
  add(workloads.id, "run", Kind::kWorkloadRun, 0200);
}

void DemoTree::add_instance_files(uint64_t directory) {
  add(directory, "trace", Kind::kTrace, 0644);
  add(directory, "trace_marker", Kind::kTraceMarker, 0220);
  add(directory, "trace_pipe", Kind::kTracePipe, 0440);
  add(directory, "tracing_on", Kind::kTracingOn, 0644);
}

DemoTree::Node& DemoTree::add(uint64_t parent, std::string name, Kind kind, uint32_t mode) {
  auto node = std::make_unique<Node>(Node{next_id_++, parent, std::move(name), kind, mode, {}});
  Node& added = *node;
  nodes_[added.id] = std::move(node);
  if (parent) nodes_[parent]->children.push_back(added.id);
  return added;
}

DemoTree::Node* DemoTree::find(uint64_t id) {
  auto it = nodes_.find(id);
  return it == nodes_.end() ? nullptr : it->second.get();
}

ninep::NodeInfo DemoTree::info(const Node& node) const {
  return {node.id, node.kind == Kind::kDirectory, node.mode, 0, 0};
}

void DemoTree::record(const std::string& line) {
  if (!tracing_on_) return;
  ring_.push_back(line);
  pipe_.push_back(line);
  ++written_;
}

std::string DemoTree::render(const Node& node) const {
  std::string out;
  switch (node.kind) {
    case Kind::kCurrentTracer:
      return tracer_ + "\n";
    case Kind::kAvailableTracers:
      for (const char* t : kTracers) out += std::string(t) + " ";
      out.back() = '\n';
      return out;
    case Kind::kTracingOn:
      return tracing_on_ ? "1\n" : "0\n";
    case Kind::kTrace:
      out = "# tracer: " + tracer_ +
            "\n#\n# entries-in-buffer/entries-written: " + std::to_string(ring_.size()) + "/" +
            std::to_string(written_) + "   #P:1\n#\n";
      out += "#           TASK-PID     CPU#  |||||  TIMESTAMP  FUNCTION\n";
      out += "#              | |         |   |||||     |         |\n";
      for (const auto& line : ring_) out += line;
      return out;
    case Kind::kFilter:
      if (filter_.empty()) return "#### all functions enabled ####\n";
      for (const auto& f : filter_) out += f + "\n";
      return out;
    case Kind::kAvailableFunctions:
      for (const char* f : kFunctions) out += std::string(f) + "\n";
      return out;
    case Kind::kWorkloadsAvailable:
      for (const char* w : kWorkloads) out += std::string(w) + "\n";
      return out;
    case Kind::kWorkloadLast:
      return last_;
    default:
      return out;
  }
}

tg::Result<size_t> DemoTree::write(Handle& handle, std::string_view data) {
  switch (handle.node->kind) {
    case Kind::kCurrentTracer: {
      std::string_view name = trim(data);
      if (std::find(std::begin(kTracers), std::end(kTracers), name) == std::end(kTracers))
        return Errno::kInval;
      tracer_ = name;
      return data.size();
    }
    case Kind::kTracingOn: {
      std::string_view value = trim(data);
      if (value.empty() || value.find_first_not_of("0123456789") != std::string_view::npos)
        return Errno::kInval;
      tracing_on_ = value != "0";
      return data.size();
    }
    case Kind::kTrace:
      return data.size();
    case Kind::kTraceMarker:
      record("           <...>-1     [000] .....   100.000000: tracing_mark_write: " +
             std::string(data.back() == '\n' ? data.substr(0, data.size() - 1) : data) + "\n");
      return data.size();
    case Kind::kFilter: {
      // One word per write, as Linux's list files consume: the caller loops for the rest.
      size_t start = data.find_first_not_of(" \t\n");
      if (start == std::string_view::npos) return data.size();
      size_t end = data.find_first_of(" \t\n", start);
      std::string_view word =
          data.substr(start, end == std::string_view::npos ? data.npos : end - start);
      bool matched = false;
      for (const char* f : kFunctions) {
        if (!glob_match(word, f)) continue;
        matched = true;
        if (std::find(filter_.begin(), filter_.end(), f) == filter_.end()) filter_.push_back(f);
      }
      if (!matched) return Errno::kInval;
      return end == std::string_view::npos ? data.size() : end + 1;
    }
    case Kind::kWorkloadRun: {
      std::string_view line = trim(data);
      std::string_view name = line.substr(0, line.find(' '));
      if (std::find(std::begin(kWorkloads), std::end(kWorkloads), name) == std::end(kWorkloads))
        return Errno::kInval;
      if (running_) return Errno::kBusy;
      unsigned count = 1;
      if (name.size() < line.size()) {
        std::string_view arg = trim(line.substr(name.size()));
        if (arg.empty() || arg.find_first_not_of("0123456789") != std::string_view::npos)
          return Errno::kInval;
        count = std::stoul(std::string(arg));
      }
      running_ = true;
      run_until_ = std::chrono::steady_clock::now() + std::chrono::milliseconds(count);
      last_ = "name: " + std::string(name) + "\nstatus: running\nduration_ns: 0\nchecksum: 0\n";
      handle.snapshot = std::to_string(data.size());
      return Errno::kAgain;  // completes in write_done
    }
    default:
      return Errno::kInval;
  }
}

tg::Result<ninep::NodeInfo> DemoTree::op_root(void* tree) {
  return self(tree).info(*self(tree).find(1));
}

tg::Result<ninep::NodeInfo> DemoTree::op_lookup(void* tree, uint64_t dir, tg::StringView name) {
  Node* directory = self(tree).find(dir);
  if (!directory) return Errno::kNoEnt;
  if (view(name) == "..")
    return self(tree).info(*self(tree).find(directory->parent ? directory->parent : dir));
  for (uint64_t child : directory->children) {
    Node* node = self(tree).find(child);
    if (node->name == view(name)) return self(tree).info(*node);
  }
  return Errno::kNoEnt;
}

tg::Result<ninep::NodeInfo> DemoTree::op_getattr(void* tree, uint64_t id) {
  Node* node = self(tree).find(id);
  if (!node) return Errno::kNoEnt;
  ninep::NodeInfo result = self(tree).info(*node);
  if (node->kind != Kind::kDirectory && node->kind != Kind::kTracePipe)
    result.size = 0;  // tracefs files report size 0, as on Linux
  return result;
}

tg::Result<void*> DemoTree::op_open(void* tree, uint64_t id, uint32_t flags) {
  DemoTree& t = self(tree);
  Node* node = t.find(id);
  if (!node) return Errno::kNoEnt;
  uint32_t access = flags & ninep::kOpenAccessMask;
  bool writing = access != ninep::kOpenReadOnly;
  if (writing && !(node->mode & 0200)) return Errno::kAccess;
  if (!writing && !(node->mode & 0400) && node->kind != Kind::kDirectory) return Errno::kAccess;
  if (writing && (flags & ninep::kOpenTruncate)) {
    if (node->kind == Kind::kFilter) t.filter_.clear();
    if (node->kind == Kind::kTrace) t.ring_.clear();
  }
  auto* handle = new Handle{node, flags, {}};
  if (!writing) handle->snapshot = t.render(*node);
  return static_cast<void*>(handle);
}

tg::Result<size_t> DemoTree::op_read(void* tree, void* opened, uint64_t offset,
                                     tg::MutableBytes out) {
  DemoTree& t = self(tree);
  auto& handle = *static_cast<Handle*>(opened);
  if (handle.node->kind == Kind::kTracePipe) {
    if (t.pipe_.empty()) return Errno::kAgain;
    size_t used = 0;
    while (!t.pipe_.empty() && used + t.pipe_.front().size() <= out.size()) {
      memcpy(out.data() + used, t.pipe_.front().data(), t.pipe_.front().size());
      used += t.pipe_.front().size();
      t.pipe_.pop_front();
    }
    return used;
  }
  if (offset >= handle.snapshot.size()) return size_t{0};
  size_t n = std::min<size_t>(out.size(), handle.snapshot.size() - offset);
  memcpy(out.data(), handle.snapshot.data() + offset, n);
  return n;
}

tg::Result<size_t> DemoTree::op_write(void* tree, void* opened, uint64_t, tg::Bytes data) {
  auto& handle = *static_cast<Handle*>(opened);
  return self(tree).write(handle, {reinterpret_cast<const char*>(data.data()), data.size()});
}

tg::Result<size_t> DemoTree::op_write_done(void* tree, void* opened) {
  DemoTree& t = self(tree);
  auto& handle = *static_cast<Handle*>(opened);
  if (std::chrono::steady_clock::now() < t.run_until_) return Errno::kAgain;
  if (t.running_) {
    t.running_ = false;
    std::string name = t.last_.substr(6, t.last_.find('\n') - 6);
    t.last_ = "name: " + name + "\nstatus: ok\nduration_ns: 1000\nchecksum: 42\n";
  }
  return std::stoul(handle.snapshot);
}

void DemoTree::op_close(void*, void* opened) {
  delete static_cast<Handle*>(opened);
}

tg::Result<ninep::DirEntry> DemoTree::op_readdir(void* tree, uint64_t dir, uint64_t index) {
  Node* directory = self(tree).find(dir);
  if (!directory) return Errno::kNoEnt;
  if (index >= directory->children.size()) return Errno::kNoEnt;
  Node* node = self(tree).find(directory->children[index]);
  return ninep::DirEntry{self(tree).info(*node),
                         tg::StringView(node->name.data(), node->name.size())};
}

tg::Result<ninep::NodeInfo> DemoTree::op_mkdir(void* tree, uint64_t dir, tg::StringView name) {
  DemoTree& t = self(tree);
  Node* directory = t.find(dir);
  if (!directory || directory->name != "instances") return Errno::kPerm;
  for (uint64_t child : directory->children)
    if (t.find(child)->name == view(name)) return Errno::kExist;
  Node& instance = t.add(dir, std::string(view(name)), Kind::kDirectory, 0750);
  t.add_instance_files(instance.id);
  return t.info(instance);
}

tg::Status DemoTree::op_remove(void* tree, uint64_t dir, tg::StringView name, bool is_directory) {
  DemoTree& t = self(tree);
  Node* directory = t.find(dir);
  if (!directory) return Errno::kNoEnt;
  for (size_t i = 0; i < directory->children.size(); ++i) {
    Node* node = t.find(directory->children[i]);
    if (node->name != view(name)) continue;
    if (directory->name != "instances" || !is_directory) return Errno::kPerm;
    for (uint64_t child : node->children) t.nodes_.erase(child);
    t.nodes_.erase(node->id);
    directory->children.erase(directory->children.begin() + i);
    return {};
  }
  return Errno::kNoEnt;
}

}  // namespace tracegate::devguest
