#include "trace/GraphFormat.h"

#include "trace/CommCache.h"

namespace tg::trace {

namespace {

struct MarkThreshold {
  u64 above_ns;
  char mark;
};
constexpr MarkThreshold kMarks[] = {
    {1000000000, '$'}, {100000000, '@'}, {10000000, '*'},
    {1000000, '#'},    {100000, '!'},    {10000, '+'},
};

constexpr usize kProcWidth = 14;
constexpr usize kProcCommChars = 7;
// The duration value is at most 7 digits (with up to 3 decimals) and padded to 8.
constexpr usize kDurationDigits = 7;
constexpr usize kDurationWidth = 8;

}  // namespace

char duration_mark(u64 ns) {
  for (const auto& threshold : kMarks)
    if (ns > threshold.above_ns) return threshold.mark;
  return ' ';
}

void print_graph_duration(u64 ns, TextWriter& out) {
  char digits[24];
  usize length = format_decimal(ns / 1000, digits);
  out.put(StringView(digits, length));
  if (length < kDurationDigits) {
    // Decimals while the whole number stays within 7 digits: 1.382, 33998.59, 119760.2.
    char nsecs[3] = {static_cast<char>('0' + (ns % 1000) / 100),
                     static_cast<char>('0' + (ns % 100) / 10), static_cast<char>('0' + ns % 10)};
    usize decimals = min<usize>(3, kDurationDigits - length);
    out.put('.').put(StringView(nsecs, decimals));
    length += decimals + 1;
  }
  out.put(" us ");
  if (length < kDurationWidth) out.repeat(' ', kDurationWidth - length);
}

void print_duration(const GraphColumns& columns, u64 ns, TextWriter& out) {
  if (!columns.duration || !columns.context) return;
  out.put(columns.overhead ? duration_mark(ns) : ' ').put(' ');
  print_graph_duration(ns, out);
  out.put("|  ");
}

void print_duration_blank(const GraphColumns& columns, TextWriter& out) {
  if (!columns.duration || !columns.context) return;
  out.put("              |  ");
}

void print_graph_proc(i32 pid, TextWriter& out) {
  char comm[kCommLength];
  StringView name = find_comm(pid, comm);
  name = name.substr(0, kProcCommChars);
  char digits[24];
  usize pid_length = 0;
  if (pid < 0) digits[pid_length++] = '-';
  pid_length += format_decimal(pid < 0 ? 0 - static_cast<u64>(pid) : static_cast<u64>(pid),
                               digits + pid_length);
  usize length = name.size() + 1 + pid_length;
  usize spaces = length < kProcWidth ? kProcWidth - length : 0;
  out.repeat(' ', spaces / 2).put(name).put('-').put(StringView(digits, pid_length));
  out.repeat(' ', spaces - spaces / 2);
}

void print_graph_cpu(const OutputState& state, u32 cpu, TextWriter& out) {
  out.put(' ').dec(cpu, state.cpu_width()).put(") ");
}

void print_graph_prologue(OutputState& state, const GraphColumns& columns, const ring::Entry& entry,
                          TextWriter& out) {
  if (!columns.context) return;
  if (columns.abstime) out.seconds_usecs(entry.timestamp).put(" |  ");
  if (columns.cpu) print_graph_cpu(state, entry.cpu, out);
  if (columns.proc) {
    print_graph_proc(entry.pid, out);
    out.put(" | ");
  }
}

void print_task_switch_if_needed(OutputState& state, const ring::Entry& entry, TextWriter& out) {
  OutputState::CpuState& cpu = state.cpu_state(entry.cpu);
  if (cpu.last_pid == entry.pid) return;
  i32 previous = cpu.last_pid;
  cpu.last_pid = entry.pid;
  if (previous == -1) return;
  out.put(" ------------------------------------------\n");
  print_graph_cpu(state, entry.cpu, out);
  print_graph_proc(previous, out);
  out.put(" => ");
  print_graph_proc(entry.pid, out);
  out.put("\n ------------------------------------------\n\n");
}

// An event or a marker between graph lines: a C comment at the current depth.
void print_graph_comment(OutputState& state, const GraphColumns& columns, const ring::Entry& entry,
                         TextWriter& out) {
  print_graph_prologue(state, columns, entry, out);
  print_duration_blank(columns, out);
  i32 depth = state.cpu_state(entry.cpu).depth;
  if (depth > 0) out.repeat(' ', (static_cast<u32>(depth) + 1) * 2);
  out.put("/* ");
  print_event_comment(state, entry, out);
  out.put(" */\n");
}

GraphReturn decode_return(const ring::Entry& entry) {
  if (entry.type == ring::RecordType::kGraphReturn) {
    const auto& record = entry.as<ring::GraphReturnRecord>();
    return {record.ip, record.depth_duration & 0xff, record.depth_duration >> 8, false, 0};
  }
  const auto& record = entry.as<ring::GraphReturnLongRecord>();
  return {record.ip, record.depth, record.duration_low | (u64{record.duration_high} << 32),
          record.has_retval != 0, record.retval_low | (u64{record.retval_high} << 32)};
}

void print_graph_header(OutputState& state, Span<const GraphHeaderColumn> columns,
                        StringView names_tail, StringView bars_tail, TextWriter& out) {
  if (!state.option(TraceOption::kContextInfo)) return;
  out.put('#');
  for (const auto& column : columns)
    if (state.option(column.option)) out.put(column.names);
  out.put(names_tail).put("               FUNCTION CALLS\n#");
  for (const auto& column : columns)
    if (state.option(column.option)) out.put(column.bars);
  out.put(bars_tail).put("               |   |   |   |\n");
}

}  // namespace tg::trace
