#pragma once
#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "NameTable.h"
#include "TraceItem.h"

namespace tg::analysis {

using TaskId = std::uint32_t;

// A task as the trace names it. A line that names no task (function_graph without
// funcgraph-proc, before the first task switch on its CPU) belongs to that CPU's
// unknown task: pid -1, comm "cpuN".
struct Task {
  int pid;
  std::string comm;
  int cpu;  // for the per-CPU tasks (idle, unknown): their CPU; -1 otherwise
};

// A call that has begun and whose children follow (function_graph "name() {").
struct CallStart {
  NameTable::Id function;
  TaskId task;
  int cpu;
  int depth;
  std::int64_t start_ns;
};

// A call that returned. `duration_ns` is the trace's figure; `start_ns`..`end_ns` place it
// on its task's timeline so that calls nest: the trace's own times where it prints them
// (funcgraph-abstime, function_duration's CALLTIME, context timestamps), otherwise calls
// laid end to end from the task's first line.
struct Call {
  NameTable::Id function;
  TaskId task;
  int cpu;
  int depth;
  std::int64_t start_ns;
  std::int64_t end_ns;
  std::uint64_t duration_ns;
  std::uint64_t self_ns;  // duration minus the direct children's durations
  bool entered;           // a CallStart was reported for it (its entry is in the trace)
};

// Something that happened at an instant: an event, a marker, a task switch, irq arrows,
// lost events, or a function tracer's hit.
struct Instant {
  ItemKind kind;
  NameTable::Id name;
  TaskId task;
  int cpu;
  std::int64_t time_ns;
  std::string_view text;  // valid during the callback only
  std::uint64_t lost;
};

class CallSink {
 public:
  virtual ~CallSink() = default;
  virtual void on_enter(const CallStart&) {}
  virtual void on_call(const Call&) {}
  // A call whose return is not in the trace, reported at the end (innermost first).
  virtual void on_unfinished(const CallStart&, std::int64_t /*end_ns*/) {}
  virtual void on_instant(const Instant&) {}
  virtual void on_finish() {}
};

struct TraceStats {
  std::uint64_t lines = 0;
  std::uint64_t calls = 0;
  std::uint64_t orphan_returns = 0;  // returns whose entry fell outside the trace
  std::uint64_t unfinished = 0;      // entries whose return fell outside the trace
  std::uint64_t lost_events = 0;
  std::uint64_t events = 0;
  std::uint64_t function_hits = 0;
};

// Turns the items of a trace, in the trace's order, into calls: per task nesting (tasks
// switch on a CPU in the middle of calls), self times, calls cut off at either end, and
// C++-qualified names kept whole. Memory is bounded by the tasks, their depth and the
// distinct names, never by the trace's length.
class CallAssembler {
 public:
  explicit CallAssembler(NameTable& names) : names_(names) {}

  void add_sink(CallSink& sink) { sinks_.push_back(&sink); }
  void consume(const TraceItem& item);
  // Reports the calls still open, then on_finish.
  void finish();

  const Task& task(TaskId id) const { return tasks_[id]; }
  std::size_t task_count() const { return tasks_.size(); }
  const NameTable& names() const { return names_; }
  const TraceStats& stats() const { return stats_; }

  static constexpr int kMaxDepth = 512;

 private:
  struct Frame {
    NameTable::Id function = 0;
    std::int64_t start_ns = 0;
    bool open = false;
  };
  struct Timeline {
    std::vector<Frame> frames;
    std::vector<std::uint64_t> child_sum;        // durations of completed children, by depth
    std::vector<std::int64_t> last_end;          // end of the last call completed at a depth
    std::vector<std::uint64_t> last_done_seq;    // when that was
    std::vector<std::int64_t> first_start;       // start of the first call at a depth ...
    std::vector<std::uint64_t> first_start_seq;  // ... since its parent's level completed
    std::int64_t cursor = 0;                     // the latest time this task reached
    int cpu = -1;
  };

  TaskId task_for(const TraceItem& item);
  TaskId find_task(int pid, std::string_view comm);
  TaskId unknown_task(int cpu);
  Timeline& timeline(TaskId task, int depth);
  std::int64_t line_time(Timeline& line, const TraceItem& item);
  void note_start(Timeline& line, int depth, std::int64_t start);
  void close_open_frames(TaskId task, Timeline& line, int from_depth);
  void complete(TaskId task, Timeline& line, const TraceItem& item, NameTable::Id function,
                std::int64_t start, std::int64_t end, bool entered);
  std::int64_t orphan_start(Timeline& line, int depth, std::int64_t end, std::uint64_t duration);
  void enter(const TraceItem& item);
  void leaf(const TraceItem& item);
  void graph_return(const TraceItem& item);
  void duration_call(const TraceItem& item);
  void instant(const TraceItem& item);

  NameTable& names_;
  std::vector<CallSink*> sinks_;
  std::vector<Task> tasks_;
  std::vector<Timeline> timelines_;
  std::unordered_map<int, TaskId> by_pid_;
  std::vector<TaskId> current_;         // per CPU: the task running there, as last seen
  std::vector<TaskId> unknown_by_cpu_;  // per CPU: its unknown task, if created
  std::uint64_t seq_ = 0;
  TraceStats stats_;
};

}  // namespace tg::analysis
