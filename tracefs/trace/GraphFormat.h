#pragma once
#include "trace/TraceOutput.h"

namespace tg::trace {

// The columns function_graph and function_duration share, decided once per line from the
// options (each tracer maps its own option names onto these).
struct GraphColumns {
  bool context;   // options/context-info: without it only the function column prints
  bool abstime;   // "%5lu.%06lu |  " before everything
  bool cpu;       // " %*d) "
  bool proc;      // "  comm-pid   | "
  bool duration;  // the 14-wide duration column and its "|  "
  bool overhead;  // the + ! # * @ $ marks
};

// A return record, short or long, decoded.
struct GraphReturn {
  u32 ip;
  u32 depth;
  u64 duration;
  bool has_retval;
  u64 retval;
};
GraphReturn decode_return(const ring::Entry& entry);

// One optional column of the "# CPU  DURATION ... FUNCTION CALLS" header: its title and
// the bars below it, printed when its option is on.
struct GraphHeaderColumn {
  TraceOption option;
  StringView names;
  StringView bars;
};
// The two header lines: the enabled columns, then `names_tail`/`bars_tail` (the tracer's own
// fixed columns), then the FUNCTION CALLS title.
void print_graph_header(OutputState& state, Span<const GraphHeaderColumn> columns,
                        StringView names_tail, StringView bars_tail, TextWriter& out);

// Linux's mark for a duration in ns: strictly above 1 s, 100 ms, 10 ms, 1 ms, 100 us, 10 us.
char duration_mark(u64 ns);
// Linux's trace_print_graph_duration: ns as "%s us " in µs, with decimals while the number
// stays within 7 digits, then blanks until the number and they take 8 columns.
void print_graph_duration(u64 ns, TextWriter& out);
// "%c %s us " padded: the value of the duration column (e.g. "+ 61.770 us  "), then "|  ".
void print_duration(const GraphColumns& columns, u64 ns, TextWriter& out);
// The duration column with no value: all blanks ("              |  ").
void print_duration_blank(const GraphColumns& columns, TextWriter& out);
// "comm-pid" cut and centred in 14 columns.
void print_graph_proc(i32 pid, TextWriter& out);
void print_graph_cpu(const OutputState& state, u32 cpu, TextWriter& out);
// abstime, cpu and proc columns of one line.
void print_graph_prologue(OutputState& state, const GraphColumns& columns, const ring::Entry& entry,
                          TextWriter& out);
// The separator block Linux prints when the task on a CPU changes between two lines.
void print_task_switch_if_needed(OutputState& state, const ring::Entry& entry, TextWriter& out);
// An event or a marker between graph lines: "/* text */" at the current depth.
void print_graph_comment(OutputState& state, const GraphColumns& columns, const ring::Entry& entry,
                         TextWriter& out);

}  // namespace tg::trace
