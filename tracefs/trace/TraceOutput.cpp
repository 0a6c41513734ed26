#include "trace/TraceOutput.h"

#include "trace/StackTrace.h"

#include "trace/CommCache.h"
#include "trace/EventPayloads.h"
#include "trace/Tracing.h"

namespace tg::trace {

using ring::Entry;
using ring::RecordType;

OutputState::OutputState(TraceInstance& instance, ring::TraceBuffer& buffer, bool consuming,
                         i32 only_cpu)
    : instance_(instance),
      buffer_(buffer),
      iterator_(buffer, consuming, only_cpu),
      consuming_(consuming),
      only_cpu_(only_cpu) {}

// A latency tracer's `trace` reads its max buffer (Linux's print_max), from the time its
// worst case started; trace_pipe still consumes the live buffer.
Result<OwnPtr<OutputState>> OutputState::create(TraceInstance& instance, bool consuming,
                                                i32 only_cpu) {
  ring::TraceBuffer* max = instance.snapshot_buffer();
  if (consuming || !instance.tracer().use_max_tr || !instance.snapshot_allocated() || !max)
    return create_on(instance, instance.buffer(), consuming, only_cpu);
  auto state = TRY(create_on(instance, *max, false, only_cpu));
  // A copy: a new maximum may replace the instance's while this reads.
  state->max_copy_ = instance.max_trace();
  state->max_trace_ = &state->max_copy_;
  state->skip_before_time_start();
  return state;
}

void OutputState::skip_before_time_start() {
  u64 start = time_start();
  Entry entry;
  while (iterator_.peek(entry) && entry.timestamp < start) {
    bool counted = entry.type != RecordType::kTask && entry.type != RecordType::kTimeStamp &&
                   entry.type != RecordType::kPadding;
    iterator_.advance();
    skipped_ += counted;
    skipped_on_cpu_ = true;
  }
}

bool OutputState::empty() {
  Entry entry;
  return !iterator_.peek(entry);
}

Result<OwnPtr<OutputState>> OutputState::create_for_snapshot(TraceInstance& instance,
                                                             i32 only_cpu) {
  // Before the first `echo 1` there is no spare: the view of the live buffer is narrowed to
  // a CPU that does not exist, so it shows nothing but the help text.
  ring::TraceBuffer* spare = instance.snapshot_buffer();
  i32 no_cpu = static_cast<i32>(instance.buffer().cpu_count());
  auto state = TRY(
      create_on(instance, spare ? *spare : instance.buffer(), false, spare ? only_cpu : no_cpu));
  state->snapshot_ = true;
  state->only_cpu_ = only_cpu;
  return state;
}

Result<OwnPtr<OutputState>> OutputState::create_on(TraceInstance& instance,
                                                   ring::TraceBuffer& buffer, bool consuming,
                                                   i32 only_cpu) {
  void* memory = allocate(sizeof(OutputState), alignof(OutputState));
  if (!memory) return Errno::kNoMem;
  OwnPtr<OutputState> state(new (memory) OutputState(instance, buffer, consuming, only_cpu));
  u32 cpus = buffer.cpu_count();
  TRY(state->cpus_.reserve(cpus));
  for (u32 cpu = 0; cpu < cpus; ++cpu) TRY(state->cpus_.append(CpuState{}));
  u32 width = 1;
  for (u32 highest = cpus ? cpus - 1 : 0; highest >= 10; highest /= 10) ++width;
  state->cpu_width_ = width;
  return state;
}

bool OutputState::time_in_ns() const {
  TraceClock clock = instance_.clock();
  return clock != TraceClock::kCounter && clock != TraceClock::kX86Tsc;
}

// Linux prints the whole buffer's counts even in per_cpu/cpuN/trace (capture 12: "3/3" above
// cpu0's single line).
u64 OutputState::entries() const {
  u64 entries = buffer_.entries();
  return entries > skipped_ ? entries - skipped_ : 0;
}

u64 OutputState::entries_written() const {
  return skipped_on_cpu_ ? entries() : buffer_.entries_written();
}

void OutputState::print_header(TextWriter& out) {
  out.put("# tracer: ").put(instance_.tracer().name).put("\n#\n");
  ring::Entry entry;
  if (snapshot_ && !iterator_.peek(entry))
    print_snapshot_help(out);
  else
    instance_.tracer().print_header(*this, out);
}

// Linux's text for an empty snapshot file; the per-CPU file may swap one CPU but not free.
void OutputState::print_snapshot_help(TextWriter& out) {
  out.put(instance_.snapshot_allocated() ? "#\n# * Snapshot is allocated *\n#\n"
                                         : "#\n# * Snapshot is freed *\n#\n");
  out.put("# Snapshot commands:\n");
  if (only_cpu_ < 0) {
    out.put("# echo 0 > snapshot : Clears and frees snapshot buffer\n");
    out.put("# echo 1 > snapshot : Allocates snapshot buffer, if not already allocated.\n");
    out.put("#                      Takes a snapshot of the main buffer.\n");
    out.put("# echo 2 > snapshot : Clears snapshot buffer (but does not allocate or free)\n");
  } else {
    out.put("# echo 0 > snapshot : Invalid for per_cpu snapshot file.\n");
    out.put("# echo 1 > snapshot : Allocates snapshot buffer, if not already allocated.\n");
    out.put("#                      Takes a snapshot of the main buffer for this cpu.\n");
    out.put("# echo 2 > snapshot : Clears this cpu's snapshot buffer (but does not allocate)\n");
  }
  out.put("#                      (Doesn't have to be '2' works with any number that\n");
  out.put("#                       is not a '0' or '1')\n");
}

bool OutputState::print_next(TextWriter& out) {
  Entry entry;
  bool printed = false;
  while (iterator_.peek(entry)) {
    if (entry.type == RecordType::kTask || entry.type == RecordType::kTimeStamp ||
        entry.type == RecordType::kPadding) {
      iterator_.advance();
      continue;
    }
    // A consuming reader says where the writer overwrote what it had not read yet, before
    // that CPU's next entry (Linux's trace_pipe); a non-consuming one (`trace`) that the
    // writer overran says so without a count, as Linux's iterator does.
    u64 lost = consuming_ ? buffer_.cpu(entry.cpu).take_lost() : 0;
    if (lost) {
      out.put("CPU:").dec(entry.cpu).put(" [LOST ").dec(lost).put(" EVENTS]\n");
      printed = true;
    } else if (!consuming_ && iterator_.take_dropped(entry.cpu)) {
      out.put("CPU:").dec(entry.cpu).put(" [LOST EVENTS]\n");
      printed = true;
    }
    bool shown = instance_.tracer().print_entry(*this, iterator_, out);
    ++index_;
    if (shown) return true;
  }
  return printed;
}

SymbolStyle symbol_style(const OutputState& state) {
  return {state.option(TraceOption::kSymOffset), state.option(TraceOption::kSymAddr)};
}

// ---- header ----

namespace {

// The irqs-off legend, after "#" and the column offset (28 spaces, plus the TGID column's
// width when record-tgid is on).
constexpr StringView kIrqLegend[] = {
    "  _-----=> irqs-off/BH-disabled\n", " / _----=> need-resched\n",
    "| / _---=> hardirq/softirq\n",      "|| / _--=> preempt-depth\n",
    "||| / _-=> migrate-disable\n",      "|||| /     delay\n",
};

struct ColumnTitles {
  StringView names;
  StringView bars;
};
// [irq-info][record-tgid]
constexpr ColumnTitles kColumnTitles[2][2] = {
    {{"#           TASK-PID     CPU#     TIMESTAMP  FUNCTION\n",
      "#              | |         |         |         |\n"},
     {"#           TASK-PID       TGID    CPU#     TIMESTAMP  FUNCTION\n",
      "#              | |           |       |         |         |\n"}},
    {{"#           TASK-PID     CPU#  |||||  TIMESTAMP  FUNCTION\n",
      "#              | |         |   |||||     |         |\n"},
     {"#           TASK-PID       TGID    CPU#  |||||  TIMESTAMP  FUNCTION\n",
      "#              | |           |       |   |||||     |         |\n"}},
};

}  // namespace

void print_default_header(OutputState& state, TextWriter& out) {
  if (!state.option(TraceOption::kContextInfo)) return;
  if (state.option(TraceOption::kLatencyFormat)) return print_latency_header(state, out);
  if (state.option(TraceOption::kVerbose)) return;
  bool irq_info = state.option(TraceOption::kIrqInfo);
  bool tgid = state.option(TraceOption::kRecordTgid);
  out.put("# entries-in-buffer/entries-written: ").dec(state.entries()).put('/');
  out.dec(state.entries_written()).put("   #P:").dec(platform().cpu_count).put("\n#\n");
  if (irq_info) {
    for (StringView line : kIrqLegend) out.put('#').repeat(' ', tgid ? 40 : 30).put(line);
  }
  const ColumnTitles& titles = kColumnTitles[irq_info][tgid];
  out.put(titles.names).put(titles.bars);
}

// ---- context ----

EntryFlags entry_flags(const Entry& entry) {
  switch (entry.type) {
    case RecordType::kFunction: {
      const auto& record = entry.as<ring::FunctionRecord>();
      return {record.flags, record.preempt};
    }
    case RecordType::kGraphEntry: {
      const auto& record = entry.as<ring::GraphEntryRecord>();
      return {record.flags, record.preempt};
    }
    case RecordType::kGraphReturnLong:
      return {entry.as<ring::GraphReturnLongRecord>().flags, 0};
    case RecordType::kEvent: {
      if (entry.size < sizeof(ring::EventRecord) + sizeof(EventCommon)) break;
      EventCommon common;
      memcpy(&common, entry.record + sizeof(ring::EventRecord), sizeof common);
      return {common.flags, common.preempt_count};
    }
    default:
      break;
  }
  return {0, 0};
}

namespace {

char irqs_off_char(u8 flags) {
  bool irqs_off = flags & ring::kFlagIrqsOff;
  bool bh_off = flags & ring::kFlagBhOff;
  if (irqs_off) return bh_off ? 'D' : 'd';
  if (bh_off) return 'b';
  return (flags & ring::kFlagIrqsNoSupport) ? 'X' : '.';
}

char need_resched_char(u8 flags) {
  constexpr char kChars[] = {'.', 'n', 'p', 'N'};
  return kChars[((flags & ring::kFlagNeedResched) ? 1 : 0) |
                ((flags & ring::kFlagPreemptResched) ? 2 : 0)];
}

char irq_context_char(u8 flags) {
  bool nmi = flags & ring::kFlagNmi;
  bool hard = flags & ring::kFlagHardIrq;
  bool soft = flags & ring::kFlagSoftIrq;
  if (nmi) return hard ? 'Z' : 'z';
  if (hard) return soft ? 'H' : 'h';
  return soft ? 's' : '.';
}

char depth_char(u32 depth) {
  return depth ? "0123456789abcdef"[depth & 0xf] : '.';
}

}  // namespace

void print_latency_flags(const Entry& entry, TextWriter& out) {
  EntryFlags f = entry_flags(entry);
  out.put(irqs_off_char(f.flags)).put(need_resched_char(f.flags)).put(irq_context_char(f.flags));
  out.put(depth_char(f.preempt & 0xf)).put(depth_char(f.preempt >> 4));
}

namespace {

void print_timestamp(const OutputState& state, u64 timestamp, TextWriter& out) {
  out.put(' ');
  if (state.time_in_ns())
    out.seconds_usecs(timestamp);
  else
    out.dec(timestamp, 12);
}

}  // namespace

void print_context(OutputState& state, const Entry& entry, TextWriter& out) {
  char comm[kCommLength];
  out.right(find_comm(entry.pid, comm), 16).put('-').dec_left(entry.pid, 7).put(' ');
  // "(%7d) ", or Linux's placeholder for a tgid it does not know (the idle task's too).
  if (state.option(TraceOption::kRecordTgid)) {
    i32 tgid = find_tgid(entry.pid);
    if (tgid)
      out.put('(').dec(static_cast<u64>(tgid), 7).put(") ");
    else
      out.put("(-------) ");
  }
  out.put('[').dec(entry.cpu, 3, '0').put("] ");
  if (state.option(TraceOption::kIrqInfo)) print_latency_flags(entry, out);
  print_timestamp(state, entry.timestamp, out);
  out.put(": ");
}

// ---- messages ----

namespace {

Span<const u8> event_payload(const Entry& entry) {
  if (entry.size < sizeof(ring::EventRecord)) return {};
  u32 size = entry.as<ring::EventRecord>().size;
  if (size > entry.size - sizeof(ring::EventRecord)) size = entry.size - sizeof(ring::EventRecord);
  return {entry.record + sizeof(ring::EventRecord), size};
}

u16 event_type(Span<const u8> payload) {
  if (payload.size() < sizeof(EventCommon)) return 0;
  u16 type;
  memcpy(&type, payload.data(), sizeof type);
  return type;
}

StringView marker_text(Span<const u8> payload) {
  if (payload.size() < sizeof(PrintPayload)) return {};
  StringView text(reinterpret_cast<const char*>(payload.data()) + sizeof(PrintPayload),
                  payload.size() - sizeof(PrintPayload));
  usize end = text.find('\0');
  return end == StringView::npos ? text : text.substr(0, end);
}

u64 marker_ip(Span<const u8> payload) {
  PrintPayload head;
  memcpy(&head, payload.data(), sizeof head);
  return head.ip;
}

void print_event_body(OutputState& state, const EventDefinition& event, Span<const u8> payload,
                      TextWriter& out) {
  EventPrintContext context{state.option(TraceOption::kSymOffset),
                            state.option(TraceOption::kSymAddr)};
  if (event.print) event.print(payload.data(), payload.size(), context, out);
}

void print_function_message(OutputState& state, const Entry& entry, TextWriter& out) {
  const auto& record = entry.as<ring::FunctionRecord>();
  SymbolStyle style = symbol_style(state);
  print_symbol(out, text_address(record.ip), style);
  if (state.option(TraceOption::kPrintParent)) {
    out.put(" <-");
    print_symbol(out, text_address(record.parent_ip), style);
  }
}

// options/raw: numbers only, as Linux's raw output functions print them.
void print_raw(OutputState& state, const Entry& entry, TextWriter& out) {
  if (state.option(TraceOption::kContextInfo)) {
    out.sdec(entry.pid).put(' ').dec(entry.cpu).put(' ').dec(entry.timestamp).put(' ');
  }
  if (entry.type == RecordType::kFunction) {
    const auto& record = entry.as<ring::FunctionRecord>();
    out.hex(text_address(record.ip)).put(' ').hex(text_address(record.parent_ip)).put('\n');
    return;
  }
  Span<const u8> payload = event_payload(entry);
  u16 type = event_type(payload);
  if (type == kEventPrint) {
    StringView text = marker_text(payload);
    out.put("# ").hex(marker_ip(payload)).put(' ').put(text);
    if (text.empty() || text.back() != '\n') out.put('\n');
    return;
  }
  out.put("type: ").dec(type).put('\n');
}

// options/hex: each field as hex digits and a space; events without a hex form print their
// type, and every entry ends with an empty line, as Linux's.
void print_hex(OutputState& state, const Entry& entry, TextWriter& out) {
  if (state.option(TraceOption::kContextInfo)) {
    out.hex(static_cast<u32>(entry.pid), 8).put(' ').hex(entry.cpu, 8).put(' ');
    out.hex(entry.timestamp, 16).put(' ');
  }
  if (entry.type == RecordType::kFunction) {
    const auto& record = entry.as<ring::FunctionRecord>();
    out.hex(text_address(record.ip), 16).put(' ').hex(text_address(record.parent_ip), 16);
    out.put(" \n");
    return;
  }
  out.put("type: ").dec(event_type(event_payload(entry))).put("\n\n");
}

}  // namespace

void print_event_message(OutputState& state, const Entry& entry, TextWriter& out) {
  Span<const u8> payload = event_payload(entry);
  u16 type = event_type(payload);
  if (type == kEventPrint) {
    out.put("tracing_mark_write");
    if (state.option(TraceOption::kSymAddr)) out.put(" <").hex(marker_ip(payload), 16).put('>');
    out.put(": ").put(marker_text(payload).strip_newline());
    return;
  }
  if (type == kEventKernelStack) return print_stack_trace(payload, symbol_style(state), out);
  if (type == kEventContextSwitch || type == kEventWakeup)
    return print_ctxwake(payload, type == kEventContextSwitch, out);
  const EventDefinition* event = find_event(type);
  if (!event) {
    // A dynamic event (kprobe): its definition prints it.
    const ProbeEvent* probe = tracing() ? tracing()->probes().find(type) : nullptr;
    if (!probe) {
      out.put("type: ").dec(type);
      return;
    }
    out.put(probe->event().name).put(": ");
    probe->print(payload.data(), payload.size(), out);
    return;
  }
  out.put(event->name).put(": ");
  print_event_body(state, *event, payload, out);
}

void print_event_comment(OutputState& state, const Entry& entry, TextWriter& out) {
  Span<const u8> payload = event_payload(entry);
  if (event_type(payload) == kEventPrint) {
    out.put(marker_text(payload).strip_newline());
    return;
  }
  print_event_message(state, entry, out);
}

bool print_default_entry(OutputState& state, ring::TraceBuffer::Iterator& it, TextWriter& out) {
  Entry entry;
  if (!it.peek(entry)) return false;
  bool printable = entry.type == RecordType::kFunction || entry.type == RecordType::kEvent;
  if (printable) {
    if (state.option(TraceOption::kHex)) {
      print_hex(state, entry, out);
    } else if (state.option(TraceOption::kRaw)) {
      print_raw(state, entry, out);
    } else {
      if (state.option(TraceOption::kContextInfo)) {
        if (state.option(TraceOption::kLatencyFormat))
          print_latency_context(state, entry, out);
        else
          print_context(state, entry, out);
      }
      if (entry.type == RecordType::kFunction)
        print_function_message(state, entry, out);
      else
        print_event_message(state, entry, out);
      out.put('\n');
    }
  }
  it.advance();
  return printable;
}

}  // namespace tg::trace
