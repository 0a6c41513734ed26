#include "trace/ProbeDefinition.h"

#include "Platform.h"
#include "support/TextWriter.h"
#include "trace/EventCatalog.h"

namespace tg::trace {

namespace {

// Linux's limits (trace.h, trace_probe.h, kprobes.h).
constexpr usize kMaxEventNameLen = 64;
constexpr usize kMaxArgNameLen = 32;
constexpr usize kMaxArgStrLen = 63;
constexpr usize kMaxTraceArgs = 128;
constexpr u64 kMaxActiveMax = 4096;
// FETCH_INSN_MAX: the last slot ends the program.
constexpr u32 kFetchInsnEnd = 15;
// THREAD_SIZE / sizeof(long) with 16 KiB stacks.
constexpr u64 kParamMaxStack = 16384 / 8;

constexpr StringView kErrorTexts[] = {
    "",
    "Maxactive is not for kprobe",
    "Invalid maxactive number",
    "Maxactive is too big",
    "Invalid probed address or symbol",
    "Retprobe address must be an function entry",
    "Invalid probed address suffix",
    "Group name is not specified",
    "Group name is too long",
    "Group name must follow the same rules as C identifiers",
    "Event name is not specified",
    "Event name is too long",
    "Event name must follow the same rules as C identifiers",
    "$retval is not available on probe",
    "Invalid stack number",
    "Invalid argument number",
    "Invalid $-variable specified",
    "Invalid register name",
    "Invalid memory address",
    "File offset is not available with kprobe",
    "Dereference is too much nested",
    "Dereference needs a brace",
    "Invalid dereference offset",
    "Dereference brace is not closed",
    "$comm can not be dereferenced",
    "Invalid fetch argument",
    "Unknown type is specified",
    "String accepts only memory argument",
    "Invalid bitfield",
    "Array is not closed",
    "Array has wrong suffix",
    "Invalid array size",
    "Array number is too big",
    "Event too big (too many fields?)",
    "BTF is not available or not supported",
    "Maxactive is only for function exit",
    "Tracepoint is not found",
    "Invalid character in tracepoint name",
    "Argument name is too long",
    "Argument name is not specified",
    "Argument name must follow the same rules as C identifiers",
    "This argument name is already used",
    "Argument expression is too long",
    "No argument expression",
    "Too many arguments are specified",
    "Probe point is not an instruction boundary",
    "Failed to register probe event",
    "Probe type is different from existing probe",
    "Argument type or name is different from existing probe",
    "There is already the exact same probe event",
    "$arg* can be used only on function entry or exit",
};
static_assert(sizeof kErrorTexts / sizeof kErrorTexts[0] ==
              static_cast<usize>(ProbeError::kNoFentryArgs) + 1);

constexpr StringView kRegisterNames[kProbeRegisterCount] = {
    "r15", "r14", "r13", "r12", "bx", "r11", "r10", "r9", "r8",
    "di",  "si",  "dx",  "cx",  "ax", "bp",  "ip",  "sp",
};

struct TypeRow {
  StringView name;
  FetchType type;
  u8 size;
  bool is_signed;
  StringView declaration;
};
constexpr TypeRow kTypes[] = {
    {"u8", FetchType::kU8, 1, false, "u8"},
    {"u16", FetchType::kU16, 2, false, "u16"},
    {"u32", FetchType::kU32, 4, false, "u32"},
    {"u64", FetchType::kU64, 8, false, "u64"},
    {"s8", FetchType::kS8, 1, true, "s8"},
    {"s16", FetchType::kS16, 2, true, "s16"},
    {"s32", FetchType::kS32, 4, true, "s32"},
    {"s64", FetchType::kS64, 8, true, "s64"},
    {"x8", FetchType::kX8, 1, false, "u8"},
    {"x16", FetchType::kX16, 2, false, "u16"},
    {"x32", FetchType::kX32, 4, false, "u32"},
    {"x64", FetchType::kX64, 8, false, "u64"},
    {"string", FetchType::kString, 4, false, "__data_loc char[]"},
    {"symbol", FetchType::kSymbol, 8, false, "u64"},
    {"char", FetchType::kChar, 1, false, "u8"},
};
const TypeRow& type_row(FetchType type) {
  return kTypes[static_cast<usize>(type)];
}

constexpr StringView kReservedFields[] = {
    "common_type", "common_flags", "common_preempt_count", "common_pid",
    "common_tgid", "__probe_ip",   "__probe_ret_ip",       "__probe_func",
};

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}
bool is_alpha(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

// Linux's is_good_name: a C identifier.
bool is_good_name(StringView name) {
  if (name.empty() || !(is_alpha(name[0]) || name[0] == '_')) return false;
  for (char c : name.drop_front(1))
    if (!(is_alpha(c) || is_digit(c) || c == '_')) return false;
  return true;
}

int digit_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return 99;
}

// kstrtoull: base 0 picks 0x (16), 0 (8) or 10; one trailing newline is not expected here
// (the words carry none); anything else fails.
bool parse_u64(StringView text, u32 base, u64& out) {
  if (base == 0) {
    base = 10;
    if (text.size() >= 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X')) {
      base = 16;
      text = text.drop_front(2);
    } else if (text.size() >= 1 && text[0] == '0') {
      base = 8;
    }
  } else if (base == 16 && text.size() >= 2 && text[0] == '0' && (text[1] | 0x20) == 'x') {
    text = text.drop_front(2);
  }
  if (text.empty()) return false;
  u64 value = 0;
  for (char c : text) {
    int d = digit_value(c);
    if (d >= static_cast<int>(base)) return false;
    if (value > (~u64{0} - static_cast<u64>(d)) / base) return false;
    value = value * base + static_cast<u64>(d);
  }
  out = value;
  return true;
}

// kstrtol: an optional sign, then as parse_u64; range of a long.
bool parse_i64(StringView text, i64& out) {
  bool negative = false;
  if (!text.empty() && (text[0] == '-' || text[0] == '+')) {
    negative = text[0] == '-';
    text = text.drop_front(1);
  }
  u64 magnitude;
  if (!parse_u64(text, 0, magnitude)) return false;
  if (negative ? magnitude > (u64{1} << 63) : magnitude >= (u64{1} << 63)) return false;
  out = negative ? static_cast<i64>(0 - magnitude) : static_cast<i64>(magnitude);
  return true;
}

// simple_strtoul(s, &end, 0): digits as far as they go.
u64 leading_number(StringView text, usize& used) {
  u32 base = 10;
  usize at = 0;
  if (text.size() >= 2 && text[0] == '0' && (text[1] | 0x20) == 'x' && text.size() > 2 &&
      digit_value(text[2]) < 16) {
    base = 16;
    at = 2;
  } else if (!text.empty() && text[0] == '0') {
    base = 8;
  }
  u64 value = 0;
  while (at < text.size() && digit_value(text[at]) < static_cast<int>(base)) {
    value = value * base + static_cast<u64>(digit_value(text[at]));
    ++at;
  }
  used = at;
  return value;
}

const Symbol* symbol_named(StringView name) {
  for (const Symbol& symbol : platform().symbols)
    if (StringView(symbol.name) == name) return &symbol;
  return nullptr;
}

// The words of a line, as Linux's argv_split makes them, with their columns in the command
// Linux rebuilds for error_log (words joined by one space).
struct Words {
  static constexpr usize kMax = kMaxTraceArgs + 3;
  StringView word[kMax];
  usize column[kMax];
  usize count = 0;
  bool too_many = false;
};

void split_words(StringView line, Words& words) {
  usize column = 0;
  usize i = 0;
  while (i < line.size()) {
    while (i < line.size() && StringView::is_space(line[i])) ++i;
    usize start = i;
    while (i < line.size() && !StringView::is_space(line[i])) ++i;
    if (i == start) break;
    if (words.count == Words::kMax) {
      words.too_many = true;
      return;
    }
    words.word[words.count] = line.substr(start, i - start);
    words.column[words.count] = column;
    column += i - start + 1;
    ++words.count;
  }
}

// Logs like trace_probe_log_err: `index` is the word, `offset` the column inside it; an
// index past the last word points one past the end of the command.
class ProbeLog {
 public:
  ProbeLog(const Words& words, StringView where, ProbeParseError& error)
      : words_(words), error_(error) {
    error_.where = where;
  }
  void set_index(usize index) { index_ = index; }
  Errno fail(usize offset, ProbeError code, Errno errno_value = Errno::kInval) {
    error_.error = errno_value;
    error_.code = code;
    error_.command.clear();
    for (usize i = 0; i < words_.count; ++i) {
      if (i) (void)error_.command.append(' ');
      (void)error_.command.append(words_.word[i]);
    }
    if (index_ >= words_.count)
      error_.caret = error_.command.size() + 1;
    else
      error_.caret = words_.column[index_] + offset;
    return errno_value;
  }

