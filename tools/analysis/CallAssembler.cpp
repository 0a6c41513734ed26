#include "CallAssembler.h"

#include <algorithm>

namespace tg::analysis {

namespace {

constexpr TaskId kNoTask = ~TaskId{0};
constexpr std::string_view kUnknownFunction = "[unknown]";

}  // namespace

TaskId CallAssembler::find_task(int pid, std::string_view comm) {
  auto found = by_pid_.find(pid);
  if (found != by_pid_.end()) {
    // Graph columns cut comms to 7 characters; keep the longest spelling seen.
    Task& task = tasks_[found->second];
    if (comm.size() > task.comm.size()) task.comm = std::string(comm);
    return found->second;
  }
  TaskId id = static_cast<TaskId>(tasks_.size());
  tasks_.push_back({pid, std::string(comm), -1});
  timelines_.emplace_back();
  by_pid_.emplace(pid, id);
  return id;
}

TaskId CallAssembler::unknown_task(int cpu) {
  size_t slot = static_cast<size_t>(cpu + 1);
  if (unknown_by_cpu_.size() <= slot) unknown_by_cpu_.resize(slot + 1, kNoTask);
  if (unknown_by_cpu_[slot] != kNoTask) return unknown_by_cpu_[slot];
  TaskId id = static_cast<TaskId>(tasks_.size());
  tasks_.push_back({kNoPid, cpu < 0 ? "unknown" : "cpu" + std::to_string(cpu), cpu});
  timelines_.emplace_back();
  unknown_by_cpu_[slot] = id;
  return id;
}

TaskId CallAssembler::task_for(const TraceItem& item) {
  if (item.pid != kNoPid) {
    // Every CPU's idle task is pid 0: each is a task of its own.
    TaskId task = item.pid == 0 ? kNoTask : find_task(item.pid, item.comm);
    if (task == kNoTask) {
      int key = -2 - std::max(item.cpu, 0);
      auto found = by_pid_.find(key);
      task = found != by_pid_.end() ? found->second : find_task(key, item.comm);
      tasks_[task].pid = 0;
      tasks_[task].cpu = std::max(item.cpu, 0);
    }
    if (item.cpu >= 0) {
      if (current_.size() <= static_cast<size_t>(item.cpu)) current_.resize(item.cpu + 1, kNoTask);
      current_[item.cpu] = task;
    }
    return task;
  }
  if (item.cpu >= 0 && static_cast<size_t>(item.cpu) < current_.size() &&
      current_[item.cpu] != kNoTask)
    return current_[item.cpu];
  return unknown_task(item.cpu);
}

CallAssembler::Timeline& CallAssembler::timeline(TaskId task, int depth) {
  Timeline& line = timelines_[task];
  size_t need = static_cast<size_t>(depth) + 2;
  if (line.frames.size() < need) {
    line.frames.resize(need);
    line.child_sum.resize(need, 0);
    line.last_end.resize(need, 0);
    line.last_done_seq.resize(need, 0);
    line.first_start.resize(need, 0);
    line.first_start_seq.resize(need, 0);
  }
  return line;
}

std::int64_t CallAssembler::line_time(Timeline& line, const TraceItem& item) {
  if (!item.has_time) return line.cursor;
  return std::max(static_cast<std::int64_t>(item.time_ns), line.cursor);
}

// The first call placed at `depth` since the level above it last moved is where an
// orphaned parent (a return whose entry is missing) must start at the latest.
void CallAssembler::note_start(Timeline& line, int depth, std::int64_t start) {
  std::uint64_t above = 0;
  for (int j = 0; j < depth; ++j) above = std::max(above, line.last_done_seq[j]);
  if (line.first_start_seq[depth] > above) return;
  line.first_start[depth] = start;
  line.first_start_seq[depth] = ++seq_;
}

std::int64_t CallAssembler::orphan_start(Timeline& line, int depth, std::int64_t end,
                                         std::uint64_t duration) {
  std::int64_t bound = 0;
  std::uint64_t above = 0;
  for (int j = 0; j <= depth; ++j) {
    bound = std::max(bound, line.last_end[j]);
    above = std::max(above, line.last_done_seq[j]);
  }
  std::int64_t start = std::max(bound, end - static_cast<std::int64_t>(duration));
  bool has_children = line.first_start_seq[depth + 1] > above;
  if (has_children) start = std::min(start, line.first_start[depth + 1]);
  return start;
}

void CallAssembler::close_open_frames(TaskId task, Timeline& line, int from_depth) {
  for (int depth = static_cast<int>(line.frames.size()) - 1; depth >= from_depth; --depth) {
    Frame& frame = line.frames[depth];
    if (!frame.open) continue;
    frame.open = false;
    line.child_sum[depth + 1] = 0;
    ++stats_.unfinished;
    CallStart start{frame.function, task, line.cpu, depth, frame.start_ns};
    for (CallSink* sink : sinks_) sink->on_unfinished(start, line.cursor);
  }
}

void CallAssembler::complete(TaskId task, Timeline& line, const TraceItem& item,
                             NameTable::Id function, std::int64_t start, std::int64_t end,
                             bool entered) {
  int depth = item.depth;
  std::uint64_t duration = item.duration_ns;
  std::uint64_t children = line.child_sum[depth + 1];
  line.child_sum[depth + 1] = 0;
  line.child_sum[depth] += duration;
  if (!entered) note_start(line, depth, start);
  line.cursor = std::max(line.cursor, end);
  line.last_end[depth] = end;
  line.last_done_seq[depth] = ++seq_;
  ++stats_.calls;
  Call call{function, task, line.cpu, depth,
            start,    end,  duration, duration - std::min(duration, children),
            entered};
  for (CallSink* sink : sinks_) sink->on_call(call);
}

void CallAssembler::enter(const TraceItem& item) {
  TaskId task = task_for(item);
  Timeline& line = timeline(task, item.depth);
  line.cpu = item.cpu;
  close_open_frames(task, line, item.depth);
  std::int64_t start = line_time(line, item);
  line.cursor = start;
  NameTable::Id function = names_.intern(item.name);
  line.frames[item.depth] = {function, start, true};
  line.child_sum[item.depth + 1] = 0;
  note_start(line, item.depth, start);
  // Whatever is placed below this call from now on is its child.
  line.last_end[item.depth] = start;
  line.last_done_seq[item.depth] = ++seq_;
  CallStart call{function, task, item.cpu, item.depth, start};
  for (CallSink* sink : sinks_) sink->on_enter(call);
}

void CallAssembler::leaf(const TraceItem& item) {
  TaskId task = task_for(item);
  Timeline& line = timeline(task, item.depth);
  line.cpu = item.cpu;
  close_open_frames(task, line, item.depth);
  std::int64_t start = line_time(line, item);
  line.child_sum[item.depth + 1] = 0;
  complete(task, line, item, names_.intern(item.name), start,
           start + static_cast<std::int64_t>(item.duration_ns), false);
}

void CallAssembler::graph_return(const TraceItem& item) {
  TaskId task = task_for(item);
  Timeline& line = timeline(task, item.depth);
  line.cpu = item.cpu;
  close_open_frames(task, line, item.depth + 1);
  Frame& frame = line.frames[item.depth];
  if (frame.open && !item.name.empty() && names_.name(frame.function) != item.name)
    close_open_frames(task, line, item.depth);
  if (frame.open) {
    frame.open = false;
    std::int64_t end =
        std::max(frame.start_ns + static_cast<std::int64_t>(item.duration_ns), line.cursor);
    complete(task, line, item, frame.function, frame.start_ns, end, true);
    return;
  }
  ++stats_.orphan_returns;
  NameTable::Id function = names_.intern(item.name.empty() ? kUnknownFunction : item.name);
  std::int64_t end = line_time(line, item);
  std::int64_t start = orphan_start(line, item.depth, end, item.duration_ns);
  complete(task, line, item, function, start,
           std::max(end, start + static_cast<std::int64_t>(item.duration_ns)), false);
}

void CallAssembler::duration_call(const TraceItem& item) {
  TaskId task = task_for(item);
  Timeline& line = timeline(task, item.depth);
  line.cpu = item.cpu;
  NameTable::Id function = names_.intern(item.name);
  if (item.has_time) {
    // function_duration prints each call's own start to the ns: nesting is exact.
    std::int64_t start = static_cast<std::int64_t>(item.time_ns);
    complete(task, line, item, function, start, start + static_cast<std::int64_t>(item.duration_ns),
             false);
    return;
  }
  std::int64_t start = orphan_start(line, item.depth, line.cursor, 0);
  if (line.first_start_seq[item.depth + 1] == 0) start = std::max(start, line.cursor);
  complete(task, line, item, function, start,
           std::max(line.cursor, start + static_cast<std::int64_t>(item.duration_ns)), false);
}

void CallAssembler::instant(const TraceItem& item) {
  TaskId task = task_for(item);
  Timeline& line = timeline(task, 0);
  std::int64_t time = line_time(line, item);
  line.cursor = time;
  std::string_view name = item.name;
  if (item.kind == ItemKind::kIrqEnter) name = "irq_enter";
  if (item.kind == ItemKind::kIrqExit) name = "irq_exit";
  if (item.kind == ItemKind::kLostEvents) name = "lost_events";
  Instant instant{item.kind, names_.intern(name), task, item.cpu, time, item.text, item.lost};
  for (CallSink* sink : sinks_) sink->on_instant(instant);
}

void CallAssembler::consume(const TraceItem& item) {
  ++stats_.lines;
  bool graph = item.kind == ItemKind::kGraphEntry || item.kind == ItemKind::kGraphLeaf ||
               item.kind == ItemKind::kGraphReturn || item.kind == ItemKind::kDurationCall;
  if (graph && (item.depth < 0 || item.depth >= kMaxDepth)) return;
  switch (item.kind) {
    case ItemKind::kGraphEntry:
      enter(item);
      break;
    case ItemKind::kGraphLeaf:
      leaf(item);
      break;
    case ItemKind::kGraphReturn:
      graph_return(item);
      break;
    case ItemKind::kDurationCall:
      duration_call(item);
      break;
    case ItemKind::kTaskSwitch: {
      TraceItem prev = item;
      TaskId unknown = item.cpu + 1 < static_cast<int>(unknown_by_cpu_.size())
                           ? unknown_by_cpu_[item.cpu + 1]
                           : kNoTask;
      bool was_unknown = unknown != kNoTask && static_cast<size_t>(item.cpu) < current_.size() &&
                         current_[item.cpu] == unknown;
      TaskId from = task_for(prev);
      // What the CPU's unknown task did so far was this task's: it continues here.
      if (was_unknown && timelines_[from].frames.empty())
        std::swap(timelines_[from], timelines_[unknown]);
      TraceItem next;
      next.cpu = item.cpu;
      next.pid = item.next_pid;
      next.comm = item.next_comm;
      next.kind = ItemKind::kTaskSwitch;
      task_for(next);
      TraceItem marker = item;
      marker.name = "task_switch";
      marker.pid = item.pid;
      instant(marker);
      if (static_cast<size_t>(item.cpu) < current_.size()) current_[item.cpu] = task_for(next);
      break;
    }
    case ItemKind::kEvent:
      ++stats_.events;
      instant(item);
      break;
    case ItemKind::kFunctionHit:
      ++stats_.function_hits;
      instant(item);
      break;
    case ItemKind::kIrqEnter:
    case ItemKind::kIrqExit:
      instant(item);
      break;
    case ItemKind::kLostEvents:
      stats_.lost_events += item.lost;
      instant(item);
      break;
    default:
      break;
  }
}

void CallAssembler::finish() {
  for (TaskId task = 0; task < timelines_.size(); ++task)
    close_open_frames(task, timelines_[task], 0);
  for (CallSink* sink : sinks_) sink->on_finish();
}

}  // namespace tg::analysis
