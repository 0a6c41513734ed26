#pragma once
#include "Platform.h"
#include "ring/RingBuffer.h"
#include "support/Atomic.h"
#include "support/String.h"
#include "trace/CpuMask.h"
#include "trace/ErrorLog.h"
#include "trace/EventState.h"
#include "trace/EventTriggers.h"
#include "trace/FunctionFilter.h"
#include "trace/MaxTrace.h"
#include "trace/PidList.h"
#include "trace/TraceOptions.h"
#include "trace/Tracer.h"

namespace tg::trace {

// Everything one tracing directory owns, the top-level `tracing/` or `instances/NAME/`, as
// Linux's trace_array: buffer, tracer, options, and the state of its files (function lists,
// pid lists, event enables and filters, cpumask, error log). Recorders reach all of it
// through the instance they were handed, never through a second lookup, so one grace period
// after the instance is unpublished covers everything it owns (docs/lifetime.md).
class TraceInstance {
 public:
  // `id` names it in the file tree for as long as it lives; ids are never reused.
  static Result<OwnPtr<TraceInstance>> create(StringView name, bool is_top, u32 id);
  ~TraceInstance();

  StringView name() const { return name_.view(); }
  bool is_top() const { return is_top_; }
  u32 id() const { return id_; }
  // Its place in Tracing's fixed table of instances (0 for the top one).
  u32 table_index() const { return table_index_; }
  void set_table_index(u32 index) { table_index_ = index; }

  ring::TraceBuffer& buffer() { return *buffer_; }
  // snapshot: the spare buffer (Linux's max_buffer), allocated by the first swap. Recorders
  // never reach it; only the snapshot files read it.
  // "Freed", it is kept at the minimum size, as Linux keeps its max buffer: readers never
  // hold a cursor into freed pages.
  ring::TraceBuffer* snapshot_buffer() { return snapshot_.get(); }
  bool snapshot_allocated() const { return snapshot_allocated_; }
  // `echo 1 > snapshot`: allocates the spare buffer at the live one's size when needed and
  // swaps the two, for every CPU (cpu < 0) or one.
  Status take_snapshot(i32 cpu);
  // Allocates the spare buffer at the live one's size (a snapshot trigger's registration).
  Status allocate_snapshot();
  // A snapshot trigger firing inside a recorder: swaps every CPU's buffer with the spare
  // without waiting for other CPUs (each writer commits to the buffer it reserved in). Does
  // nothing when no spare is allocated or another swap is under way.
  void snapshot_from_recorder();
  // `echo 0 > snapshot`: shrinks the spare buffer to its minimum and empties it.
  void free_snapshot();
  // `echo 2 > snapshot` (any other number): empties the spare buffer, if any.
  void clear_snapshot(i32 cpu);

  // A latency tracer's new maximum (Linux's update_max_tr): the live buffer and the max
  // (snapshot) buffer swap, every CPU, and `info` describes what the max buffer now holds.
  // From a recorder; nothing when no max buffer is allocated or a swap is under way.
  void update_max_tr(const MaxTraceInfo& info);
  // The same for one CPU's buffer only (Linux's update_max_tr_single): what irqsoff keeps.
  void update_max_tr_single(u32 cpu, const MaxTraceInfo& info);
  const MaxTraceInfo& max_trace() const { return max_trace_; }
  // Where the live buffer's latency-format times count from (Linux's array_buffer
  // time_start): the instance's clock at the last reset of every CPU's buffer (a tracer or
  // clock switch, `> trace`), as Linux's tracing_reset_online_cpus sets it; 0, the clock's
  // own times, until the first. A latency tracer sets it when it empties the buffer for a
  // measurement.
  u64 live_time_start() const { return live_time_start_; }
  // tracing_max_latency, in ns (the file shows µs): the worst latency a latency tracer saw.
  u64 max_latency_ns() const { return max_latency_ns_.load(MemoryOrder::kRelaxed); }
  void set_max_latency_ns(u64 ns) { max_latency_ns_.store(ns, MemoryOrder::kRelaxed); }

  const Tracer& tracer() const { return *tracer_.load(MemoryOrder::kAcquire); }
  // current_tracer: same tracer again is a no-op; switching resets the buffer (EBUSY while
  // a trace_pipe reader is open, EINVAL for an unknown name).
  Status set_tracer(StringView name);