 private:
  const Words& words_;
  ProbeParseError& error_;
  usize index_ = 0;
};

// The fetch program being built, counted as Linux's fetch_insn slots so that "too much
// nested" fails where it fails there.
struct ArgParser {
  ProbeLog& log;
  bool is_return;
  bool at_entry;  // $argN: a function entry (kprobe at +0, fprobe entry)
  bool is_fprobe;
  FetchArg& arg;
  u32 slot = 0;  // index of the last op
  bool has_op = false;
  bool last_is_deref = false;

  Errno fail(usize offset, ProbeError code) { return log.fail(offset, code); }

  Status next_slot(usize offs) {
    if (++slot == kFetchInsnEnd) return fail(offs, ProbeError::kTooManyOps);
    return {};
  }

  Status parse_var(StringView var, usize offs) {
    if (var == StringView("retval")) {
      if (!is_return) return fail(offs, ProbeError::kRetvalOnProbe);
      arg.op = FetchOp::kReturnValue;
      return {};
    }
    if (var.starts_with("stack")) {
      StringView rest = var.drop_front(5);
      if (rest.empty()) {
        arg.op = FetchOp::kStackPointer;
        return {};
      }
      u64 n;
      if (!is_digit(rest[0]) || !parse_u64(rest, 10, n)) return fail(offs, ProbeError::kBadVar);
      if (n > kParamMaxStack) return fail(offs, ProbeError::kBadStackNum);
      arg.op = FetchOp::kStack;
      arg.param = static_cast<u32>(n);
      return {};
    }
    if (var == StringView("comm")) {
      arg.op = FetchOp::kComm;
      return {};
    }
    if (var.starts_with("arg")) {
      u64 n;
      if (!parse_u64(var.drop_front(3), 10, n)) return fail(offs, ProbeError::kBadVar);
      if (n == 0 || n > kParamMaxStack) return fail(offs, ProbeError::kBadArgNum);
      // A return probe reads what the argument was at the function's entry (saved there).
      if (at_entry)
        arg.op = FetchOp::kArgument;
      else if (is_return)
        arg.op = FetchOp::kEntryArgument;
      else
        return fail(offs, ProbeError::kNoFentryArgs);
      arg.param = static_cast<u32>(n - 1);
      return {};
    }
    return fail(offs, ProbeError::kBadVar);
  }

