#pragma once
#include "ring/RingBuffer.h"
#include "support/TextWriter.h"
#include "support/Vector.h"
#include "trace/Symbols.h"
#include "trace/TraceInstance.h"

namespace tg::trace {

// One reader's pass over a trace instance: the `trace` file (non-consuming, with header) and
// `trace_pipe` (consuming, no header) both render through it, one entry at a time, so text is
// produced chunk by chunk and never for the whole buffer at once. The kernel, the tests and
// the host tools all format with this one class.
class OutputState {
 public:
  // Per-CPU memory of the graph formatters (Linux's fgraph_cpu_data).
  static constexpr u32 kMaxTrackedDepth = 64;
  struct CpuState {
    i32 last_pid = -1;
    i32 depth = 0;
    bool skip_return = false;  // the return of a leaf already printed with its entry
    u64 skip_timestamp = 0;
    u32 enter_ips[kMaxTrackedDepth] = {};
  };

  static Result<OwnPtr<OutputState>> create(TraceInstance& instance, bool consuming,
                                            i32 only_cpu = -1);
  // The `snapshot` file: the instance's spare buffer, never consumed; when it is empty the
  // header is Linux's snapshot help instead of the tracer's column titles.
  static Result<OwnPtr<OutputState>> create_for_snapshot(TraceInstance& instance, i32 only_cpu);

  TraceInstance& instance() { return instance_; }
  const TraceOptions& options() const { return instance_.options(); }
  bool option(TraceOption option) const { return instance_.option(option); }
  ring::TraceBuffer::Iterator& iterator() { return iterator_; }
  CpuState& cpu_state(u32 cpu) { return cpus_[cpu < cpus_.size() ? cpu : 0]; }
  // Digits of the highest CPU number: the width of the graph formats' CPU column.
  u32 cpu_width() const { return cpu_width_; }
  // Timestamps in ns (print as secs.usecs) or a raw count (counter, x86-tsc clocks).
  bool time_in_ns() const;
  // How many entries were rendered before the one being rendered now (Linux's iter->idx,
  // which the verbose latency format prints).
  u64 entry_index() const { return index_; }
  // The "entries-in-buffer/entries-written" pair, for every CPU or the one this reads.
  u64 entries() const;
  u64 entries_written() const;

  // A latency tracer's max buffer: what it measured, and where its trace starts.
  const MaxTraceInfo* max_trace() const { return max_trace_; }
  u64 time_start() const {
    return max_trace_ ? max_trace_->time_start : instance_.live_time_start();
  }
  // Nothing to show (the latency header is left out then, as in Linux).
  bool empty();

  // "# tracer: NAME\n#\n" and the tracer's comment block.
  void print_header(TextWriter& out);
  // Renders the next entry (one or more lines) and moves past it; false when the reader
  // has caught up with the writers.
  bool print_next(TextWriter& out);

  OutputState(TraceInstance& instance, ring::TraceBuffer& buffer, bool consuming, i32 only_cpu);

 private:
  static Result<OwnPtr<OutputState>> create_on(TraceInstance& instance, ring::TraceBuffer& buffer,
                                               bool consuming, i32 only_cpu);
  void print_snapshot_help(TextWriter& out);
  // Linux's tracing_iter_reset on a max buffer: the records older than its time_start are
  // passed over, and counted out of the entries line.
  void skip_before_time_start();

  TraceInstance& instance_;
  ring::TraceBuffer& buffer_;
  bool snapshot_ = false;
  ring::TraceBuffer::Iterator iterator_;
  bool consuming_;
  i32 only_cpu_;
  Vector<CpuState> cpus_;
  u32 cpu_width_ = 1;
  const MaxTraceInfo* max_trace_ = nullptr;
  MaxTraceInfo max_copy_;
  u64 skipped_ = 0;
  u64 index_ = 0;
  bool skipped_on_cpu_ = false;  // some CPU skipped: the overrun no longer counts (Linux)
};

// ---- the pieces the tracers' print ops are made of ----

// The nop / function / events header (entries line, irqs-off block, column titles), with
// the irq-info, record-tgid, context-info and verbose variants.
void print_default_header(OutputState& state, TextWriter& out);
// The TRACE_FLAG_* bits and the preempt (low nibble) and migrate-disable depths an entry's
// record carries; 0 for the records without them.
struct EntryFlags {
  u8 flags;
  u8 preempt;
};
EntryFlags entry_flags(const ring::Entry& entry);
// The five flag columns (irqs-off, need-resched, hardirq/softirq, preempt and
// migrate-disable depths) of irq-info and the latency format.
void print_latency_flags(const ring::Entry& entry, TextWriter& out);
// latency-format: Linux's print_trace_header (the measured latency and its task) and the
// lat column titles; nothing for an empty buffer.
void print_latency_header(OutputState& state, TextWriter& out);
// latency-format's context: "%8.8s-%-7d %3d" and the flags, then the time since the trace
// started and the delay mark (" %4lldus%c: "); with `verbose`, Linux's
// "%16s %7d %3d %d %08x %08lx " (comm, pid, CPU, flags, preempt depth, entry index) and
// "[%08llx] %ld.%03ldms (+%ld.%03ldms): " (the time in µs, since the start and to the next).
void print_latency_context(OutputState& state, const ring::Entry& entry, TextWriter& out);
// The latency tracers' ftrace:wakeup and ftrace:context_switch records, as Linux's
// trace_ctxwake_print: " %7d:%3d:%c %s [%03d] %7d:%3d:%c %s" with "  +" or "==>".
void print_ctxwake(Span<const u8> payload, bool is_switch, TextWriter& out);

// A function record or an event as one line, honouring raw / hex / context-info / sym-*.
bool print_default_entry(OutputState& state, ring::TraceBuffer::Iterator& it, TextWriter& out);

// "%16s-%-7d [%03d] FLAGS %5lu.%06lu: " (or its irq-info / record-tgid variants).
void print_context(OutputState& state, const ring::Entry& entry, TextWriter& out);
// The message of an event record ("sched_switch: ..." / "tracing_mark_write: ..."),
// without the line's newline.
void print_event_message(OutputState& state, const ring::Entry& entry, TextWriter& out);
// The event text alone, as the graph formatters embed it in a comment: the marker's text,
// or "name: fields".
void print_event_comment(OutputState& state, const ring::Entry& entry, TextWriter& out);
SymbolStyle symbol_style(const OutputState& state);

}  // namespace tg::trace