  bool tracing_on() const { return tracing_on_.load(MemoryOrder::kRelaxed); }
  // buffer_size_kb: CPU `cpu` of the live buffer becomes `pages` pages, with no writer
  // inside and no snapshot swap meanwhile; a latency tracer's max buffer follows (Linux
  // resizes its max buffer with the live one).
  Status resize_cpu(u32 cpu, usize pages);
  // Empties the live buffer, every CPU, with the writers kept out meanwhile (control path:
  // `> trace`, a tracer or clock switch), and starts its latency-format times there.
  void clear_buffer();
  void set_tracing_on(bool on);
  // A tracing_on file write: the same, and the tracer's start or stop (a latency tracer
  // starts a fresh measurement). Control path only; triggers use set_tracing_on.
  void write_tracing_on(bool on);

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

  // buffer_size_kb: per CPU, rounded up to whole data pages of a buffer whose pages are
  // `page_size` bytes (minimum 2).
  static usize pages_for_kb(u64 kb, usize page_size = ring::kPageSize);
  static u64 kb_for_pages(usize pages, usize page_size = ring::kPageSize);
  // buffer_subbuf_size_kb: the live buffer's pages, and the snapshot buffer's when allocated,
  // become `page_size` bytes (ring::valid_page_size), emptied, each CPU keeping its
  // buffer_size_kb or just above, as Linux's buffer_subbuf_size_write. ENOMEM changes nothing.
  Status set_page_size(usize page_size);

  // Consuming readers: one text reader at a time across trace_pipe and
  // per_cpu/*/trace_pipe, or one per_cpu/cpuN/trace_pipe_raw reader per CPU (trace-cmd
  // reads every CPU's at once); text and raw readers exclude each other.
  bool claim_pipe_reader();
  void release_pipe_reader();
  bool claim_raw_reader(u32 cpu);
  void release_raw_reader(u32 cpu);
  bool pipe_reader_open() const { return pipe_readers_.load() != 0; }

  // One `trace_options` write ("name" / "noname"), and one options/NAME write: both apply
  // the option's side effects (overwrite switches the ring buffer's mode).
  void set_option(TraceOption option, bool on);
  bool option(TraceOption option) const { return options_.get(option); }

  // Per-event enable bits, by event id (the EventState files flip them, emitters test them).
  static constexpr u32 kMaxEventId = 768;  // the catalog's, then dynamic events'
  // Recorded: enabled and not soft-disabled.
  bool event_enabled(u32 id) const {
    return id < kMaxEventId && bit_of(events_enabled_, id) && !bit_of(events_soft_disabled_, id);
  }
  // An enable file write (or set_event): in soft mode, 0 only soft-disables, as in Linux.
  void set_event_enabled(u32 id, bool on);
  // Soft mode, as Linux's: while an enable_event/disable_event probe names the event, it
  // stays enabled underneath and the probes flip only its soft-disabled bit; its enable file
  // then reads "0*" or "1*". The probes come and go by file writes, one at a time.
  bool event_soft_mode(u32 id) const { return id < kMaxEventId && event_soft_refs_[id] != 0; }
  void attach_event_probe(u32 id, bool attached);
  // What a probe's hit does, from any context.
  void set_event_soft_disabled(u32 id, bool disabled);

  // Files that must not go away while open (rmdir of a busy instance is EBUSY).
  void file_opened() { open_files_.fetch_add(1); }
  void file_closed() { open_files_.fetch_sub(1); }
  bool busy() const { return open_files_.load() != 0; }