  Status parse(StringView text, usize offs) {
    if (text.empty()) return fail(offs, ProbeError::kBadFetchArg);
    switch (text[0]) {
      case '$':
        TRY(parse_var(text.drop_front(1), offs));
        has_op = true;
        last_is_deref = false;
        return {};
      case '%':
        // An fprobe does not read registers (Linux: BAD_VAR, as for an event probe).
        if (is_fprobe) return fail(offs, ProbeError::kBadVar);
        for (u32 i = 0; i < kProbeRegisterCount; ++i) {
          if (kRegisterNames[i] == text.drop_front(1)) {
            arg.op = FetchOp::kRegister;
            arg.param = i;
            has_op = true;
            last_is_deref = false;
            return {};
          }
        }
        return fail(offs, ProbeError::kBadRegName);
      case '@':
        return parse_memory(text, offs);
      case '+':
      case '-':
        return parse_deref(text, offs);
      default:
        // A bare name is a BTF argument in Linux; without BTF it is refused as this.
        if (is_alpha(text[0]) || text[0] == '_')
          return log.fail(offs, ProbeError::kNoSupBtfArg,
                          at_entry || is_return ? Errno::kNotSup : Errno::kInval);
        return fail(offs, ProbeError::kBadFetchArg);
    }
  }

  Status parse_memory(StringView text, usize offs) {
    if (text.size() > 1 && is_digit(text[1])) {
      u64 address;
      if (!parse_u64(text.drop_front(1), 0, address)) return fail(offs, ProbeError::kBadMemAddr);
      arg.immediate = address;
    } else if (text.size() > 1 && text[1] == '+') {
      return fail(offs, ProbeError::kFileOnKprobe);
    } else {
      // @SYM[+|-offs]: a data or function symbol, resolved now.
      StringView symbol = text.drop_front(1);
      i64 offset = 0;
      usize sign = StringView::npos;
      for (usize i = 0; i < symbol.size(); ++i)
        if (symbol[i] == '+' || symbol[i] == '-') {
          sign = i;
          break;
        }
      if (sign != StringView::npos) {
        if (!parse_i64(symbol.drop_front(sign), offset)) return fail(offs, ProbeError::kBadMemAddr);
        symbol = symbol.substr(0, sign);
      }
      const Symbol* found = symbol_named(symbol);
      if (!found) return fail(offs, ProbeError::kBadMemAddr);
      TRY(next_slot(offs));  // Linux keeps the symbol's name in a slot of its own
      arg.immediate = found->address + static_cast<u64>(offset);
    }
    arg.op = FetchOp::kImmediate;
    TRY(next_slot(offs));
    arg.offsets[arg.derefs++] = 0;
    has_op = true;
    last_is_deref = true;
    return {};
  }

