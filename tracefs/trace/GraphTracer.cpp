#include "trace/GraphTracer.h"

#include "trace/GraphFormat.h"
#include "trace/RecordWriter.h"

namespace tg::trace {

using ring::Entry;
using ring::RecordType;

// ---- recording ----

namespace {

bool record_irq(TraceInstance& instance, const RecordContext& ctx, RecordType type, u32 irq) {
  if (!instance.option(TraceOption::kFuncgraphIrqs)) return false;
  u32* memory = begin_record(instance, ctx, type, sizeof(ring::IrqRecord), instance.now());
  if (!memory) return false;
  record_cast<ring::IrqRecord>(memory)->irq = irq;
  end_record(instance, ctx);
  return true;
}

}  // namespace

bool GraphTracer::record_irq_enter(TraceInstance& instance, const RecordContext& ctx, u32 irq) {
  return record_irq(instance, ctx, RecordType::kIrqEnter, irq);
}

bool GraphTracer::record_irq_exit(TraceInstance& instance, const RecordContext& ctx, u32 irq) {
  return record_irq(instance, ctx, RecordType::kIrqExit, irq);
}

// ---- printing ----

namespace {

constexpr u32 kIndent = 2;

GraphColumns graph_columns(const OutputState& state) {
  return {
      state.option(TraceOption::kContextInfo),       state.option(TraceOption::kFuncgraphAbstime),
      state.option(TraceOption::kFuncgraphCpu),      state.option(TraceOption::kFuncgraphProc),
      state.option(TraceOption::kFuncgraphDuration), state.option(TraceOption::kFuncgraphOverhead)};
}

bool is_return(RecordType type) {
  return type == RecordType::kGraphReturn || type == RecordType::kGraphReturnLong;
}

void indent(u32 depth, TextWriter& out) {
  out.repeat(' ', depth * kIndent);
}

// funcgraph-retval, as Linux's print_graph_retval: a value that reads as an errno (also a
// negative 32-bit int in the low half of %rax) prints in signed decimal, anything else (and
// everything with funcgraph-retval-hex) as 0x%lx of the whole register.
void print_retval(u64 retval, bool hex, TextWriter& out) {
  u64 value = retval;
  if ((value & 0x80000000u) && (value >> 32) == 0) value |= 0xffffffff00000000ull;
  constexpr u64 kMaxErrno = 4095;
  if (!hex && retval != 0 && value >= 0 - kMaxErrno) {
    out.put(" = ").sdec(static_cast<i64>(value)).put(" */");
    return;
  }
  out.put(" = 0x").hex(retval).put(" */");
}

void print_function_name(u32 ip, TextWriter& out) {
  print_symbol(out, text_address(ip));
}

void print_leaf(OutputState& state, const GraphColumns& columns, const Entry& entry,
                const GraphReturn& ret, TextWriter& out) {
  const auto& record = entry.as<ring::GraphEntryRecord>();
  OutputState::CpuState& cpu = state.cpu_state(entry.cpu);
  cpu.depth = static_cast<i32>(record.depth) - 1;
  if (record.depth < OutputState::kMaxTrackedDepth) cpu.enter_ips[record.depth] = 0;
  print_graph_prologue(state, columns, entry, out);
  print_duration(columns, ret.duration, out);
  indent(record.depth, out);
  print_function_name(record.ip, out);
  if (ret.has_retval && state.option(TraceOption::kFuncgraphRetval)) {
    out.put("(); /*");
    print_retval(ret.retval, state.option(TraceOption::kFuncgraphRetvalHex), out);
    out.put('\n');
    return;
  }
  out.put("();\n");
}

void print_nested_entry(OutputState& state, const GraphColumns& columns, const Entry& entry,
                        TextWriter& out) {
  const auto& record = entry.as<ring::GraphEntryRecord>();
  OutputState::CpuState& cpu = state.cpu_state(entry.cpu);
  cpu.depth = record.depth;
  if (record.depth < OutputState::kMaxTrackedDepth) cpu.enter_ips[record.depth] = record.ip;
  print_graph_prologue(state, columns, entry, out);
  print_duration_blank(columns, out);
  indent(record.depth, out);
  print_function_name(record.ip, out);
  out.put("() {\n");
}

void print_return(OutputState& state, const GraphColumns& columns, const Entry& entry,
                  const GraphReturn& ret, TextWriter& out) {
  OutputState::CpuState& cpu = state.cpu_state(entry.cpu);
  cpu.depth = static_cast<i32>(ret.depth) - 1;
  // The entry may be gone (overwritten, consumed, or never written under tracing_thresh):
  // then the closing brace names its function.
  bool matched = false;
  if (ret.depth < OutputState::kMaxTrackedDepth) {
    matched = cpu.enter_ips[ret.depth] == ret.ip;
    cpu.enter_ips[ret.depth] = 0;
  }
  print_graph_prologue(state, columns, entry, out);
  print_duration(columns, ret.duration, out);
  indent(ret.depth, out);
  if (ret.has_retval && state.option(TraceOption::kFuncgraphRetval)) {
    out.put("} /* ");
    print_function_name(ret.ip, out);
    print_retval(ret.retval, state.option(TraceOption::kFuncgraphRetvalHex), out);
    out.put('\n');
  } else if (matched && !state.option(TraceOption::kFuncgraphTail)) {
    out.put("}\n");
  } else {
    out.put("} /* ");
    print_function_name(ret.ip, out);
    out.put(" */\n");
  }
  if (state.option(TraceOption::kFuncgraphOverrun)) out.put(" (Overruns: 0)\n");
}

void print_irq_marker(OutputState& state, const GraphColumns& columns, const Entry& entry,
                      TextWriter& out) {
  print_graph_prologue(state, columns, entry, out);
  bool fill = columns.duration && columns.context;
  if (fill) out.put("  ");
  out.put(entry.type == RecordType::kIrqEnter ? "==========>" : "<==========");
  if (fill) out.put(" |");
  out.put('\n');
}

}  // namespace

namespace {

bool graph_print_entry(OutputState& state, ring::TraceBuffer::Iterator& it, TextWriter& out) {
  Entry entry;
  if (!it.peek(entry)) return false;
  GraphColumns columns = graph_columns(state);
  OutputState::CpuState& cpu = state.cpu_state(entry.cpu);
  bool printed = true;
  switch (entry.type) {
    case RecordType::kGraphEntry: {
      print_task_switch_if_needed(state, entry, out);
      Entry next;
      const auto& record = entry.as<ring::GraphEntryRecord>();
      // A leaf: the very next record of this CPU is the same task's return of this call.
      if (it.peek_next_on_cpu(entry, next) && is_return(next.type) && next.pid == entry.pid &&
          decode_return(next).ip == record.ip) {
        GraphReturn ret = decode_return(next);
        print_leaf(state, columns, entry, ret, out);
        cpu.skip_return = true;
        cpu.skip_timestamp = next.timestamp;
      } else {
        print_nested_entry(state, columns, entry, out);
      }
      break;
    }
    case RecordType::kGraphReturn:
    case RecordType::kGraphReturnLong:
      if (cpu.skip_return && cpu.skip_timestamp == entry.timestamp) {
        cpu.skip_return = false;
        printed = false;
        break;
      }
      cpu.skip_return = false;
      print_task_switch_if_needed(state, entry, out);
      print_return(state, columns, entry, decode_return(entry), out);
      break;
    case RecordType::kIrqEnter:
    case RecordType::kIrqExit:
      printed = state.option(TraceOption::kFuncgraphIrqs);
      if (printed) {
        print_task_switch_if_needed(state, entry, out);
        print_irq_marker(state, columns, entry, out);
      }
      break;
    case RecordType::kEvent:
      print_task_switch_if_needed(state, entry, out);
      print_graph_comment(state, columns, entry, out);
      break;
    default:
      return print_default_entry(state, it, out);
  }
  it.advance();
  return printed;
}

constexpr GraphHeaderColumn kGraphHeader[] = {
    {TraceOption::kFuncgraphAbstime, "     TIME       ", "      |         "},
    {TraceOption::kFuncgraphCpu, " CPU", " |  "},
    {TraceOption::kFuncgraphProc, "  TASK/PID       ", "   |    |        "},
    {TraceOption::kFuncgraphDuration, "  DURATION   ", "   |   |      "},
};

void graph_print_header(OutputState& state, TextWriter& out) {
  print_graph_header(state, kGraphHeader, "", "", out);
}

// Linux draws the ==========> arrows only with funcgraph-irqs on.
bool graph_on_irq_entry(TraceInstance& instance, const RecordContext& ctx, u32 irq) {
  if (!instance.option(TraceOption::kFuncgraphIrqs)) return false;
  GraphTracer::record_irq_enter(instance, ctx, irq);
  return true;
}

void graph_on_irq_exit(TraceInstance& instance, const RecordContext& ctx, u32 irq) {
  GraphTracer::record_irq_exit(instance, ctx, irq);
}

constexpr OptionInfo kGraphOptions[] = {
    {TraceOption::kFuncgraphOverrun, "funcgraph-overrun", false},
    {TraceOption::kFuncgraphCpu, "funcgraph-cpu", true},
    {TraceOption::kFuncgraphOverhead, "funcgraph-overhead", true},
    {TraceOption::kFuncgraphProc, "funcgraph-proc", false},
    {TraceOption::kFuncgraphDuration, "funcgraph-duration", true},
    {TraceOption::kFuncgraphAbstime, "funcgraph-abstime", false},
    {TraceOption::kFuncgraphIrqs, "funcgraph-irqs", true},
    {TraceOption::kFuncgraphTail, "funcgraph-tail", false},
    {TraceOption::kFuncgraphRetval, "funcgraph-retval", false},
    {TraceOption::kFuncgraphRetvalHex, "funcgraph-retval-hex", false},
    {TraceOption::kSleepTime, "sleep-time", true},
    {TraceOption::kGraphTime, "graph-time", true},
};

}  // namespace

const Tracer kGraphTracer = {
    .name = "function_graph",
    .in_instances = true,
    .options = kGraphOptions,
    .on_entry = GraphTracer::on_entry,
    .on_return = GraphTracer::on_return,
    .on_irq_entry = graph_on_irq_entry,
    .on_irq_exit = graph_on_irq_exit,
    .print_header = graph_print_header,
    .print_entry = graph_print_entry,
};

}  // namespace tg::trace