  // The state of the instance's files.
  EventState& events() { return *events_; }
  const EventState& events() const { return *events_; }
  ErrorLog& error_log() { return error_log_; }
  EventTriggers& triggers() { return *triggers_; }
  const EventTriggers& triggers() const { return *triggers_; }
  // The buffer a recorder on `cpu` reserved in, until it commits (see RecordWriter.h).
  ring::CpuBuffer*& writing_buffer(u32 cpu) { return writing_[cpu % CpuMask::kMaxCpus]; }
  // set_ftrace_pid, set_ftrace_notrace_pid, set_event_pid, set_event_notrace_pid.
  PidList& ftrace_pids() { return ftrace_pids_; }
  PidList& ftrace_notrace_pids() { return ftrace_notrace_pids_; }
  PidList& event_pids() { return event_pids_; }
  PidList& event_notrace_pids() { return event_notrace_pids_; }
  // set_ftrace_filter and set_ftrace_notrace belong to each instance, as in Linux.
  FunctionFilter& ftrace_filter() { return ftrace_filter_; }
  FunctionFilter& ftrace_notrace() { return ftrace_notrace_; }
  const CpuMask& cpumask() const { return cpumask_; }
  // tracing_cpumask: the CPUs that leave the mask stop recording into the buffer.
  void set_cpumask(const CpuMask& mask);

  // What recorders ask, from any context.
  // The function tracer wants a call to `ip`: in set_ftrace_filter (or that is empty) and
  // not in set_ftrace_notrace.
  bool wants_function(u64 ip) const {
    return ftrace_filter_.admits(ip) && !ftrace_notrace_.contains_address(ip);
  }
  // set_ftrace_pid (empty: every task) lists `pid` and set_ftrace_notrace_pid does not.
  bool pid_allowed(i32 pid) const {
    return ftrace_pids_.allows(pid) && !ftrace_notrace_pids_.contains(pid);
  }
  // Likewise for events: set_event_pid and set_event_notrace_pid.
  bool event_pid_allowed(i32 pid) const {
    return event_pids_.allows(pid) && !event_notrace_pids_.contains(pid);
  }
  // The filter of event `id` lets this payload (common header first, Linux layout) be
  // recorded. Call it inside the record write (see EventState::matches).
  bool event_passes(u16 id, const u8* payload, usize size) const {
    return events_->matches_id(id, payload, size);
  }

 private:
  TraceInstance() = default;

  String name_;
  bool is_top_ = false;
  u32 id_ = 0;
  u32 table_index_ = 0;
  OwnPtr<ring::TraceBuffer> buffer_;
  OwnPtr<ring::TraceBuffer> snapshot_;
  bool snapshot_allocated_ = false;
  Atomic<bool> swapping_{false};  // one swap at a time: a control write or a trigger
  ring::CpuBuffer* writing_[CpuMask::kMaxCpus] = {};
  OwnPtr<EventTriggers> triggers_;
  Atomic<const Tracer*> tracer_{nullptr};
  Atomic<bool> tracing_on_{true};
  TraceClock clock_ = TraceClock::kLocal;
  TraceOptions options_;
  u64 tracing_thresh_us_ = 0;
  MaxTraceInfo max_trace_;
  u64 live_time_start_ = 0;
  Atomic<u64> max_latency_ns_{0};
  u32 max_graph_depth_ = 0;
  u32 buffer_percent_ = 50;
  Atomic<u64> pipe_readers_{0};  // kTextReader, or a bit per CPU with a raw reader
  Atomic<u32> open_files_{0};
  static bool bit_of(const Atomic<u64>* words, u32 id) {
    return (words[id / 64].load(MemoryOrder::kRelaxed) >> (id % 64)) & 1;
  }
  static void set_bit_of(Atomic<u64>* words, u32 id, bool on);
  static void attach_event_probe_of(void* instance, u16 id, bool attached) {
    static_cast<TraceInstance*>(instance)->attach_event_probe(id, attached);
  }

  Atomic<u64> events_enabled_[kMaxEventId / 64];
  Atomic<u64> events_soft_disabled_[kMaxEventId / 64];
  u16 event_soft_refs_[kMaxEventId] = {};
  OwnPtr<EventState> events_;
  ErrorLog error_log_;
  PidList ftrace_pids_;
  PidList ftrace_notrace_pids_;
  PidList event_pids_;
  PidList event_notrace_pids_;
  CpuMask cpumask_ = CpuMask::all(platform().cpu_count);
  FunctionFilter ftrace_filter_{FunctionFilter::Flavor::kFilter,
                                {this, &TraceInstance::attach_event_probe_of}};
  FunctionFilter ftrace_notrace_{FunctionFilter::Flavor::kNotrace};
};

}  // namespace tg::trace