  Status parse_deref(StringView text, usize offs) {
    StringView body = text;
    if (body[0] == '+') body = body.drop_front(1);
    usize open = body.find('(');
    if (open == StringView::npos) return fail(offs, ProbeError::kDerefNeedBrace);
    i64 offset;
    if (!parse_i64(body.substr(0, open), offset)) return fail(offs, ProbeError::kBadDerefOffs);
    offs += open + 1 + (body[0] != '-' ? 1 : 0);
    StringView inner = body.drop_front(open + 1);
    usize close = StringView::npos;
    for (usize i = inner.size(); i > 0; --i)
      if (inner[i - 1] == ')') {
        close = i - 1;
        break;
      }
    if (close == StringView::npos) return fail(offs + inner.size(), ProbeError::kDerefOpenBrace);
    TRY(parse(inner.substr(0, close), offs));
    if (arg.op == FetchOp::kComm) return fail(offs, ProbeError::kCommCantDeref);
    TRY(next_slot(offs));
    if (arg.derefs == kMaxDerefs) return fail(offs, ProbeError::kTooManyOps);
    arg.offsets[arg.derefs++] = offset;
    last_is_deref = true;
    return {};
  }
};

const TypeRow* find_type(StringView name) {
  if (name.empty()) return &kTypes[static_cast<usize>(FetchType::kX64)];
  if (name[0] == 'b') {
    usize slash = name.find('/');
    if (slash == StringView::npos) return nullptr;
    u64 bits;
    if (!parse_u64(name.drop_front(slash + 1), 0, bits)) return nullptr;
    switch (bits) {
      case 8:
        return &kTypes[static_cast<usize>(FetchType::kU8)];
      case 16:
        return &kTypes[static_cast<usize>(FetchType::kU16)];
      case 32:
        return &kTypes[static_cast<usize>(FetchType::kU32)];
      case 64:
        return &kTypes[static_cast<usize>(FetchType::kU64)];
      default:
        return nullptr;
    }
  }
  for (const TypeRow& row : kTypes)
    if (row.name == name) return &row;
  return nullptr;
}

// b<width>@<offset>/<size>, checked as __parse_bitfield_probe_arg does.
bool parse_bitfield(StringView spec, u32 size, FetchArg& arg) {
  usize used;
  u64 width = leading_number(spec.drop_front(1), used);
  StringView rest = spec.drop_front(1 + used);
  if (width == 0 || rest.empty() || rest[0] != '@') return false;
  rest = rest.drop_front(1);
  u64 offset = leading_number(rest, used);
  if (used == 0 || used >= rest.size() || rest[used] != '/') return false;
  if (width + offset > size * 8) return false;
  arg.bit_width = static_cast<u8>(width);
  arg.bit_offset = static_cast<u8>(offset);
  return true;
}

// One FETCHARG word: [NAME=]BODY[:TYPE].
Status parse_argument(StringView word, usize index, ProbeLog& log, ProbeKind kind, bool at_entry,
                      ProbeDefinition& probe) {
  FetchArg arg;
  StringView body = word;
  usize eq = word.find('=');
  if (eq != StringView::npos) {
    if (eq > kMaxArgNameLen) return log.fail(0, ProbeError::kArgNameTooLong);
    if (eq == 0) return log.fail(0, ProbeError::kNoArgName);
    TRY(arg.name.append(word.substr(0, eq)));
    body = word.drop_front(eq + 1);
  } else {
    TextWriter name(arg.name);
    name.put("arg").dec(index + 1);
    if (!name.ok()) return Errno::kNoMem;
  }
  if (!is_good_name(arg.name.view())) return log.fail(0, ProbeError::kBadArgName);
  for (StringView reserved : kReservedFields)
    if (arg.name == reserved) return log.fail(0, ProbeError::kUsedArgName);
  for (const FetchArg& other : probe.args)
    if (arg.name == other.name.view()) return log.fail(0, ProbeError::kUsedArgName);

  usize offset = body.data() - word.data();
  if (body.size() > kMaxArgStrLen) return log.fail(offset, ProbeError::kArgTooLong);
  if (body.empty()) return log.fail(offset, ProbeError::kNoArgBody);
  TRY(arg.text.append(body));

  StringView expression = body;
  StringView type_name;
  usize colon = body.find(':');
  bool typed = colon != StringView::npos;
  if (typed) {
    expression = body.substr(0, colon);
    type_name = body.drop_front(colon + 1);
  }
  usize type_column = offset + (typed ? colon + 1 : 0);
  // TYPE[N], split off before the type is looked up, as Linux does.
  usize bracket = type_name.find('[');
  if (bracket != StringView::npos) {
    StringView inside = type_name.drop_front(bracket + 1);
    usize close = inside.find(']');
    usize inside_column = type_column + bracket + 1;
    if (close == StringView::npos)
      return log.fail(inside_column + inside.size(), ProbeError::kArrayNoClose);
    if (close + 1 != inside.size())
      return log.fail(inside_column + close + 1, ProbeError::kBadArraySuffix);
    u64 count;
    if (!parse_u64(inside.substr(0, close), 0, count) || count == 0 || count > ~u32{0})
      return log.fail(inside_column, ProbeError::kBadArrayNum);
    if (count > kMaxArrayLength) return log.fail(inside_column, ProbeError::kArrayTooBig);
    arg.count = static_cast<u8>(count);
    type_name = type_name.substr(0, bracket);
  }
  const TypeRow* type;
  if (expression == StringView("$comm")) {
    // Linux refuses any other type for $comm without logging why.
    if (arg.count || (typed && !(type_name == StringView("string")))) return Errno::kInval;
    type = &kTypes[static_cast<usize>(FetchType::kString)];
  } else {
    type = typed ? find_type(type_name) : find_type({});
    if (!type || (typed && type_name.empty())) return log.fail(type_column, ProbeError::kBadType);
  }
  arg.type = type->type;

  ArgParser parser{log, is_return_probe(kind), at_entry, is_fprobe(kind) || is_tprobe(kind), arg};
  TRY(parser.parse(expression, offset));

  if (arg.type == FetchType::kString) {
    if (arg.derefs == 0 && arg.op != FetchOp::kComm)
      return log.fail(type_column, ProbeError::kBadString);
    if (arg.derefs == 0 && ++parser.slot >= kFetchInsnEnd)
      return log.fail(offset, ProbeError::kTooManyOps);
  } else if (!parser.last_is_deref) {
    if (++parser.slot >= kFetchInsnEnd) return log.fail(offset, ProbeError::kTooManyOps);
  }
  if (typed && !type_name.empty() && type_name[0] == 'b') {
    if (++parser.slot >= kFetchInsnEnd || !parse_bitfield(type_name, type->size, arg))
      return log.fail(type_column, ProbeError::kBadBitfield);
  }
  if (arg.count) {
    // The elements are read one after another from memory: an array needs a dereference.
    // Arrays of strings (a table of pointers) are not built.
    if (arg.derefs == 0 || arg.type == FetchType::kString)
      return log.fail(type_column, ProbeError::kBadString);
    if (++parser.slot >= kFetchInsnEnd) return log.fail(offset, ProbeError::kTooManyOps);
  }
  arg.field_offset = static_cast<u16>(probe.args_size);
  probe.args_size += type->size * (arg.count ? arg.count : 1);
  if (probe.args_size > kMaxProbeArgsSize)
    return log.fail(0, ProbeError::kEventTooBig, Errno::kTooBig);
  return probe.args.append(move(arg));
}

// `$arg*` (every argument, named from BTF) needs type information the guest does not have:
// refused before any argument is parsed, as Linux without BTF refuses it.
Status refuse_all_arguments(const Words& words, ProbeLog& log) {
  for (usize i = 2; i < words.count; ++i) {
    StringView word = words.word[i];
    if (word.size() > 4 && word.substr(0, 4) == StringView("$arg") && word[4] == '*') {
      log.set_index(i);
      return log.fail(0, ProbeError::kNoSupBtfArg, Errno::kNotSup);
    }
  }
  return {};
}

// [GRP/]EVENT after the ':' of the first word; `offset` is its column in that word.
Status parse_event_name(StringView text, usize offset, ProbeLog& log, ProbeDefinition& probe) {
  usize slash = text.find('/');
  if (slash == StringView::npos) slash = text.find('.');
  if (slash != StringView::npos) {
    if (slash == 0) return log.fail(offset, ProbeError::kNoGroupName);
    if (slash + 1 > kMaxEventNameLen) return log.fail(offset, ProbeError::kGroupTooLong);
    StringView group = text.substr(0, slash);
    if (!is_good_name(group)) return log.fail(offset, ProbeError::kBadGroupName);
    probe.group.clear();
    TRY(probe.group.append(group));
    offset += slash + 1;
    text = text.drop_front(slash + 1);
  }
  // "GROUP/" alone: the event gets its default name in that group, as in Linux.
  if (text.empty() && slash != StringView::npos) return {};
  if (text.empty()) return log.fail(offset, ProbeError::kNoEventName);
  if (text.size() > kMaxEventNameLen) return log.fail(offset, ProbeError::kEventTooLong);
  if (!is_good_name(text)) return log.fail(offset, ProbeError::kBadEventName);
  return probe.event.append(text);
}

// Linux names an unnamed probe p_SYM_OFFS / r_SYM_OFFS (':' and '.' become '_'), or
// SYM__entry / SYM__exit for fprobes.
Status default_event_name(ProbeDefinition& probe) {
  TextWriter name(probe.event);
  if (is_tprobe(probe.kind)) {
    name.put(is_digit(probe.symbol.view()[0]) ? "_" : "").put(probe.symbol.view());
  } else if (is_fprobe(probe.kind)) {
    name.put(probe.symbol.view()).put(is_return_probe(probe.kind) ? "__exit" : "__entry");
  } else if (!probe.symbol.empty()) {
    name.put(is_return_probe(probe.kind) ? "r_" : "p_").put(probe.symbol.view()).put('_');
    name.dec(probe.offset);
  } else {
    name.put(is_return_probe(probe.kind) ? "r_0x" : "p_0x").hex(probe.address, 16);
  }
  if (!name.ok()) return Errno::kNoMem;
  char* text = probe.event.data();
  for (usize i = 0; i < probe.event.size(); ++i)
    if (text[i] == ':' || text[i] == '.') text[i] = '_';
  return {};
}

// A probe inside a function is a breakpoint over one instruction, which then runs out of
// line: Linux refuses a point inside an instruction with EILSEQ (BAD_INSN_BNDRY), and one it
// cannot register (an instruction it cannot step, a blacklisted function: here, notrace code,
// which the breakpoint handling itself may run) with FAIL_REG_PROBE.
Status check_point_inside(const Symbol& function, u64 address, ProbeLog& log) {
  auto check = platform().check_probe_point;
  Errno verdict = Errno::kInval;
  if (check && !function.notrace) verdict = check(function.address, function.size, address);
  if (verdict == Errno::kIlSeq) return log.fail(0, ProbeError::kBadInsnBndry, Errno::kIlSeq);
  if (verdict != Errno::kOk) return log.fail(0, ProbeError::kFailRegProbe);
  return {};
}

Status parse_kprobe(const Words& words, ProbeDefinition& probe, ProbeParseError& error) {
  StringView head = words.word[0];
  probe.kind = head[0] == 'r' ? ProbeKind::kKretprobe : ProbeKind::kKprobe;
  if (words.count < 2) return Errno::kInval;
  ProbeLog log(words, "trace_kprobe", error);
  if (words.too_many) {
    log.set_index(Words::kMax);
    return log.fail(0, ProbeError::kTooManyArgs);
  }
  usize colon = head.find(':');
  bool is_return = probe.kind == ProbeKind::kKretprobe;
  if (head.size() > 1 && is_digit(head[1])) {
    if (!is_return) return log.fail(1, ProbeError::kMaxactNoKprobe);
    StringView digits = head.substr(1, colon == StringView::npos ? head.size() : colon - 1);
    u64 maxactive;
    if (digits.size() > kMaxEventNameLen - 1 || !parse_u64(digits, 0, maxactive) || !maxactive ||
        maxactive > ~u32{0})
      return log.fail(1, ProbeError::kBadMaxact);
    if (maxactive > kMaxActiveMax) return log.fail(1, ProbeError::kMaxactTooBig);
    probe.maxactive = static_cast<u32>(maxactive);
  }

  StringView target = words.word[1];
  bool at_entry = false;
  u64 address;
  if (parse_u64(target, 0, address)) {
    probe.address = address;
  } else {
    log.set_index(1);
    StringView symbol = target;
    usize percent = symbol.find('%');
    if (percent != StringView::npos) {
      if (!(symbol.drop_front(percent) == StringView("%return")))
        return log.fail(percent, ProbeError::kBadAddrSuffix);
      symbol = symbol.substr(0, percent);
      is_return = true;
      probe.kind = ProbeKind::kKretprobe;
    }
    i64 offset = 0;
    for (usize i = 0; i < symbol.size(); ++i) {
      if (symbol[i] != '+' && symbol[i] != '-') continue;
      if (!parse_i64(symbol.drop_front(i), offset)) return log.fail(0, ProbeError::kBadProbeAddr);
      symbol = symbol.substr(0, i);
      break;
    }
    if (offset < 0 || offset > static_cast<i64>(~u32{0}))
      return log.fail(0, ProbeError::kBadProbeAddr);
    TRY(probe.symbol.append(symbol));
    probe.offset = static_cast<u64>(offset);
    const Symbol* found = symbol_named(symbol);
    // kprobe_on_func_entry: +0 is the entry; elsewhere is no entry, and an unknown symbol
    // waits for registration (ENOENT there).
    at_entry = found && offset == 0 && !is_return;
    if (found && offset != 0 && is_return) return log.fail(0, ProbeError::kBadRetprobe);
    if (found) probe.address = found->address + probe.offset;
  }
  log.set_index(0);
  TRY(probe.group.append("kprobes"));
  if (colon != StringView::npos) {
    TRY(parse_event_name(head.drop_front(colon + 1), colon + 1, log, probe));
    if (probe.event.empty()) TRY(default_event_name(probe));
  } else {
    TRY(default_event_name(probe));
  }
  TRY(refuse_all_arguments(words, log));
  for (usize i = 2; i < words.count; ++i) {
    log.set_index(i);
    TRY(parse_argument(words.word[i], i - 2, log, probe.kind, at_entry, probe));
  }
  // Registration: the symbol must exist (Linux logs it against the probe point), and the
  // point must be one tracegate can probe: a function's entry, where its fentry site is, or
  // an instruction inside it, where a breakpoint goes.
  log.set_index(1);
  const Symbol* function = probe.symbol.empty() ? nullptr : symbol_named(probe.symbol.view());
  if (!probe.symbol.empty() && !function)
    return log.fail(0, ProbeError::kBadProbeAddr, Errno::kNoEnt);
  if (function && probe.offset != 0) {
    // An offset past the function's end probes whatever function is there, as Linux's
    // can_probe looks the address up afresh: its entry, or an instruction inside it.
    if (probe.address >= function->address + function->size) {
      isize slot = symbol_slot(probe.address);
      if (slot < 0) return log.fail(0, ProbeError::kBadInsnBndry, Errno::kIlSeq);
      function = &platform().symbols[static_cast<usize>(slot)];
      if (probe.address == function->address && is_function_entry(probe.address)) return {};
      if (probe.address >= function->address + function->size)
        return log.fail(0, ProbeError::kBadInsnBndry, Errno::kIlSeq);
    }
    return check_point_inside(*function, probe.address, log);
  }
  if (!is_function_entry(probe.address)) return log.fail(0, ProbeError::kFailRegProbe);
  return {};
}

// The event a tprobe attaches to: a tracepoint the kernel records (not an ftrace-internal
// record type).
const EventDefinition* tracepoint_named(StringView name) {
  for (const EventDefinition& event : all_events())
    if (!event.ftrace_internal && event.name == name) return &event;
  return nullptr;
}

// `t[:[GRP/][EVENT]] TRACEPOINT [ARGS]`, Linux's checks in its order: the name's characters,
// $retval (a tracepoint has no return), a maxactive, the event name, the tracepoint.
Status parse_tprobe_point(const Words& words, ProbeLog& log, ProbeDefinition& probe) {
  StringView head = words.word[0];
  StringView symbol = words.word[1];
  log.set_index(1);
  usize percent = symbol.find('%');
  if (percent != StringView::npos) return log.fail(percent, ProbeError::kBadAddrSuffix);
  for (usize i = 0; i < symbol.size(); ++i)
    if (!is_alpha(symbol[i]) && !is_digit(symbol[i]) && symbol[i] != '_')
      return log.fail(i, ProbeError::kBadTpName);
  for (usize i = 2; i < words.count; ++i) {
    StringView word = words.word[i];
    usize at = word.find("$retval");
    if (at == StringView::npos) continue;
    usize after = at + 7;
    if (after < word.size() &&
        (is_alpha(word[after]) || is_digit(word[after]) || word[after] == '_'))
      continue;
    log.set_index(i);
    return log.fail(at, ProbeError::kRetvalOnProbe);
  }
  if (head.size() > 1 && is_digit(head[1])) {
    log.set_index(0);
    return log.fail(1, ProbeError::kBadMaxactType);
  }
  return probe.symbol.append(symbol);
}

Status parse_tprobe(const Words& words, usize colon, ProbeLog& log, ProbeDefinition& probe) {
  TRY(parse_tprobe_point(words, log, probe));
  log.set_index(0);
  TRY(probe.group.append("tracepoints"));
  if (colon != StringView::npos) {
    TRY(parse_event_name(words.word[0].drop_front(colon + 1), colon + 1, log, probe));
    if (probe.event.empty()) TRY(default_event_name(probe));
  } else {
    TRY(default_event_name(probe));
  }
  // No modules that could bring it later: an unknown tracepoint is refused here.
  const EventDefinition* event = tracepoint_named(probe.symbol.view());
  if (!event) {
    log.set_index(1);
    return log.fail(0, ProbeError::kNoTracepoint);
  }
  probe.tracepoint = event->id;
  TRY(refuse_all_arguments(words, log));
  for (usize i = 2; i < words.count; ++i) {
    log.set_index(i);
    TRY(parse_argument(words.word[i], i - 2, log, probe.kind, true, probe));
  }
  return {};
}

Status parse_fprobe(const Words& words, ProbeDefinition& probe, ProbeParseError& error,
                    bool tracepoint) {
  StringView head = words.word[0];
  probe.kind = tracepoint ? ProbeKind::kTprobe : ProbeKind::kFprobe;
  if (words.count < 2) return Errno::kInval;
  ProbeLog log(words, "trace_fprobe", error);
  if (words.too_many) {
    log.set_index(Words::kMax);
    return log.fail(0, ProbeError::kTooManyArgs);
  }
  usize colon = head.find(':');
  if (tracepoint) return parse_tprobe(words, colon, log, probe);
  if (head.size() > 1 && head[1] != ':') return log.fail(1, ProbeError::kBadMaxact);

  log.set_index(1);
  StringView symbol = words.word[1];
  usize percent = symbol.find('%');
  if (percent != StringView::npos) {
    if (!(symbol.drop_front(percent) == StringView("%return")))
      return log.fail(percent, ProbeError::kBadAddrSuffix);
    symbol = symbol.substr(0, percent);
    probe.kind = ProbeKind::kFprobeReturn;
  }
  // An fprobe sits on a function entry: no offsets, no addresses.
  for (char c : symbol)
    if (c == '+' || c == '-') return log.fail(0, ProbeError::kBadProbeAddr);
  if (symbol.empty() || is_digit(symbol[0])) return log.fail(0, ProbeError::kBadProbeAddr);
  TRY(probe.symbol.append(symbol));
  const Symbol* found = symbol_named(symbol);

  log.set_index(0);
  TRY(probe.group.append("fprobes"));
  if (colon != StringView::npos) {
    TRY(parse_event_name(head.drop_front(colon + 1), colon + 1, log, probe));
    if (probe.event.empty()) TRY(default_event_name(probe));
  } else {
    TRY(default_event_name(probe));
  }
  bool at_entry = probe.kind == ProbeKind::kFprobe;
  TRY(refuse_all_arguments(words, log));
  for (usize i = 2; i < words.count; ++i) {
    log.set_index(i);
    TRY(parse_argument(words.word[i], i - 2, log, probe.kind, at_entry, probe));
  }
  log.set_index(1);
  if (!found) return log.fail(0, ProbeError::kBadProbeAddr, Errno::kNoEnt);
  probe.address = found->address;
  if (!is_function_entry(probe.address)) return log.fail(0, ProbeError::kFailRegProbe);
  return {};
}

}  // namespace

