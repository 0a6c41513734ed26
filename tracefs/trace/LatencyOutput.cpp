// The latency format (options/latency-format, which the latency tracers turn on): Linux's
// print_trace_header, print_lat_help_header, lat_print_generic and lat_print_timestamp.
#include "trace/CommCache.h"
#include "trace/EventPayloads.h"
#include "trace/TraceOutput.h"

namespace tg::trace {

using ring::Entry;

namespace {

// The guest kernel preempts kernel code at any interrupt: Linux's full preemption model.
constexpr StringView kPreemptModel = "preempt";

constexpr StringView kLatencyColumns =
    "#                    _------=> CPU#            \n"
    "#                   / _-----=> irqs-off/BH-disabled\n"
    "#                  | / _----=> need-resched    \n"
    "#                  || / _---=> hardirq/softirq \n"
    "#                  ||| / _--=> preempt-depth   \n"
    "#                  |||| / _-=> migrate-disable \n"
    "#                  ||||| /     delay           \n"
    "#  cmd     pid     |||||| time  |   caller     \n"
    "#     \\   /        ||||||  \\    |    /       \n";

// Linux's ns2usecs: rounded to the nearest microsecond.
u64 ns_to_us_rounded(u64 ns) {
  return (ns + 500) / 1000;
}

// The delay mark after the time column: how long until the next entry (trace_find_mark).
char delay_mark(u64 delay_ns) {
  struct Mark {
    u64 above_ns;
    char symbol;
  };
  constexpr Mark kMarks[] = {{1000000000, '$'}, {100000000, '@'}, {10000000, '*'},
                             {1000000, '#'},    {100000, '!'},    {10000, '+'}};
  for (const Mark& mark : kMarks)
    if (delay_ns > mark.above_ns) return mark.symbol;
  return ' ';
}

StringView comm_view(const char (&comm)[16]) {
  usize length = 0;
  while (length < sizeof comm && comm[length]) ++length;
  return StringView(comm, length);
}

}  // namespace

void print_latency_header(OutputState& state, TextWriter& out) {
  if (state.empty()) return;
  static const MaxTraceInfo kNone{};
  const MaxTraceInfo& max = state.max_trace() ? *state.max_trace() : kNone;
  out.put("# ").put(state.instance().tracer().name).put(" latency trace v1.1.5 on ");
  out.put(platform().release).put('\n');
  out.put("# ").repeat('-', 68).put('\n');
  out.put("# latency: ").dec(max.latency_ns / 1000).put(" us, #").dec(state.entries());
  out.put('/').dec(state.entries_written()).put(", CPU#").dec(max.cpu).put(" | (M:");
  out.put(kPreemptModel).put(" VP:0, KP:0, SP:0 HP:0 #P:").dec(platform().cpu_count).put(")\n");
  out.put("#    -----------------\n");
  out.put("#    | task: ").put(comm_view(max.comm)).put('-').sdec(max.pid);
  out.put(" (uid:0 nice:").sdec(max.nice).put(" policy:").dec(max.policy);
  out.put(" rt_prio:").dec(max.rt_priority).put(")\n");
  out.put("#    -----------------\n");
  if (max.critical_start) {
    out.put("#  => started at: ");
    print_symbol(out, max.critical_start, symbol_style(state));
    out.put("\n#  => ended at:   ");
    print_symbol(out, max.critical_end, symbol_style(state));
    out.put("\n#\n");
  }
  out.put("#\n");
  if (!state.option(TraceOption::kVerbose)) out.put(kLatencyColumns);
}

namespace {

// "%ld.%03ldms": microseconds as milliseconds.
void put_ms(u64 us, TextWriter& out) {
  out.dec(us / 1000).put('.').dec(us % 1000, 3, '0').put("ms");
}

// Linux's verbose context: the full comm, the raw flags and the entry's index.
void print_verbose_context(OutputState& state, const Entry& entry, TextWriter& out) {
  char comm[kCommLength];
  EntryFlags flags = entry_flags(entry);
  out.right(find_comm(entry.pid, comm), 16).put(' ').sdec(entry.pid, 7).put(' ');
  out.dec(entry.cpu, 3).put(' ').dec(flags.flags).put(' ').hex(flags.preempt & 0xf, 8).put(' ');
  out.hex(state.entry_index(), 8).put(' ');
}

}  // namespace

void print_latency_context(OutputState& state, const Entry& entry, TextWriter& out) {
  bool verbose = state.option(TraceOption::kVerbose);
  if (verbose) {
    print_verbose_context(state, entry, out);
  } else {
    char comm[kCommLength];
    StringView name = find_comm(entry.pid, comm);
    out.right(name.size() > 8 ? name.substr(0, 8) : name, 8).put('-').dec_left(entry.pid, 7);
    out.put(' ').dec(entry.cpu, 3);
    print_latency_flags(entry, out);
    out.put(' ');
  }
  u64 next = entry.timestamp;
  if (!state.iterator().peek_following_time(next) || next < entry.timestamp) next = entry.timestamp;
  // A record older than the start (one CPU's buffer cleared alone) counts from its own time.
  u64 start = state.time_start() <= entry.timestamp ? state.time_start() : entry.timestamp;
  u64 since_start = entry.timestamp - start;
  u64 delay = next - entry.timestamp;
  if (verbose) {
    if (!state.time_in_ns()) {
      out.put('[').hex(entry.timestamp, 16).put("] ").dec(since_start).put(" (+").dec(delay);
      out.put("): ");
      return;
    }
    out.put('[').hex(ns_to_us_rounded(entry.timestamp), 8).put("] ");
    put_ms(ns_to_us_rounded(since_start), out);
    out.put(" (+");
    put_ms(ns_to_us_rounded(delay), out);
    out.put("): ");
    return;
  }
  if (!state.time_in_ns()) {
    out.dec(since_start, 4).put(": ");
    return;
  }
  out.dec(ns_to_us_rounded(since_start), 4).put("us");
  out.put(delay_mark(ns_to_us_rounded(delay) * 1000)).put(": ");
}

void print_ctxwake(Span<const u8> payload, bool is_switch, TextWriter& out) {
  if (payload.size() < sizeof(CtxSwitchPayload)) return;
  CtxSwitchPayload record;
  memcpy(&record, payload.data(), sizeof record);
  char comm[kCommLength];
  out.put(' ').sdec(static_cast<i32>(record.prev_pid), 7).put(':').dec(record.prev_prio, 3);
  out.put(':').put(task_state_char(record.prev_state)).put(' ');
  out.put(is_switch ? "==>" : "  +").put(" [").dec(record.next_cpu, 3, '0').put("] ");
  out.sdec(static_cast<i32>(record.next_pid), 7).put(':').dec(record.next_prio, 3);
  out.put(':').put(task_state_char(record.next_state)).put(' ');
  out.put(find_comm(static_cast<i32>(record.next_pid), comm));
}

}  // namespace tg::trace
