#include "trace/ProbeEvents.h"

#include "Platform.h"
#include "trace/CommCache.h"
#include "trace/RecordWriter.h"
#include "trace/Symbols.h"
#include "trace/Tracing.h"

namespace tg::trace {

namespace {

// Longest string one argument records (Linux allows up to PATH_MAX), and the largest
// payload one hit may build on the recording CPU's stack.
constexpr usize kMaxStringBytes = 256;
constexpr usize kMaxPayload = 1024;
constexpr u16 kProbeIpOffset = 8;
// The register index of $argN for N = 1..6 (rdi rsi rdx rcx r8 r9), in ProbeHit order.
constexpr u32 kArgumentRegisters[] = {9, 10, 11, 12, 8, 7};
constexpr u32 kSavedRegisters = 15;
constexpr u32 kRegisterIp = 15;
constexpr u32 kRegisterSp = 16;

bool read_memory(u64 address, void* out, usize size) {
  return platform().read_memory && platform().read_memory(address, out, size);
}

StringView print_format(FetchType type) {
  switch (type) {
    case FetchType::kU8:
    case FetchType::kU16:
    case FetchType::kU32:
      return "%u";
    case FetchType::kU64:
      return "%Lu";
    case FetchType::kS8:
    case FetchType::kS16:
    case FetchType::kS32:
      return "%d";
    case FetchType::kS64:
      return "%Ld";
    case FetchType::kX8:
    case FetchType::kX16:
    case FetchType::kX32:
      return "0x%x";
    case FetchType::kX64:
      return "0x%Lx";
    case FetchType::kString:
      return "\\\"%s\\\"";
    case FetchType::kSymbol:
      return "%pS";
    case FetchType::kChar:
      return "'%c'";
  }
  return "";
}

bool base_value(const FetchArg& arg, const ProbeHit& hit, u64& value) {
  switch (arg.op) {
    case FetchOp::kRegister:
      if (arg.param < kSavedRegisters) value = hit.registers[arg.param];
      if (arg.param == kRegisterIp) value = hit.ip;
      if (arg.param == kRegisterSp) value = hit.sp;
      return true;
    case FetchOp::kArgument:
      if (arg.param < 6) {
        value = hit.registers[kArgumentRegisters[arg.param]];
        return true;
      }
      // The seventh argument on is on the stack, above the return address.
      return read_memory(hit.sp + 8 * (arg.param - 6 + 1), &value, 8);
    case FetchOp::kEntryArgument:
      if (!hit.entry_args) return false;
      if (arg.param < kEntryArguments) {
        value = hit.entry_args[arg.param];
        return true;
      }
      // Later stack arguments are read at the return, from the caller's frame the entry saw.
      return read_memory(hit.entry_sp + 8 * (arg.param - 6 + 1), &value, 8);
    case FetchOp::kStack:
      return read_memory(hit.sp + 8 * u64{arg.param}, &value, 8);
    case FetchOp::kStackPointer:
      value = hit.sp;
      return true;
    case FetchOp::kReturnValue:
      value = hit.retval;
      return true;
    case FetchOp::kImmediate:
      value = arg.immediate;
      return true;
    case FetchOp::kComm:
      return false;
  }
  return false;
}

u64 truncate_to(u64 value, u32 size) {
  return size >= 8 ? value : value & ((u64{1} << (size * 8)) - 1);
}

// A string at `address`, NUL included, into `out`; its length, or 0 on a fault.
usize read_string(u64 address, u8* out, usize capacity) {
  usize n = 0;
  while (n + 1 < capacity) {
    u8 c;
    if (!read_memory(address + n, &c, 1)) return 0;
    out[n++] = c;
    if (c == 0) return n;
  }
  out[n++] = 0;
  return n;
}

template <typename T>
T load(const u8* at) {
  T value;
  memcpy(&value, at, sizeof value);
  return value;
}

// `args`/`room`: the arguments' part of the payload; a string's data_loc counts from the
// payload's start.
void print_element(const FetchArg& arg, const u8* field, const u8* payload, usize size,
                   TextWriter& out) {
  u32 width = fetch_type_size(arg.type);
  u64 raw = 0;
  memcpy(&raw, field, width);
  switch (arg.type) {
    case FetchType::kU8:
    case FetchType::kU16:
    case FetchType::kU32:
    case FetchType::kU64:
      out.dec(raw);
      return;
    case FetchType::kS8:
      out.sdec(static_cast<i8>(raw));
      return;
    case FetchType::kS16:
      out.sdec(static_cast<i16>(raw));
      return;
    case FetchType::kS32:
      out.sdec(static_cast<i32>(raw));
      return;
    case FetchType::kS64:
      out.sdec(static_cast<i64>(raw));
      return;
    case FetchType::kX8:
    case FetchType::kX16:
    case FetchType::kX32:
    case FetchType::kX64:
      out.put("0x").hex(raw);
      return;
    case FetchType::kSymbol:
      print_symbol(out, raw, {.offset = true});
      return;
    case FetchType::kChar:
      out.put('\'').put(static_cast<char>(raw)).put('\'');
      return;
    case FetchType::kString: {
      u32 location = load<u32>(field);
      usize offset = location & 0xffff;
      usize length = location >> 16;
      if (length == 0 || offset + length > size) {
        out.put("(fault)");
        return;
      }
      StringView text(reinterpret_cast<const char*>(payload) + offset, length);
      if (!text.empty() && text.back() == '\0') text = text.drop_back(1);
      out.put('"').put(text).put('"');
      return;
    }
  }
}

// One argument: its value, or an array's elements as {a,b,c}.
void print_value(const FetchArg& arg, const u8* args, usize room, const u8* payload, usize size,
                 TextWriter& out) {
  u32 width = fetch_type_size(arg.type);
  u32 count = arg.count ? arg.count : 1;
  if (arg.field_offset + width * count > room) return;
  const u8* field = args + arg.field_offset;
  if (!arg.count) return print_element(arg, field, payload, size, out);
  out.put('{');
  for (u32 i = 0; i < count; ++i) {
    print_element(arg, field + i * width, payload, size, out);
    out.put(i + 1 == count ? '}' : ',');
  }
}

// The command as Linux rebuilds it for error_log: words joined by one space.
void join_words(StringView line, String& out) {
  out.clear();
  usize i = 0;
  while (i < line.size()) {
    while (i < line.size() && StringView::is_space(line[i])) ++i;
    usize start = i;
    while (i < line.size() && !StringView::is_space(line[i])) ++i;
    if (i == start) break;
    if (!out.empty()) (void)out.append(' ');
    (void)out.append(line.substr(start, i - start));
  }
}

// Which file lists (and clears) an event: dynamic_events every one, kprobe_events its
// kprobes, synthetic_events its synthetic events.
bool belongs_to(const ProbeEvent& probe, ProbeSyntax syntax) {
  ProbeKind kind = probe.definition().kind;
  if (syntax == ProbeSyntax::kSyntheticEvents) return is_synthetic(kind);
  return syntax == ProbeSyntax::kDynamicEvents ||
         !(is_fprobe(kind) || is_tprobe(kind) || is_synthetic(kind));
}

// Where a synthetic event's errors are logged, whichever file the line went to.
constexpr StringView kSynthLogName = "synthetic_events";

}  // namespace

// ---- ProbeEvent ----

Result<OwnPtr<ProbeEvent>> ProbeEvent::create(ProbeDefinition definition, u16 id) {
  OwnPtr<ProbeEvent> probe(tg::create<ProbeEvent>());
  if (!probe) return Errno::kNoMem;
  ProbeEvent& p = *probe;
  p.definition_ = move(definition);
  const ProbeDefinition& d = p.definition_;
  if (trace::is_synthetic(d.kind)) {
    TRY(p.describe_synthetic());
    p.set_event(id);
    return probe;
  }
  p.breakpoint_ = d.kind == ProbeKind::kKprobe && d.offset != 0 && !is_function_entry(d.address);
  bool returning = is_return_probe(d.kind);
  u16 head = returning ? 16 : 8;
  if (returning) {
    TRY(p.fields_.append({"unsigned long __probe_func", kProbeIpOffset, 8, false}));
    TRY(p.fields_.append({"unsigned long __probe_ret_ip", kProbeIpOffset + 8, 8, false}));
  } else {
    TRY(p.fields_.append({"unsigned long __probe_ip", kProbeIpOffset, 8, false}));
  }
  TRY(p.declarations_.reserve(d.args.size()));
  TextWriter fmt(p.print_fmt_);
  fmt.put(returning ? "\"(%lx <- %lx)" : "\"(%lx)");
  for (const FetchArg& arg : d.args) {
    String declaration;
    TextWriter text(declaration);
    text.put(fetch_type_declaration(arg.type)).put(' ').put(arg.name.view());
    if (arg.count) text.put('[').dec(arg.count).put(']');
    if (!text.ok()) return Errno::kNoMem;
    TRY(p.declarations_.append(move(declaration)));
    fmt.put(' ').put(arg.name.view()).put('=');
    if (!arg.count) {
      fmt.put(print_format(arg.type));
      continue;
    }
    fmt.put('{');
    for (u32 i = 0; i < arg.count; ++i) fmt.put(i ? "," : "").put(print_format(arg.type));
    fmt.put('}');
  }
  fmt.put(returning ? "\", REC->__probe_func, REC->__probe_ret_ip" : "\", REC->__probe_ip");
  for (usize i = 0; i < d.args.size(); ++i) {
    const FetchArg& arg = d.args[i];
    u32 count = arg.count ? arg.count : 1;
    TRY(p.fields_.append({p.declarations_[i].view(), static_cast<u16>(8 + head + arg.field_offset),
                          static_cast<u16>(fetch_type_size(arg.type) * count),
                          fetch_type_signed(arg.type)}));
    if (arg.count) {
      for (u32 j = 0; j < arg.count; ++j)
        fmt.put(", REC->").put(arg.name.view()).put('[').dec(j).put(']');
    } else if (arg.type == FetchType::kString)
      fmt.put(", __get_str(").put(arg.name.view()).put(')');
    else
      fmt.put(", REC->").put(arg.name.view());
  }
  if (!fmt.ok()) return Errno::kNoMem;
  p.fixed_size_ = static_cast<u16>(8 + head + d.args_size);
  p.set_event(id);
  return probe;
}

void probe_entry_arguments(const u64* registers, u64 sp, u64 (&out)[kEntryArguments]) {
  for (usize i = 0; i < 6; ++i) out[i] = registers[kArgumentRegisters[i]];
  for (usize i = 6; i < kEntryArguments; ++i)
    if (!read_memory(sp + 8 * (i - 6 + 1), &out[i], 8)) out[i] = 0;
}

void ProbeEvent::set_event(u16 id) {
  event_.system = definition_.group.view();
  event_.name = definition_.event.view();
  event_.id = id;
  event_.fields = fields_.span();
  event_.print_fmt = print_fmt_.view();
  event_.payload_size = fixed_size_;
  event_.ftrace_internal = false;
  event_.print = nullptr;
}

// The format of a synthetic event as Linux's synth_event_define_fields and
// set_synth_event_print_fmt make it: an array's brackets after the field's name, each value
// printed with its type's format.
Status ProbeEvent::describe_synthetic() {
  const SynthDefinition& synth = definition_.synth;
  TRY(declarations_.reserve(synth.fields.size()));
  TextWriter fmt(print_fmt_);
  fmt.put('"');
  for (usize i = 0; i < synth.fields.size(); ++i) {
    const SynthField& field = synth.fields[i];
    String declaration;
    TextWriter text(declaration);
    StringView type = field.type.view();
    usize bracket = field.is_dynamic ? StringView::npos : type.find('[');
    if (bracket == StringView::npos)
      text.put(type).put(' ').put(field.name.view());
    else
      text.put(type.substr(0, bracket))
          .put(' ')
          .put(field.name.view())
          .put(type.drop_front(bracket));
    if (!text.ok()) return Errno::kNoMem;
    TRY(declarations_.append(move(declaration)));
    TRY(fields_.append({declarations_[i].view(), field.offset, field.size, field.is_signed}));
    fmt.put(field.name.view()).put('=').put(synth_print_format(field));
    fmt.put(i + 1 == synth.fields.size() ? "" : ", ");
  }
  fmt.put('"');
  for (const SynthField& field : synth.fields) {
    if (field.is_string && field.is_dynamic)
      fmt.put(", __get_str(").put(field.name.view()).put(')');
    else if (field.is_stack)
      fmt.put(", __get_stacktrace(").put(field.name.view()).put(')');
    else
      fmt.put(", REC->").put(field.name.view());
  }
  if (!fmt.ok()) return Errno::kNoMem;
  fixed_size_ = synth.payload_size;
  return {};
}

usize ProbeEvent::build_payload(const RecordContext& ctx, const ProbeHit& hit, u8* payload,
                                usize capacity) const {
  if (fixed_size_ > capacity) return 0;
  memset(payload, 0, fixed_size_);
  usize size = fixed_size_;
  u8* args = payload + 8;
  if (is_return()) {
    memcpy(args, &definition_.address, 8);
    memcpy(args + 8, &hit.ret_ip, 8);
    args += 16;
  } else {
    // A tracepoint probe's point is where the kernel hit the tracepoint.
    u64 ip = is_tprobe(definition_.kind) ? hit.ip : definition_.address;
    memcpy(args, &ip, 8);
    args += 8;
  }
  for (const FetchArg& arg : definition_.args) {
    u8* field = args + arg.field_offset;
    u32 width = fetch_type_size(arg.type);
    if (arg.type == FetchType::kString) {
      usize length = 0;
      u8* destination = payload + size;
      usize room = capacity - size < kMaxStringBytes ? capacity - size : kMaxStringBytes;
      if (arg.op == FetchOp::kComm) {
        char comm[kCommLength];
        StringView name = find_comm(ctx.pid, comm);
        if (room > name.size()) {
          memcpy(destination, name.data(), name.size());
          destination[name.size()] = 0;
          length = name.size() + 1;
        }
      } else {
        u64 value;
        bool ok = base_value(arg, hit, value);
        for (u32 i = 0; ok && i + 1 < arg.derefs; ++i)
          ok = read_memory(value + static_cast<u64>(arg.offsets[i]), &value, 8);
        if (ok && room > 1)
          length =
              read_string(value + static_cast<u64>(arg.offsets[arg.derefs - 1]), destination, room);
      }
      u32 location = static_cast<u32>((length << 16) | (length ? size : 0));
      memcpy(field, &location, 4);
      size += length;
      continue;
    }
    if (arg.count) {
      // Each element from its own address, as Linux's array loop; one that faults stays 0.
      u64 value = 0;
      bool ok = base_value(arg, hit, value);
      for (u32 i = 0; ok && i + 1 < arg.derefs; ++i)
        ok = read_memory(value + static_cast<u64>(arg.offsets[i]), &value, 8);
      if (!ok) continue;
      u64 address = value + static_cast<u64>(arg.offsets[arg.derefs - 1]);
      for (u32 i = 0; i < arg.count; ++i) {
        u64 element = 0;
        if (!read_memory(address + u64{i} * width, &element, width)) continue;
        if (arg.bit_width)
          element = (element << (64 - (arg.bit_width + arg.bit_offset))) >> (64 - arg.bit_width);
        memcpy(field + i * width, &element, width);
      }
      continue;
    }
    u64 value = 0;
    bool ok = base_value(arg, hit, value);
    for (u32 i = 0; ok && i < arg.derefs; ++i) {
      u64 address = value + static_cast<u64>(arg.offsets[i]);
      value = 0;
      ok = read_memory(address, &value, i + 1 == arg.derefs ? width : 8);
    }
    if (!ok) continue;  // a failed fetch records zero, as Linux's zeroed field
    value = truncate_to(value, width);
    if (arg.bit_width) {
      // b<width>@<offset>/<size>: the field's bits, shifted down.
      value = (value << (64 - (arg.bit_width + arg.bit_offset))) >> (64 - arg.bit_width);
    }
    memcpy(field, &value, width);
  }
  return size;
}

void ProbeEvent::fire(Tracing& tracing, const RecordContext& ctx, const ProbeHit& hit) {
  u8 payload[kMaxPayload];
  usize size = 0;
  bool counted = false;
  tracing.for_each_recorder([&](TraceInstance& instance) {
    bool enabled = instance.event_enabled(id());
    bool triggered = instance.triggers().has(id());
    if ((!enabled && !triggered) || !instance.event_pid_allowed(ctx.pid)) return;
    if (!counted) {
      counted = true;
      hits_.fetch_add(1, MemoryOrder::kRelaxed);
      size = build_payload(ctx, hit, payload, sizeof payload);
      EventCommon common = {id(), ctx.flags, ctx.preempt, ctx.pid};
      if (size) memcpy(payload, &common, sizeof common);
    }
    if (!size) {
      misses_.fetch_add(1, MemoryOrder::kRelaxed);
      return;
    }
    if (enabled && instance.event_passes(id(), payload, size)) record(instance, ctx, payload, size);
    if (triggered) instance.triggers().fire(instance, ctx, id(), payload, size);
  });
}

void ProbeEvent::fire_synthetic(TraceInstance& instance, const RecordContext& ctx,
                                const SynthValue* values) {
  bool enabled = instance.event_enabled(id());
  bool triggered = instance.triggers().has(id());
  if (!enabled && !triggered) return;
  u8 payload[kMaxPayload + 2 * kMaxStringBytes];
  usize size = build_synth_payload(definition_.synth, values, payload, sizeof payload);
  if (!size) {
    misses_.fetch_add(1, MemoryOrder::kRelaxed);
    return;
  }
  hits_.fetch_add(1, MemoryOrder::kRelaxed);
  EventCommon common = {id(), ctx.flags, ctx.preempt, ctx.pid};
  memcpy(payload, &common, sizeof common);
  if (enabled && instance.event_passes(id(), payload, size)) record(instance, ctx, payload, size);
  if (triggered) instance.triggers().fire(instance, ctx, id(), payload, size);
}

void ProbeEvent::record(TraceInstance& instance, const RecordContext& ctx, const u8* payload,
                        usize size) {
  usize padded = (size + 3) & ~usize{3};
  u32* record = begin_record(instance, ctx, ring::RecordType::kEvent,
                             sizeof(ring::EventRecord) + padded, instance.now());
  if (!record) {
    if (instance.tracing_on()) misses_.fetch_add(1, MemoryOrder::kRelaxed);
    return;
  }
  record_cast<ring::EventRecord>(record)->size = static_cast<u32>(size);
  u8* destination = reinterpret_cast<u8*>(record) + sizeof(ring::EventRecord);
  memcpy(destination, payload, size);
  memset(destination + size, 0, padded - size);
  end_record(instance, ctx);
}

// Linux's print_kprobe_event / print_kretprobe_event: "(func+0x0/0x40) arg1=0x10" and
// "(caller+0x1c/0x50 <- func) arg1=0x0".
void ProbeEvent::print(const u8* payload, usize size, TextWriter& out) const {
  if (size < fixed_size_) return;
  if (is_synthetic()) return print_synth_payload(definition_.synth, payload, size, out);
  out.put('(');
  if (is_return()) {
    print_symbol(out, load<u64>(payload + kProbeIpOffset + 8), {.offset = true});
    out.put(" <- ");
    print_symbol(out, load<u64>(payload + kProbeIpOffset));
  } else {
    print_symbol(out, load<u64>(payload + kProbeIpOffset), {.offset = true});
  }
  out.put(')');
  const u8* args_base = payload + (is_return() ? 24 : 16);
  usize args_room = size - static_cast<usize>(args_base - payload);
  for (const FetchArg& arg : definition_.args) {
    out.put(' ').put(arg.name.view()).put('=');
    print_value(arg, args_base, args_room, payload, size, out);
  }
}

// ---- ProbeEvents ----

ProbeEvents::~ProbeEvents() {
  for (auto& slot : table_) slot.store(nullptr, MemoryOrder::kRelaxed);
}

ProbeEvent* ProbeEvents::find(u16 id) const {
  if (id < kFirstId || id >= kFirstId + kMaxProbes) return nullptr;
  return by_id_[id - kFirstId].load(MemoryOrder::kAcquire);
}

ProbeEvent* ProbeEvents::find(StringView group, StringView event) const {
  for (const auto& probe : probes_) {
    const ProbeDefinition& d = probe->definition();
    if (d.event.view() == event && (group.empty() || d.group.view() == group)) return probe.get();
  }
  return nullptr;
}

bool ProbeEvents::has_group(StringView group) const {
  for (const auto& probe : probes_)
    if (probe->definition().group.view() == group) return true;
  return false;
}

usize ProbeEvents::group_count() const {
  usize groups = 0;
  for (usize i = 0; i < probes_.size(); ++i) {
    bool seen = false;
    for (usize j = 0; j < i && !seen; ++j)
      seen = probes_[j]->definition().group.view() == probes_[i]->definition().group.view();
    groups += !seen;
  }
  return groups;
}

StringView ProbeEvents::group_name(usize group) const {
  usize groups = 0;
  for (usize i = 0; i < probes_.size(); ++i) {
    bool seen = false;
    for (usize j = 0; j < i && !seen; ++j)
      seen = probes_[j]->definition().group.view() == probes_[i]->definition().group.view();
    if (seen) continue;
    if (groups++ == group) return probes_[i]->definition().group.view();
  }
  return {};
}

usize ProbeEvents::group_size(usize group) const {
  StringView name = group_name(group);
  usize n = 0;
  for (const auto& probe : probes_)
    n += probe->definition().group.view() == name && is_first_point(*probe);
  return name.empty() ? 0 : n;
}

ProbeEvent* ProbeEvents::group_member(usize group, usize index) const {
  StringView name = group_name(group);
  if (name.empty()) return nullptr;
  for (const auto& probe : probes_)
    if (probe->definition().group.view() == name && is_first_point(*probe) && index-- == 0)
      return probe.get();
  return nullptr;
}

void ProbeEvents::set_enabled(TraceInstance& instance, ProbeEvent& probe, bool on) {
  if (on) {
    for (const auto& point : probes_)
      if (point->id() == probe.id())
        point->enabled_in.store(point->enabled_in.load() | (1u << instance.table_index()));
  }
  instance.set_event_enabled(probe.id(), on);
}

bool ProbeEvents::enabled_anywhere(Tracing& tracing, const ProbeEvent& probe) const {
  for (usize i = 0; i < tracing.instance_count(); ++i)
    if (tracing.instance_at(i).event_enabled(probe.id())) return true;
  return false;
}

bool ProbeEvents::has_probe_at(u64 ip) const {
  if (!any()) return false;
  u32 end = table_end_.load(MemoryOrder::kAcquire);
  for (u32 i = 0; i < end; ++i) {
    ProbeEvent* probe = table_[i].load(MemoryOrder::kAcquire);
    if (probe && probe->address() == ip) return true;
  }
  return false;
}

bool ProbeEvents::has_return_probe_at(u64 ip) const {
  u32 end = table_end_.load(MemoryOrder::kAcquire);
  for (u32 i = 0; i < end; ++i) {
    ProbeEvent* probe = table_[i].load(MemoryOrder::kAcquire);
    if (probe && probe->is_return() && probe->address() == ip) return true;
  }
  return false;
}

void ProbeEvents::fire(Tracing& tracing, const RecordContext& ctx, const ProbeHit& hit,
                       bool returning) {
  u32 end = table_end_.load(MemoryOrder::kAcquire);
  for (u32 i = 0; i < end; ++i) {
    ProbeEvent* probe = table_[i].load(MemoryOrder::kAcquire);
    if (probe && probe->address() == hit.ip && probe->is_return() == returning)
      probe->fire(tracing, ctx, hit);
  }
}

void ProbeEvents::fire_tracepoint(Tracing& tracing, const RecordContext& ctx, u16 event,
                                  const u64* args, usize count, u64 site) {
  // The arguments where $argN reads them: the argument registers of a call.
  u64 registers[kSavedRegisters] = {};
  for (usize i = 0; i < count && i < sizeof kArgumentRegisters / sizeof kArgumentRegisters[0]; ++i)
    registers[kArgumentRegisters[i]] = args[i];
  ProbeHit hit{registers, site, reinterpret_cast<u64>(registers), 0, 0};
  u32 end = table_end_.load(MemoryOrder::kAcquire);
  for (u32 i = 0; i < end; ++i) {
    ProbeEvent* probe = table_[i].load(MemoryOrder::kAcquire);
    if (probe && is_tprobe(probe->definition().kind) && probe->definition().tracepoint == event)
      probe->fire(tracing, ctx, hit);
  }
}

Status ProbeEvents::add(Tracing& tracing, ProbeDefinition definition, ProbeEvent* event) {
  usize slot = 0;
  while (slot < kMaxProbes && table_[slot].load(MemoryOrder::kRelaxed)) ++slot;
  if (slot == kMaxProbes) return Errno::kNoSpc;
  // A new event takes the lowest free id; another point takes its event's.
  usize id = 0;
  if (event) {
    id = event->id() - kFirstId;
  } else {
    while (id < kMaxProbes && by_id_[id].load(MemoryOrder::kRelaxed)) ++id;
    if (id == kMaxProbes) return Errno::kNoSpc;
  }
  bool new_group = !has_group(definition.group.view());
  OwnPtr<ProbeEvent> probe =
      TRY(ProbeEvent::create(move(definition), static_cast<u16>(kFirstId + id)));
  ProbeEvent* raw = probe.get();
  raw->slot = static_cast<u32>(slot);
  if (event) raw->enabled_in.store(event->enabled_in.load());
  TRY(probes_.append(move(probe)));
  if (!event) by_id_[id].store(raw, MemoryOrder::kRelease);
  // Whole before any recorder can find it.
  table_[slot].store(raw, MemoryOrder::kRelease);
  if (table_end_.load(MemoryOrder::kRelaxed) <= slot)
    table_end_.store(static_cast<u32>(slot + 1), MemoryOrder::kRelease);
  published_.fetch_add(1, MemoryOrder::kRelease);
  if (is_tprobe(raw->definition().kind)) tracepoint_probes_.fetch_add(1, MemoryOrder::kRelease);
  tracing.functions_changed();
  if (event) return {};  // the event and its directories are there already
  // Its directory in every instance's events/ (and its group's, if new), as Linux makes them.
  const ProbeDefinition& made = raw->definition();
  for (usize i = 0; i < tracing.instance_count(); ++i) {
    if (new_group) announce_directory(DirectoryKind::kEvent, made.group.view());
    announce_directory(DirectoryKind::kEvent, made.event.view());
  }
  return {};
}

void ProbeEvents::release(Tracing& tracing, usize index) {
  ProbeEvent& probe = *probes_[index];
  u32 slot = probe.slot;
  u32 enabled_in = probe.enabled_in.load();
  table_[slot].store(nullptr, MemoryOrder::kRelease);
  published_.fetch_sub(1, MemoryOrder::kRelease);
  if (is_tprobe(probe.definition().kind)) tracepoint_probes_.fetch_sub(1, MemoryOrder::kRelease);
  u32 end = table_end_.load(MemoryOrder::kRelaxed);
  while (end > 0 && !table_[end - 1].load(MemoryOrder::kRelaxed)) --end;
  table_end_.store(end, MemoryOrder::kRelease);
  tracing.functions_changed();
  // No recorder is inside the probe once every CPU has left the recording path.
  synchronize_writers();
  // One point of several goes: the event stays, with its other points.
  ProbeEvent* other = nullptr;
  for (const auto& point : probes_)
    if (point.get() != &probe && point->id() == probe.id()) other = other ? other : point.get();
  if (other) {
    if (find(probe.id()) == &probe)
      by_id_[probe.id() - kFirstId].store(other, MemoryOrder::kRelease);
    probes_.remove(index);
    return;
  }
  by_id_[probe.id() - kFirstId].store(nullptr, MemoryOrder::kRelease);
  // Its id will name another probe: records of this one must not print as that one's, so
  // the buffers it wrote to are cleared, as Linux clears them when an event goes away.
  for (usize i = 0; i < tracing.instance_count(); ++i) {
    TraceInstance& instance = tracing.instance_at(i);
    instance.events().forget_dynamic(probe.id());
    if (!(enabled_in & (1u << instance.table_index()))) continue;
    auto& buffer = instance.buffer();
    for (u32 cpu = 0; cpu < buffer.cpu_count(); ++cpu) buffer.cpu(cpu).disable_recording();
    synchronize_writers();
    buffer.reset();
    for (u32 cpu = 0; cpu < buffer.cpu_count(); ++cpu) buffer.cpu(cpu).enable_recording();
  }
  probes_.remove(index);
}

// "-:EVENT" and "-:GROUP/EVENT" remove one event; "-:GROUP/" every event of the group, up
// to the first that is enabled (EBUSY), as Linux's dyn_event_release.
Status ProbeEvents::remove(Tracing& tracing, const ProbeRemoval& removal, ProbeSyntax syntax) {
  bool removed = false;
  for (usize i = 0; i < probes_.size();) {
    ProbeEvent& probe = *probes_[i];
    const ProbeDefinition& d = probe.definition();
    bool match = (removal.event.empty() || d.event.view() == removal.event.view()) &&
                 (removal.group.empty() || d.group.view() == removal.group.view()) &&
                 belongs_to(probe, syntax);
    if (match && !removal.point.empty() && !probe.is_synthetic()) {
      String point;
      TRY(format_probe_point(d, point));
      match = point.view() == removal.point.view();
    }
    if (!match) {
      ++i;
      continue;
    }
    if (in_use(tracing, probe)) return Errno::kBusy;
    release(tracing, i);
    removed = true;
  }
  return removed ? Status() : Status(Errno::kNoEnt);
}

Status ProbeEvents::clear(Tracing& tracing, ProbeSyntax syntax) {
  for (const auto& probe : probes_)
    if (belongs_to(*probe, syntax) && in_use(tracing, *probe)) return Errno::kBusy;
  for (usize i = probes_.size(); i > 0; --i)
    if (belongs_to(*probes_[i - 1], syntax)) release(tracing, i - 1);
  return {};
}

bool ProbeEvents::in_use(Tracing& tracing, const ProbeEvent& probe) const {
  if (probe.references || enabled_anywhere(tracing, probe)) return true;
  for (usize i = 0; i < tracing.instance_count(); ++i)
    if (tracing.instance_at(i).triggers().has(probe.id())) return true;
  return false;
}

// Linux's create_or_delete_synth_event (synthetic_events) and create_synth_event
// (dynamic_events' `s:`).
Status ProbeEvents::run_synthetic_line(Tracing& tracing, StringView line, ProbeSyntax syntax,
                                       ErrorLog& log, u64 now_ns) {
  bool dynamic = syntax == ProbeSyntax::kDynamicEvents;
  if (!dynamic && line[0] == '!') {
    usize end = 1;
    while (end < line.size() && !StringView::is_space(line[end])) ++end;
    ProbeEvent* probe = find("synthetic", line.substr(1, end - 1));
    if (!probe || !probe->is_synthetic()) return Errno::kNoEnt;
    if (in_use(tracing, *probe)) return Errno::kBusy;
    for (usize i = 0; i < probes_.size(); ++i)
      if (probes_[i].get() == probe) release(tracing, i);
    return {};
  }
  ProbeDefinition definition;
  definition.kind = ProbeKind::kSynthetic;
  SynthParseError error;
  Status parsed = parse_synth_definition(line, dynamic, definition.synth, error);
  if (!parsed.ok()) {
    if (error.code != SynthError::kNone)
      log.add(now_ns, kSynthLogName, synth_error_text(error.code), line, error.caret);
    return parsed;
  }
  ProbeEvent* existing = find("synthetic", definition.synth.name.view());
  if (existing && existing->is_synthetic()) {
    usize name_at = line.find(definition.synth.name.view());
    log.add(now_ns, kSynthLogName, synth_error_text(SynthError::kEventExists), line,
            name_at == StringView::npos ? 0 : name_at);
    return Errno::kExist;
  }
  TRY(definition.group.append("synthetic"));
  TRY(definition.event.append(definition.synth.name.view()));
  return add(tracing, move(definition), nullptr);
}

Status ProbeEvents::run_line(Tracing& tracing, StringView line, ProbeSyntax syntax, ErrorLog& log,
                             u64 now_ns) {
  if (syntax == ProbeSyntax::kSyntheticEvents ||
      (syntax == ProbeSyntax::kDynamicEvents && line.starts_with("s:")))
    return run_synthetic_line(tracing, line, syntax, log, now_ns);
  if (line[0] == '-' || (syntax == ProbeSyntax::kDynamicEvents && line[0] == '!')) {
    ProbeRemoval removal;
    TRY(parse_probe_removal(line, removal));
    return remove(tracing, removal, syntax);
  }
  ProbeDefinition definition;
  ProbeParseError error;
  Status parsed = parse_probe_definition(line, syntax, definition, error);
  if (!parsed.ok()) {
    if (error.code != ProbeError::kNone)
      log.add(now_ns, error.where, probe_error_text(error.code), error.command.view(), error.caret);
    return parsed;
  }
  ProbeEvent* existing = find(definition.group.view(), definition.event.view());
  if (existing) {
    existing = find(existing->id());
    TRY(check_append(*existing, definition, line, log, now_ns));
  }
  return add(tracing, move(definition), existing);
}

// Linux's append checks, in its order: the same kind of probe (entry or return, kprobe or
// fprobe or tprobe), the same arguments (names and types: the event's fields), and not a
// point the event has already.
Status ProbeEvents::check_append(const ProbeEvent& event, const ProbeDefinition& definition,
                                 StringView line, ErrorLog& log, u64 now_ns) const {
  const ProbeDefinition& old = event.definition();
  auto family = [](ProbeKind kind) { return is_tprobe(kind) ? 2 : is_fprobe(kind) ? 1 : 0; };
  ProbeError code = ProbeError::kNone;
  usize index = 0;
  if (event.is_return() != is_return_probe(definition.kind) ||
      family(old.kind) != family(definition.kind)) {
    code = ProbeError::kDiffProbeType;
  } else if (old.args.size() != definition.args.size()) {
    code = ProbeError::kDiffArgType;
    index =
        (old.args.size() < definition.args.size() ? old.args.size() : definition.args.size()) + 2;
  } else {
    for (usize i = 0; i < old.args.size() && code == ProbeError::kNone; ++i) {
      if (!(old.args[i].name.view() == definition.args[i].name.view()) ||
          old.args[i].type != definition.args[i].type ||
          old.args[i].count != definition.args[i].count) {
        code = ProbeError::kDiffArgType;
        index = i + 2;
      }
    }
  }
  // The same point with the same fetch expressions is there already.
  if (code == ProbeError::kNone) {
    String line_of_it;
    TRY(format_probe_definition(definition, line_of_it));
    for (const auto& other : probes_) {
      if (other->id() != event.id()) continue;
      String existing;
      TRY(format_probe_definition(other->definition(), existing));
      if (existing.view() == line_of_it.view()) code = ProbeError::kSameProbe;
    }
  }
  if (code == ProbeError::kNone) return {};
  String command;
  join_words(line, command);
  usize caret = 0;
  for (usize word = 0, at = 0; word < index && at < command.size(); ++word) {
    usize space = command.view().find(' ', at);
    at = space == StringView::npos ? command.size() : space + 1;
    caret = at;
  }
  log.add(
      now_ns,
      is_fprobe(definition.kind) || is_tprobe(definition.kind) ? "trace_fprobe" : "trace_kprobe",
      probe_error_text(code), command.view(), caret);
  return Errno::kExist;
}

Result<usize> ProbeEvents::write(Tracing& tracing, StringView data, ProbeSyntax syntax,
                                 ErrorLog& log, u64 now_ns) {
  usize at = 0;
  while (at < data.size()) {
    usize end = data.find('\n', at);
    if (end == StringView::npos) end = data.size();
    StringView line = data.substr(at, end - at);
    usize comment = line.find('#');
    if (comment != StringView::npos) line = line.substr(0, comment);
    line = line.trim();
    if (!line.empty()) TRY(run_line(tracing, line, syntax, log, now_ns));
    at = end + 1;
  }
  return data.size();
}

Status ProbeEvents::show(ProbeSyntax syntax, String& out) const {
  for (const auto& probe : probes_) {
    if (!belongs_to(*probe, syntax)) continue;
    if (syntax == ProbeSyntax::kSyntheticEvents) {
      // Linux's synth_events_seq_show: "NAME\tFIELDS".
      TRY(out.append(probe->definition().event.view()));
      TRY(out.append('\t'));
      TRY(format_synth_fields(probe->synth(), out));
      TRY(out.append('\n'));
      continue;
    }
    TRY(format_probe_definition(probe->definition(), out));
    TRY(out.append('\n'));
  }
  return {};
}

void print_probe_profile_line(const ProbeEvent& probe, TextWriter& out) {
  out.put("  ").left(probe.definition().event.view(), 44).put(' ');
  out.dec(probe.hits(), 15).put(' ').dec(probe.misses(), 15).put('\n');
}

Status ProbeEvents::show_profile(String& out) const {
  TextWriter writer(out);
  for (const auto& probe : probes_) {
    ProbeKind kind = probe->definition().kind;
    if (!is_fprobe(kind) && !is_tprobe(kind) && !is_synthetic(kind))
      print_probe_profile_line(*probe, writer);
  }
  return writer.ok() ? Status() : Status(Errno::kNoMem);
}

}  // namespace tg::trace