u32 fetch_type_size(FetchType type) {
  return type_row(type).size;
}
bool fetch_type_signed(FetchType type) {
  return type_row(type).is_signed;
}
StringView fetch_type_declaration(FetchType type) {
  return type_row(type).declaration;
}

StringView probe_error_text(ProbeError error) {
  return kErrorTexts[static_cast<usize>(error)];
}

StringView probe_register_name(u32 index) {
  return index < kProbeRegisterCount ? kRegisterNames[index] : StringView();
}

Status parse_probe_definition(StringView line, ProbeSyntax syntax, ProbeDefinition& out,
                              ProbeParseError& error) {
  error = ProbeParseError{};
  Words words;
  split_words(line, words);
  if (words.count == 0) return Errno::kInval;
  char kind = words.word[0][0];
  if (kind == 'p' || kind == 'r') return parse_kprobe(words, out, error);
  if ((kind == 'f' || kind == 't') && syntax == ProbeSyntax::kDynamicEvents)
    return parse_fprobe(words, out, error, kind == 't');
  return Errno::kInval;
}

Status parse_probe_removal(StringView line, ProbeRemoval& out) {
  Words words;
  split_words(line, words);
  if (words.count == 0) return Errno::kInval;
  StringView head = words.word[0];
  StringView name;
  if (head.size() >= 2 && head[0] == '-' && head[1] == ':') {
    name = head.drop_front(2);
  } else {
    // dynamic_events' "!p:EVENT POINT", "!s:EVENT FIELDS": the event after the first ':'.
    usize colon = head.find(':');
    if (head.empty() || head[0] != '!' || colon == StringView::npos) return Errno::kInval;
    name = head.drop_front(colon + 1);
  }
  usize slash = name.find('/');
  if (slash == StringView::npos) slash = name.find('.');
  if (slash != StringView::npos) {
    TRY(out.group.append(name.substr(0, slash)));
    name = name.drop_front(slash + 1);
  }
  // "-:GROUP/" removes every event of the group.
  if (name.empty())
    return slash != StringView::npos && !out.group.empty() ? Status() : Errno::kInval;
  if (words.count > 1) TRY(out.point.append(words.word[1]));
  return out.event.append(name);
}

