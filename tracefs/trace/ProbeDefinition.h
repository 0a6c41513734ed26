#pragma once
#include "support/Result.h"
#include "support/String.h"
#include "support/Vector.h"
#include "trace/SynthDefinition.h"

namespace tg::trace {

// One line of kprobe_events or dynamic_events, parsed as Linux's trace_kprobe.c and
// trace_probe.c parse it:
//   p[:[GRP/]EVENT] SYM[+offs]|ADDR [FETCHARGS]
//   r[MAXACTIVE][:[GRP/]EVENT] SYM[+0] [FETCHARGS]
//   f[:[GRP/]EVENT] SYM[%return] [FETCHARGS]          (dynamic_events only)
//   -:[GRP/]EVENT                                      (remove)
// The parser is pure: it resolves symbols through the platform's table and touches nothing
// else; ProbeEvents registers what it returns.

// kTprobe: on a tracepoint (dynamic_events' `t`), firing where the kernel records its event.
// kSynthetic: a synthetic event (`s`, synthetic_events): no probe point, hist trigger actions
// generate it.
enum class ProbeKind : u8 { kKprobe, kKretprobe, kFprobe, kFprobeReturn, kTprobe, kSynthetic };
constexpr bool is_return_probe(ProbeKind kind) {
  return kind == ProbeKind::kKretprobe || kind == ProbeKind::kFprobeReturn;
}
constexpr bool is_fprobe(ProbeKind kind) {
  return kind == ProbeKind::kFprobe || kind == ProbeKind::kFprobeReturn;
}
constexpr bool is_tprobe(ProbeKind kind) {
  return kind == ProbeKind::kTprobe;
}
constexpr bool is_synthetic(ProbeKind kind) {
  return kind == ProbeKind::kSynthetic;
}

// Where a fetch argument's value starts.
enum class FetchOp : u8 {
  kRegister,       // %REG: param = ProbeRegisters index
  kArgument,       // $argN: param = N - 1
  kEntryArgument,  // $argN of a return probe: the value at entry (ProbeHit::entry_args)
  kStack,          // $stackN: param = N
  kStackPointer,   // $stack
  kReturnValue,    // $retval
  kComm,           // $comm
  kImmediate,      // @ADDR, @SYM[+|-offs]: the address, always dereferenced
};

// Linux's fetch types. The order of the integer ones is (kind, size) by rows of four.
enum class FetchType : u8 {
  kU8,
  kU16,
  kU32,
  kU64,
  kS8,
  kS16,
  kS32,
  kS64,
  kX8,
  kX16,
  kX32,
  kX64,
  kString,
  kSymbol,
  kChar,  // one byte printed as '%c' (declared u8, as Linux's alias)
};
u32 fetch_type_size(FetchType type);  // bytes in the record (a string's data_loc: 4)
bool fetch_type_signed(FetchType type);
// The C type the format file declares ("u64", "s32", "__data_loc char[]").
StringView fetch_type_declaration(FetchType type);

// Dereferences Linux allows in one argument (FETCH_INSN_MAX less the ops around them).
inline constexpr u32 kMaxDerefs = 16;
// The arguments' fixed part (strings' data excluded) an event may have: what fits a 1 KB
// record with the probe's own fields. Linux allows 3072 bytes; beyond this, EVENT_TOO_BIG.
inline constexpr u32 kMaxProbeArgsSize = 1024 - 24;
// Elements of an array argument (TYPE[N]), as Linux's MAX_ARRAY_LEN.
inline constexpr u32 kMaxArrayLength = 64;

struct FetchArg {
  String name;  // field name: NAME= or argN
  String text;  // the body as written (after NAME=), shown back by kprobe_events
  FetchOp op = FetchOp::kRegister;
  u32 param = 0;
  u64 immediate = 0;
  // +offs(...) nestings, innermost first. With derefs > 0 the value is read from memory at
  // the last step; a string is read there instead.
  u32 derefs = 0;
  i64 offsets[kMaxDerefs] = {};
  FetchType type = FetchType::kX64;
  // b<width>@<offset>/<size>: width 0 means no bitfield.
  u8 bit_width = 0;
  u8 bit_offset = 0;
  // TYPE[N]: N consecutive elements read from the address; 0 for a single value.
  u8 count = 0;
  u16 field_offset = 0;  // in the payload, after the probe's fixed fields
};

struct ProbeDefinition {
  ProbeKind kind = ProbeKind::kKprobe;
  String group;
  String event;
  String symbol;    // empty for an address probe
  u64 address = 0;  // resolved: symbol address + offset, or the address given
  u64 offset = 0;
  u32 maxactive = 0;
  u16 tracepoint = 0;  // a tprobe's: the id of the event its tracepoint records
  Vector<FetchArg> args;
  u32 args_size = 0;      // bytes of the fixed part of the arguments
  SynthDefinition synth;  // kSynthetic: its fields (event is synth.name, group "synthetic")
};

// Linux's error_log messages (trace_probe.h ERRORS), by their names there.
enum class ProbeError : u8 {
  kNone,
  kMaxactNoKprobe,
  kBadMaxact,
  kMaxactTooBig,
  kBadProbeAddr,
  kBadRetprobe,
  kBadAddrSuffix,
  kNoGroupName,
  kGroupTooLong,
  kBadGroupName,
  kNoEventName,
  kEventTooLong,
  kBadEventName,
  kRetvalOnProbe,
  kBadStackNum,
  kBadArgNum,
  kBadVar,
  kBadRegName,
  kBadMemAddr,
  kFileOnKprobe,
  kTooManyOps,
  kDerefNeedBrace,
  kBadDerefOffs,
  kDerefOpenBrace,
  kCommCantDeref,
  kBadFetchArg,
  kBadType,
  kBadString,
  kBadBitfield,
  kArrayNoClose,
  kBadArraySuffix,
  kBadArrayNum,
  kArrayTooBig,
  kEventTooBig,
  kNoSupBtfArg,
  kBadMaxactType,
  kNoTracepoint,
  kBadTpName,
  kArgNameTooLong,
  kNoArgName,
  kBadArgName,
  kUsedArgName,
  kArgTooLong,
  kNoArgBody,
  kTooManyArgs,
  kBadInsnBndry,
  kFailRegProbe,
  kDiffProbeType,
  kDiffArgType,
  kSameProbe,
  kNoFentryArgs,
};
StringView probe_error_text(ProbeError error);

// Why a line was refused: the errno, and (when Linux logs one) the error_log entry: `where`
// ("trace_kprobe"), the message, the command as Linux rebuilds it (words joined by one
// space) and the caret's column in it.
struct ProbeParseError {
  Errno error = Errno::kOk;
  ProbeError code = ProbeError::kNone;
  StringView where;
  String command;
  usize caret = 0;
};

// Which file a line was written to: kprobe_events, dynamic_events or synthetic_events.
enum class ProbeSyntax : u8 { kKprobeEvents, kDynamicEvents, kSyntheticEvents };

struct ProbeRemoval {
  String group;  // empty: any group
  String event;  // empty: every event of the group ("-:GROUP/")
  String point;  // "-:EVENT SYM[+OFFS]": only the probe point written so; empty: all of them
};
// The probe point as a definition line writes it: "kmalloc", "kmalloc+6", "0xffff...",
// "kfree%return" (an fprobe's return).
Status format_probe_point(const ProbeDefinition& probe, String& out);

// A definition line (comments and blank lines already removed). EINVAL for a line that is
// no definition at all (logged nowhere, as Linux's -ECANCELED); ENOENT for an unknown
// symbol; EINVAL with an error_log entry for every syntax error.
Status parse_probe_definition(StringView line, ProbeSyntax syntax, ProbeDefinition& out,
                              ProbeParseError& error);
// Whether `address` is the entry of a traceable function (its fentry site).
bool is_function_entry(u64 address);
// "-:[GRP/]EVENT" (and dynamic_events' "!TYPE:[GRP/]EVENT ..."): EINVAL when malformed.
Status parse_probe_removal(StringView line, ProbeRemoval& out);

// The line kprobe_events / dynamic_events shows for a definition (no newline).
Status format_probe_definition(const ProbeDefinition& probe, String& out);

// Register names for %REG, in ProbeRegisters order.
inline constexpr u32 kProbeRegisterCount = 17;
StringView probe_register_name(u32 index);

}  // namespace tg::trace
