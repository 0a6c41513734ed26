#include "trace/DurationTracer.h"

#include "trace/GraphFormat.h"
#include "trace/GraphTracer.h"
#include "trace/TraceInstance.h"

namespace tg::trace {

using ring::Entry;
using ring::RecordType;

TG_HOT bool DurationTracer::should_hook(const TraceInstance& instance, const RecordContext&,
                                        u32 depth) {
  u32 max_depth = instance.max_graph_depth();
  return max_depth == 0 || depth < max_depth;
}

TG_HOT bool DurationTracer::record_exit(TraceInstance& instance, const RecordContext& ctx, u64 ip,
                                        u32 depth, u64 calltime, u64 rettime) {
  u64 duration = rettime > calltime ? rettime - calltime : 0;
  u64 thresh_ns = instance.tracing_thresh_us() * 1000;
  if (thresh_ns != 0 && duration < thresh_ns) return false;
  return write_graph_return(instance, ctx, ip, depth, duration, rettime, false, 0);
}

namespace {

GraphColumns duration_columns(const OutputState& state) {
  return {state.option(TraceOption::kContextInfo),
          state.option(TraceOption::kDurationAbstime),
          state.option(TraceOption::kDurationCpu),
          state.option(TraceOption::kDurationProc),
          true,
          state.option(TraceOption::kDurationOverhead)};
}

// CALLTIME: seconds and nanoseconds of the call's start.
void print_calltime(u64 ns, TextWriter& out) {
  out.dec(ns / 1000000000, 5).put('.').dec(ns % 1000000000, 9, '0').put(" |  ");
}

void print_exit(OutputState& state, const GraphColumns& columns, const Entry& entry,
                TextWriter& out) {
  GraphReturn exit = decode_return(entry);
  print_graph_prologue(state, columns, entry, out);
  if (columns.context) print_calltime(entry.timestamp - exit.duration, out);
  print_duration(columns, exit.duration, out);
  out.repeat(' ', exit.depth * 2);
  print_symbol(out, text_address(exit.ip));
  out.put('\n');
  if (state.option(TraceOption::kDurationOverrun)) out.put(" (Overruns: 0)\n");
}

bool duration_print_entry(OutputState& state, ring::TraceBuffer::Iterator& it, TextWriter& out) {
  Entry entry;
  if (!it.peek(entry)) return false;
  GraphColumns columns = duration_columns(state);
  switch (entry.type) {
    case RecordType::kGraphReturn:
    case RecordType::kGraphReturnLong:
      print_task_switch_if_needed(state, entry, out);
      print_exit(state, columns, entry, out);
      break;
    case RecordType::kEvent:
      print_task_switch_if_needed(state, entry, out);
      print_graph_comment(state, columns, entry, out);
      break;
    default:
      return print_default_entry(state, it, out);
  }
  it.advance();
  return true;
}

constexpr GraphHeaderColumn kDurationHeader[] = {
    {TraceOption::kDurationAbstime, "     TIME       ", "      |         "},
    {TraceOption::kDurationCpu, " CPU", " |  "},
    {TraceOption::kDurationProc, "  TASK/PID       ", "   |    |        "},
};

void duration_print_header(OutputState& state, TextWriter& out) {
  print_graph_header(state, kDurationHeader, "  CALLTIME       DURATION   ",
                     "    |              |   |      ", out);
}

TG_HOT bool duration_on_entry(TraceInstance& instance, const RecordContext& ctx, HookedCall& call) {
  return DurationTracer::should_hook(instance, ctx, call.depth);
}

TG_HOT void duration_on_return(TraceInstance& instance, const RecordContext& ctx,
                               const HookedCall& call, u64 rettime, u64) {
  DurationTracer::record_exit(instance, ctx, call.ip, call.depth, call.calltime, rettime);
}

constexpr OptionInfo kDurationOptions[] = {
    {TraceOption::kDurationAbstime, "duration-abstime", false},
    {TraceOption::kDurationCpu, "duration-cpu", true},
    {TraceOption::kDurationOverhead, "duration-overhead", true},
    {TraceOption::kDurationProc, "duration-proc", false},
    {TraceOption::kDurationOverrun, "duration-overrun", false},
};

}  // namespace

const Tracer kDurationTracer = {
    .name = "function_duration",
    .in_instances = false,
    .options = kDurationOptions,
    .on_entry = duration_on_entry,
    .on_return = duration_on_return,
    .print_header = duration_print_header,
    .print_entry = duration_print_entry,
};

}  // namespace tg::trace
