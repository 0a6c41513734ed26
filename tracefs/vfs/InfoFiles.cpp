// README, error_log, saved_cmdlines, saved_cmdlines_size and saved_tgids.
#include "support/Parse.h"
#include "support/TextWriter.h"
#include "trace/CommCache.h"
#include "vfs/TracingFiles.h"

namespace tg::vfs {

namespace {

constexpr StringView kReadme =
    "tracegate tracing mini-HOWTO\n"
    "\n"
    " The files of this directory behave as Linux's tracefs:\n"
    "  available_tracers\t- the tracers this kernel has\n"
    "  current_tracer\t- the tracer in use: echo function_graph > current_tracer\n"
    "  tracing_on\t\t- 1 records, 0 pauses recording (the tracer stays attached)\n"
    "  trace\t\t\t- the buffer as text; echo > trace clears it\n"
    "  trace_pipe\t\t- a consuming read of the buffer, waiting for new entries\n"
    "  trace_marker\t\t- a write here becomes an entry of the trace\n"
    "  trace_options\t\t- the options; write NAME or noNAME (also options/NAME)\n"
    "  trace_clock\t\t- the clock of the timestamps, the current one in brackets\n"
    "  buffer_size_kb\t- the size of each CPU's buffer\n"
    "  buffer_percent\t- how full a buffer gets before a raw reader wakes (0-100)\n"
    "  free_buffer\t\t- closing it shrinks the buffers (options/disable_on_free: and stops)\n"
    "  timestamp_mode\t- how timestamps are kept: [delta]\n"
    "  tracing_thresh\t- function_graph/function_duration: shortest call recorded (us)\n"
    "  set_ftrace_filter\t- trace only these functions (!glob removes,\n"
    "\t\t\t  func:traceon[:N] and func:traceoff[:N] switch tracing_on)\n"
    "\t     accepts: a whole name or a glob-matching-pattern (*, ?, [...])\n"
    "  set_ftrace_notrace\t- never trace these functions\n"
    "  set_graph_function\t- function_graph starts graphs only at these functions\n"
    "  set_graph_notrace\t- function_graph skips these functions and their callees\n"
    "  set_ftrace_pid\t- trace only these tasks\n"
    "  set_ftrace_notrace_pid\t- never trace these tasks\n"
    "  set_event_pid\t\t- record events only of these tasks\n"
    "  set_event_notrace_pid\t- never record events of these tasks\n"
    "  tracing_cpumask\t- hex mask of the CPUs that record: echo 1 > tracing_cpumask\n"
    "  max_graph_depth\t- deepest function_graph nesting recorded (0: no limit)\n"
    "  function_profile_enabled - 1 counts every function's hits and time, 0 stops\n"
    "  trace_stat/functionN\t- the counts of CPU N, longest total time first\n"
    "  set_event\t\t- enabled events, one system:event per line\n"
    "  events/\t\t- per event: enable, filter, format, hist, id, trigger\n"
    "      trigger\t\t- commands run when the event fires: <trigger>[:count] [if <filter>]\n"
    "\t    traceon, traceoff, snapshot, stacktrace, enable_event:<system>:<event>,\n"
    "\t    disable_event:<system>:<event>, hist (below); !<trigger> removes one\n"
    "      hist trigger\t- aggregates the event's hits in a table read from its hist file\n"
    "\t    Format: hist:keys=<field1[,field2,...]>\n"
    "\t            [:<var1>=<field|var_ref|numeric_literal>[,<var2>=...]]\n"
    "\t            [:values=<field1[,field2,...]>]\n"
    "\t            [:sort=<field1[,field2,...]>]\n"
    "\t            [:size=#entries]\n"
    "\t            [:pause][:continue][:clear]\n"
    "\t            [:name=histname1]\n"
    "\t            [:nohitcount]\n"
    "\t            [:<handler>.<action>]\n"
    "\t            [if <filter>]\n"
    "\t    Keys correspond to fields in the event's format description.  Keys\n"
    "\t    can be any field, or the special string 'common_stacktrace'.\n"
    "\t    keys: up to 3 fields (numbers or strings); values: up to 2 numeric fields\n"
    "\t    summed besides hitcount; sort: up to 2 keys or values, each .ascending or\n"
    "\t    .descending; size: 128 to 131072 entries (default 2048), fixed when the\n"
    "\t    trigger is made, further keys count as Dropped.\n"
    "\t    Special fields: common_timestamp (ns), common_cpu, common_pid, hitcount.\n"
    "\t    Field modifiers: .hex .sym .sym-offset .execname (common_pid) .log2\n"
    "\t    .buckets=N .usecs (common_timestamp) .percent .graph (values).\n"
    "\t    Variables hold a field, a numeric literal, a reference to an earlier\n"
    "\t    variable ($x) or an expression of those with + - * / (3 operators at most).\n"
    "\t    pause stops a trigger's counting, continue resumes it, clear empties its\n"
    "\t    table; nohitcount (NOHC) hides the hitcount column.\n"
    "\t    A variable ($x) may be another hist trigger's: read at the same key, and\n"
    "\t    consumed when an expression reads it; unset, the event is not counted.\n"
    "\t    The available handlers:\n"
    "\t        onmatch(matching.event)  - invoke on addition or update\n"
    "\t        onmax(var)               - invoke if var exceeds current max\n"
    "\t        onchange(var)            - invoke action if var changes\n"
    "\t    The available actions:\n"
    "\t        trace(<synthetic_event>,param list)  - generate synthetic event\n"
    "\t        <synthetic_event>(param list)        - the same\n"
    "\t        save(field,...)                      - save current event fields\n"
    "\t        snapshot()                           - snapshot the trace buffer\n"
    "  kprobe_events\t\t- kernel probes: Create/append/remove/show them; a line defines an\n"
    "\t\t\t  event (or one more probe point of it), -: removes one\n"
    "  dynamic_events\t- the same, function entry/exit probes (f) and tracepoint probes (t)\n"
    "\t  accepts: one definition per line\n"
    "\t   Format: p[:[<group>/][<event>]] <place> [<args>]\n"
    "\t           r[maxactive][:[<group>/][<event>]] <place> [<args>]\n"
    "\t           f[:[<group>/][<event>]] <func-name>[%return] [<args>]\n"
    "\t           t[:[<group>/][<event>]] <tracepoint> [<args>]\n"
    "\t           s:[synthetic/]<event> <field> [<field>]\n"
    "\t           -:[<group>/][<event>]\n"
    "\t    place: [<module>:]<symbol>[+<offset>]|<memaddr>\n"
    "\t place (kretprobe): [<module>:]<symbol>[+<offset>]%return|<memaddr>\n"
    "\t     args: <name>=fetcharg[:type]\n"
    "\t fetcharg: %<register>, @<address>, @<symbol>[+|-<offset>],\n"
    "\t           $stack<index>, $stack, $retval, $comm, $arg<N>,\n"
    "\t           +|-<offset>(<fetcharg>)\n"
    "\t     kernel return probes support: $retval, $arg<N>, $comm\n"
    "\t     type: s8/16/32/64, u8/16/32/64, x8/16/32/64, char, string, symbol,\n"
    "\t           b<bit-width>@<bit-offset>/<container-size>, <type>\\[<array-size>\\]\n"
    "  kprobe_profile\t\t- each probe's hits and misses\n"
    "  synthetic_events\t- Create/append/remove/show synthetic events\n"
    "\t  Write into this file to define/undefine new synthetic events.\n"
    "\t     example: echo 'myevent u64 lat; char name[]' >> synthetic_events\n"
    "\t  field types: u8/16/32/64, s8/16/32/64, char, int, long, bool, pid_t, gfp_t,\n"
    "\t  unsigned char/int/long, char[N] (N <= 256), char[] and unsigned long[] (a stack)\n"
    "  error_log\t\t- the last parse errors; echo > error_log clears it\n"
    "  saved_cmdlines\t\t- pid and comm of the tasks the trace names\n"
    "  saved_cmdlines_size\t- how many comms are kept (a write starts afresh)\n"
    "  saved_tgids\t\t- pid and tgid of the tasks seen since record-tgid was set\n"
    "  available_filter_functions_addrs - address and name of each traceable function\n"
    "  stack_trace\t\t- the deepest stack the stack tracer saw, frame by frame\n"
    "  stack_max_size\t- its depth in bytes; echo 0 > stack_max_size starts afresh\n"
    "  stack_trace_filter\t- like set_ftrace_filter: the functions that measure the stack\n"
    "\t\t\t  (switch: echo 1 > /proc/sys/kernel/stack_tracer_enabled)\n"
    "  per_cpu/cpuN/\t\t- trace, trace_pipe, stats and buffer_size_kb of one CPU\n"
    "  instances/\t\t- mkdir NAME makes an independent tracing directory\n";

Result<bool> readme_show(OpenFile&, String& out) {
  return shown(out.append(kReadme));
}

// `echo > error_log` clears the log at open; what is written is ignored, as in Linux.
Status error_log_open(OpenFile& file) {
  if (file.truncate()) instance_of(file).error_log().clear();
  return {};
}
Result<bool> error_log_show(OpenFile& file, String& out) {
  return shown(instance_of(file).error_log().show(out));
}
Result<usize> error_log_write(OpenFile&, StringView data) {
  return data.size();
}

// "pid tgid" per line, by pid: empty until record-tgid has been set once, as in Linux.
Result<bool> saved_tgids_show(OpenFile&, String& out) {
  Vector<trace::SavedTgid> saved;
  TRY(trace::saved_tgids(saved));
  TextWriter writer(out);
  for (const auto& entry : saved)
    writer.dec(static_cast<u64>(entry.pid)).put(' ').dec(static_cast<u64>(entry.tgid)).put('\n');
  return shown(writer.ok() ? Status() : Status(Errno::kNoMem));
}

// "pid comm" per line, in slot order (Linux lists its saved_cmdlines buffer in order).
Result<bool> saved_cmdlines_show(OpenFile&, String& out) {
  Vector<trace::SavedComm> saved;
  TRY(trace::saved_comms(saved));
  TextWriter writer(out);
  for (const auto& entry : saved)
    writer.dec(static_cast<u64>(entry.pid)).put(' ').put(StringView(entry.comm)).put('\n');
  return shown(writer.ok() ? Status() : Status(Errno::kNoMem));
}

Result<bool> saved_cmdlines_size_show(OpenFile&, String& out) {
  TextWriter writer(out);
  writer.dec(trace::saved_comms_size()).put('\n');
  return shown(writer.ok() ? Status() : Status(Errno::kNoMem));
}
// 0 or more than 32768 (Linux's PID_MAX_DEFAULT) is EINVAL.
Result<usize> saved_cmdlines_size_write(OpenFile&, StringView data) {
  TRY(trace::set_saved_comms_size(TRY(parse_unsigned(data))));
  return data.size();
}

}  // namespace

const FileOps kReadmeOps = {.show = readme_show};
const FileOps kErrorLogOps = {
    .open = error_log_open, .show = error_log_show, .write = error_log_write};
const FileOps kSavedTgidsOps = {.show = saved_tgids_show};
const FileOps kSavedCmdlinesOps = {.show = saved_cmdlines_show};
const FileOps kSavedCmdlinesSizeOps = {.show = saved_cmdlines_size_show,
                                       .write = saved_cmdlines_size_write};

}  // namespace tg::vfs
