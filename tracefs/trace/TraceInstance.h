#pragma once
#include "Platform.h"
#include "ring/RingBuffer.h"
#include "support/Atomic.h"
#include "support/String.h"
#include "trace/TraceOptions.h"
#include "trace/Tracer.h"

namespace tg::trace {

class FunctionFilter;
class PidList;
class EventState;
class ErrorLog;

// The state behind one tracing directory: the top-level `tracing/` or `instances/NAME/`.
// The top instance also owns the function filters (Linux keeps them global).
class TraceInstance {
 public:
  static Result<OwnPtr<TraceInstance>> create(StringView name, bool is_top);
  ~TraceInstance();

  StringView name() const { return name_.view(); }
  bool is_top() const { return is_top_; }
  // Its place in Tracing's fixed table of instances (0 for the top one).
  u32 table_index() const { return table_index_; }
  void set_table_index(u32 index) { table_index_ = index; }

  ring::TraceBuffer& buffer() { return *buffer_; }
  const Tracer& tracer() const { return *tracer_; }
  // current_tracer: same tracer again is a no-op; switching resets the buffer (EBUSY while
  // a trace_pipe reader is open, EINVAL for an unknown name).
  Status set_tracer(StringView name);

  bool tracing_on() const { return tracing_on_.load(MemoryOrder::kRelaxed); }
  void set_tracing_on(bool on);

  TraceClock clock() const { return clock_; }
  Status set_clock(TraceClock clock);  // clears the buffer when it changes
  // The instance's trace clock.
  u64 now() const { return platform().clock ? platform().clock(clock_) : 0; }

  TraceOptions& options() { return options_; }
  const TraceOptions& options() const { return options_; }

  u64 tracing_thresh_us() const { return tracing_thresh_us_; }
  void set_tracing_thresh_us(u64 us) { tracing_thresh_us_ = us; }
  u32 max_graph_depth() const { return max_graph_depth_; }
  void set_max_graph_depth(u32 depth) { max_graph_depth_ = depth; }
  // buffer_percent: how full a buffer must be before a blocked raw reader wakes (0-100).
  // Stored and shown: the text files (trace_pipe) wake on any data, as in Linux.
  u32 buffer_percent() const { return buffer_percent_; }
  void set_buffer_percent(u32 percent) { buffer_percent_ = percent; }

  // buffer_size_kb: per CPU, rounded up to whole data pages (minimum 2).
  static usize pages_for_kb(u64 kb);
  static u64 kb_for_pages(usize pages);

  // One consuming reader at a time across trace_pipe and per_cpu/*/trace_pipe.
  bool claim_pipe_reader();
  void release_pipe_reader();
  bool pipe_reader_open() const { return pipe_readers_.load() != 0; }

  // One `trace_options` write ("name" / "noname"), and one options/NAME write: both apply
  // the option's side effects (overwrite switches the ring buffer's mode).
  Status write_trace_options(StringView text);
  void set_option(TraceOption option, bool on);
  bool option(TraceOption option) const { return options_.get(option); }

  // Per-event enable bits, by event id (the EventState files flip them, emitters test them).
  static constexpr u32 kMaxEventId = 512;
  bool event_enabled(u32 id) const {
    return id < kMaxEventId &&
           ((events_enabled_[id / 64].load(MemoryOrder::kRelaxed) >> (id % 64)) & 1);
  }
  void set_event_enabled(u32 id, bool on);

  // Files that must not go away while open (rmdir of a busy instance is EBUSY).
  void file_opened() { open_files_.fetch_add(1); }
  void file_closed() { open_files_.fetch_sub(1); }
  bool busy() const { return open_files_.load() != 0; }

 private:
  TraceInstance() = default;

  String name_;
  bool is_top_ = false;
  u32 table_index_ = 0;
  OwnPtr<ring::TraceBuffer> buffer_;
  const Tracer* tracer_ = nullptr;
  Atomic<bool> tracing_on_{true};
  TraceClock clock_ = TraceClock::kLocal;
  TraceOptions options_;
  u64 tracing_thresh_us_ = 0;
  u32 max_graph_depth_ = 0;
  u32 buffer_percent_ = 50;
  Atomic<u32> pipe_readers_{0};
  Atomic<u32> open_files_{0};
  Atomic<u64> events_enabled_[kMaxEventId / 64];
};

}  // namespace tg::trace