Status format_probe_definition(const ProbeDefinition& probe, String& out) {
  TextWriter line(out);
  // Linux's synth_event_show: "s:synthetic/NAME\tFIELDS".
  if (is_synthetic(probe.kind)) {
    line.put("s:").put(probe.group.view()).put('/').put(probe.event.view()).put('\t');
    if (!line.ok()) return Errno::kNoMem;
    return format_synth_fields(probe.synth, out);
  }
  switch (probe.kind) {
    case ProbeKind::kKprobe:
      line.put('p');
      break;
    case ProbeKind::kKretprobe:
      line.put('r');
      if (probe.maxactive) line.dec(probe.maxactive);
      break;
    case ProbeKind::kFprobe:
    case ProbeKind::kFprobeReturn:
      line.put('f');
      break;
    case ProbeKind::kTprobe:
      line.put('t');
      break;
    case ProbeKind::kSynthetic:
      break;
  }
  line.put(':').put(probe.group.view()).put('/').put(probe.event.view()).put(' ');
  if (!line.ok()) return Errno::kNoMem;
  TRY(format_probe_point(probe, out));
  for (const FetchArg& arg : probe.args)
    line.put(' ').put(arg.name.view()).put('=').put(arg.text.view());
  return line.ok() ? Status() : Status(Errno::kNoMem);
}

Status format_probe_point(const ProbeDefinition& probe, String& out) {
  TextWriter line(out);
  if (probe.symbol.empty()) {
    line.put("0x").hex(probe.address, 16);
  } else {
    line.put(probe.symbol.view());
    if (probe.offset) line.put('+').dec(probe.offset);
    if (probe.kind == ProbeKind::kFprobeReturn) line.put("%return");
  }
  return line.ok() ? Status() : Status(Errno::kNoMem);
}

bool is_function_entry(u64 address) {
  for (const Symbol& symbol : platform().symbols)
    if (symbol.address == address && !symbol.notrace) return true;
  return false;
}

}  // namespace tg::trace
