#include "TextParser.h"

namespace tg::analysis {

namespace {

using std::string_view;
using u64 = std::uint64_t;

constexpr string_view kIrqEnterArrow = "==========>";
constexpr string_view kIrqExitArrow = "<==========";
constexpr string_view kIrqArrowBar = "==========";
// The graph formatters' proc and duration columns are 14 characters wide.
constexpr size_t kColumnWidth = 14;

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

string_view trim(string_view text) {
  size_t begin = text.find_first_not_of(' ');
  if (begin == string_view::npos) return {};
  size_t end = text.find_last_not_of(' ');
  return text.substr(begin, end - begin + 1);
}

// `text.find(needle)` for a needle that starts with a space: std::find would stop at every
// space of a column-aligned line; this looks for the needle's rarer rest and checks the space.
size_t find_spaced(string_view text, string_view needle, size_t from = 0) {
  string_view rest = needle.substr(1);
  for (size_t at = text.find(rest, from + 1); at != string_view::npos;
       at = text.find(rest, at + 1)) {
    if (text[at - 1] == ' ') return at - 1;
  }
  return string_view::npos;
}

size_t skip_spaces(string_view line, size_t pos) {
  while (pos < line.size() && line[pos] == ' ') ++pos;
  return pos;
}

size_t skip_digits(string_view line, size_t pos) {
  while (pos < line.size() && is_digit(line[pos])) ++pos;
  return pos;
}

bool parse_decimal(string_view text, u64& value) {
  if (text.empty()) return false;
  value = 0;
  for (char c : text) {
    if (!is_digit(c)) return false;
    value = value * 10 + static_cast<u64>(c - '0');
  }
  return true;
}

// "<int>.<frac>" with the fraction scaled to `scale_digits` decimals.
bool parse_fixed(string_view text, int scale_digits, u64& out) {
  size_t dot = text.find('.');
  u64 whole = 0;
  if (!parse_decimal(text.substr(0, dot), whole)) return false;
  u64 scale = 1;
  for (int i = 0; i < scale_digits; ++i) scale *= 10;
  out = whole * scale;
  if (dot == string_view::npos) return true;
  string_view fraction = text.substr(dot + 1);
  if (fraction.empty() || fraction.size() > static_cast<size_t>(scale_digits)) return false;
  u64 digits = 0;
  if (!parse_decimal(fraction, digits)) return false;
  for (size_t i = fraction.size(); i < static_cast<size_t>(scale_digits); ++i) digits *= 10;
  out += digits;
  return true;
}

// "comm-pid" (the comm may itself hold dashes; the pid follows the last one).
bool split_task(string_view text, string_view& comm, int& pid) {
  text = trim(text);
  size_t dash = text.rfind('-');
  if (dash == string_view::npos) return false;
  u64 value = 0;
  if (!parse_decimal(text.substr(dash + 1), value)) return false;
  comm = text.substr(0, dash);
  pid = static_cast<int>(value);
  return true;
}

// "%5lu.%06lu |  " (funcgraph-abstime) or "%5lu.%09lu |  " (function_duration's CALLTIME)
// at `pos`: advances past it.
bool take_seconds_column(string_view line, size_t& pos, u64& ns) {
  size_t begin = skip_spaces(line, pos);
  size_t dot = skip_digits(line, begin);
  if (dot == begin || dot >= line.size() || line[dot] != '.') return false;
  size_t end = skip_digits(line, dot + 1);
  if (line.substr(end, 3) != " | ") return false;
  if (!parse_seconds(line.substr(begin, end - begin), ns)) return false;
  pos = end + 3;
  if (pos < line.size() && line[pos] == ' ') ++pos;
  return true;
}

// " %*d) ": the graph formats' CPU column.
bool take_cpu_column(string_view line, size_t& pos, int& cpu) {
  size_t begin = skip_spaces(line, pos);
  size_t end = skip_digits(line, begin);
  if (end == begin || line.substr(end, 2) != ") ") return false;
  u64 value = 0;
  parse_decimal(line.substr(begin, end - begin), value);
  cpu = static_cast<int>(value);
  pos = end + 2;
  return true;
}

// "comm-pid" centred in 14 columns, then " | ".
bool take_proc_column(string_view line, size_t& pos, TraceItem& item) {
  if (line.size() < pos + kColumnWidth + 3) return false;
  if (line.substr(pos + kColumnWidth, 3) != " | ") return false;
  string_view field = line.substr(pos, kColumnWidth);
  if (find_spaced(field, " us ") != string_view::npos) return false;
  if (!split_task(field, item.comm, item.pid)) return false;
  pos += kColumnWidth + 3;
  return true;
}

// The 14-wide duration column and its "|  ": "+ 61.770 us   " or blanks.
bool take_duration_column(string_view line, size_t& pos, TraceItem& item) {
  if (line.size() < pos + kColumnWidth + 1 || line[pos + kColumnWidth] != '|') return false;
  string_view field = line.substr(pos, kColumnWidth);
  size_t us = find_spaced(field, " us");
  if (us != string_view::npos) {
    string_view value = trim(field.substr(2, us - 2));
    if (!parse_usecs(value, item.duration_ns)) return false;
    item.has_duration = true;
  } else if (!trim(field).empty()) {
    return false;
  }
  pos += kColumnWidth + 1;
  if (line.substr(pos, 2) == "  ") pos += 2;
  return true;
}

// The function column of a graph line: indentation, then a call, a brace or a comment.
void classify_graph_body(string_view line, size_t pos, bool duration_tracer, TraceItem& item) {
  size_t begin = skip_spaces(line, pos);
  item.depth = static_cast<int>((begin - pos) / 2);
  string_view body = line.substr(begin);
  if (body.empty()) return;
  if (body.front() == '}') {
    item.kind = ItemKind::kGraphReturn;
    size_t open = body.find("/* ");
    if (open != string_view::npos) {
      string_view name = body.substr(open + 3);
      size_t end = find_spaced(name, " = ");
      if (end == string_view::npos) end = find_spaced(name, " */");
      item.name = name.substr(0, end);
    }
    return;
  }
  if (body.substr(0, 2) == "/*") {
    // An event or marker between calls: "/* name: fields */" at (depth + 1) * 2.
    item.kind = ItemKind::kEvent;
    item.depth = -1;
    string_view text = body.substr(2);
    if (text.size() >= 2 && text.substr(text.size() - 2) == "*/") text.remove_suffix(2);
    text = trim(text);
    size_t colon = text.find(": ");
    item.name = text.substr(0, colon);
    item.text = colon == string_view::npos ? string_view{} : text.substr(colon + 2);
    return;
  }
  size_t parens = body.find("()");
  if (parens != string_view::npos) {
    string_view after = body.substr(parens + 2);
    item.name = body.substr(0, parens);
    if (after.substr(0, 2) == " {")
      item.kind = ItemKind::kGraphEntry;
    else if (after.substr(0, 1) == ";")
      item.kind = ItemKind::kGraphLeaf;
    return;
  }
  if (duration_tracer || item.has_duration) {
    item.kind = ItemKind::kDurationCall;
    item.name = trim(body);
  }
}

// The columns function_graph and function_duration print: [abstime] [cpu] [proc]
// [calltime] [duration] body.
bool parse_graph_line(string_view line, TraceItem& item) {
  size_t pos = 0;
  u64 ns = 0;
  bool any_column = false;
  if (take_seconds_column(line, pos, ns)) {
    item.has_time = true;
    item.time_ns = ns;
    any_column = true;
  }
  if (take_cpu_column(line, pos, item.cpu)) any_column = true;
  if (take_proc_column(line, pos, item)) any_column = true;
  bool duration_tracer = false;
  if (take_seconds_column(line, pos, ns)) {
    // function_duration's CALLTIME: the call's start, in ns.
    item.has_time = true;
    item.time_ns = ns;
    duration_tracer = true;
    any_column = true;
  }
  // One search finds either arrow ("==========>" or "<=========="): they share ten '='.
  string_view rest = line.substr(pos);
  size_t arrow = rest.find(kIrqArrowBar);
  if (arrow != string_view::npos) {
    if (rest.substr(arrow, kIrqEnterArrow.size()) == kIrqEnterArrow) {
      item.kind = ItemKind::kIrqEnter;
      return true;
    }
    if (arrow > 0 && rest.substr(arrow - 1, kIrqExitArrow.size()) == kIrqExitArrow) {
      item.kind = ItemKind::kIrqExit;
      return true;
    }
  }
  if (take_duration_column(line, pos, item)) any_column = true;
  if (!any_column && line.find_first_not_of(' ') == 0 && line.find("()") == string_view::npos)
    return false;
  classify_graph_body(line, pos, duration_tracer, item);
  return item.kind != ItemKind::kNone;
}

// " 0)   workloa-3    =>    <idle>-0   " between the dashed lines of a task switch.
bool parse_task_switch(string_view line, TraceItem& item) {
  size_t arrow = find_spaced(line, " => ");
  if (arrow == string_view::npos) return false;
  size_t pos = 0;
  int cpu = -1;
  if (!take_cpu_column(line, pos, cpu) || pos > arrow) return false;
  TraceItem result;
  if (!split_task(line.substr(pos, arrow - pos), result.comm, result.pid)) return false;
  if (!split_task(line.substr(arrow + 4), result.next_comm, result.next_pid)) return false;
  result.kind = ItemKind::kTaskSwitch;
  result.cpu = cpu;
  item = result;
  return true;
}

// A graph line begins with its abstime ("  12.000345 |") or CPU (" 1) ") column; a context
// line with a comm ("  workloads-3  [001]").
bool starts_like_graph(string_view line) {
  size_t begin = skip_spaces(line, 0);
  size_t end = skip_digits(line, begin);
  return end > begin && end < line.size() && (line[end] == ')' || line[end] == '.');
}

// "<comm>-<pid> [(tgid)] [CPU] [flags] TIMESTAMP: body": nop, function, events, markers.
bool parse_context_line(string_view line, TraceItem& item) {
  // '[' is rare in a line, ' ' is everywhere: search for the bracket.
  size_t bracket = line.find('[');
  while (bracket != string_view::npos) {
    size_t digits_end = skip_digits(line, bracket + 1);
    if (bracket > 0 && line[bracket - 1] == ' ' && digits_end > bracket + 1 &&
        digits_end < line.size() && line[digits_end] == ']')
      break;
    bracket = line.find('[', bracket + 1);
  }
  if (bracket == string_view::npos) return false;
  --bracket;
  string_view task = trim(line.substr(0, bracket));
  if (!task.empty() && task.back() == ')') {
    size_t open = task.rfind('(');
    if (open == string_view::npos) return false;
    task = trim(task.substr(0, open));
  }
  TraceItem result;
  if (!split_task(task, result.comm, result.pid)) return false;
  size_t cpu_end = line.find(']', bracket);
  u64 cpu = 0;
  parse_decimal(line.substr(bracket + 2, cpu_end - bracket - 2), cpu);
  result.cpu = static_cast<int>(cpu);
  size_t colon = line.find(": ", cpu_end);
  if (colon == string_view::npos) return false;
  // The timestamp is the last word before the colon (the irq-info flags come before it).
  string_view stamp = trim(line.substr(cpu_end + 1, colon - cpu_end - 1));
  size_t space = stamp.rfind(' ');
  if (space != string_view::npos) stamp = stamp.substr(space + 1);
  if (parse_seconds(stamp, result.time_ns)) result.has_time = true;
  string_view body = line.substr(colon + 2);
  size_t parent = find_spaced(body, " <-");
  size_t event_colon = body.find(": ");
  if (parent != string_view::npos && (event_colon == string_view::npos || event_colon > parent)) {
    result.kind = ItemKind::kFunctionHit;
    result.name = body.substr(0, parent);
    result.text = body.substr(parent + 3);
  } else {
    result.kind = ItemKind::kEvent;
    result.name = body.substr(0, event_colon);
    result.text = event_colon == string_view::npos ? string_view{} : body.substr(event_colon + 2);
  }
  item = result;
  return true;
}

// "CPU:1 [LOST 42 EVENTS]"
bool parse_lost_events(string_view line, TraceItem& item) {
  if (line.substr(0, 4) != "CPU:") return false;
  size_t cpu_end = skip_digits(line, 4);
  if (line.substr(cpu_end, 7) != " [LOST ") return false;
  size_t count_end = skip_digits(line, cpu_end + 7);
  u64 cpu = 0;
  parse_decimal(line.substr(4, cpu_end - 4), cpu);
  item.kind = ItemKind::kLostEvents;
  item.cpu = static_cast<int>(cpu);
  parse_decimal(line.substr(cpu_end + 7, count_end - cpu_end - 7), item.lost);
  return true;
}

}  // namespace

bool parse_usecs(string_view text, u64& ns) {
  return parse_fixed(text, 3, ns);
}

bool parse_seconds(string_view text, u64& ns) {
  return parse_fixed(text, 9, ns);
}

TraceItem parse_line(string_view line) {
  TraceItem item;
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  if (line.empty()) return item;
  if (line.front() == '#') {
    item.kind = ItemKind::kHeader;
    return item;
  }
  if (line.front() == 'C' && parse_lost_events(line, item)) return item;
  if (line.substr(0, 2) == " -" && trim(line).find_first_not_of('-') == string_view::npos)
    return item;
  if (line.substr(0, 12) == " (Overruns: ") return item;
  if (starts_like_graph(line)) {
    TraceItem graph;
    if (parse_graph_line(line, graph)) return graph;
    parse_task_switch(line, item);
    return item;
  }
  if (parse_context_line(line, item)) return item;
  TraceItem graph;
  if (parse_graph_line(line, graph)) return graph;
  return item;
}

}  // namespace tg::analysis
