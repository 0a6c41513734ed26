#pragma once
#include "support/Memory.h"
#include "support/Result.h"
#include "support/String.h"
#include "support/Vector.h"
#include "trace/EventCatalog.h"
#include "trace/EventFilter.h"

namespace tg::trace {

// Linux's HIST_FIELD_FL_* bits that this histogram knows: what a field is, and the modifier
// (.hex, .sym, ...) that says how it is computed or printed.
enum HistFlag : u32 {
  kHistHitcount = 1u << 0,
  kHistKey = 1u << 1,
  kHistString = 1u << 2,
  kHistHex = 1u << 3,
  kHistSym = 1u << 4,
  kHistSymOffset = 1u << 5,
  kHistExecname = 1u << 6,
  kHistLog2 = 1u << 7,
  kHistTimestamp = 1u << 8,
  kHistUsecs = 1u << 9,
  kHistVar = 1u << 10,
  kHistExpr = 1u << 11,
  kHistVarRef = 1u << 12,
  kHistCpu = 1u << 13,
  kHistBuckets = 1u << 14,
  kHistConst = 1u << 15,
  kHistPercent = 1u << 16,
  kHistGraph = 1u << 17,
  // A reference to a variable of another hist trigger (constant: its HistSpec::external
  // index); read once, inside an expression, it is consumed (Linux's read_once).
  kHistExternal = 1u << 18,
  kHistReadOnce = 1u << 19,
  // keys=common_stacktrace (or the older "stacktrace"): the kernel call chain that hit the
  // event, kHistStackDepth return addresses (Linux's HIST_FIELD_FL_STACKTRACE).
  kHistStacktrace = 1u << 20,
};

// Linux's limits (tracing_map.h, trace_events_hist.c).
inline constexpr u32 kHistMaxKeys = 3;
inline constexpr u32 kHistMaxVals = 3;  // hitcount included
inline constexpr u32 kHistMaxVars = 16;
inline constexpr u32 kHistMaxSortKeys = 2;
inline constexpr u32 kHistMaxSubexpressions = 3;
inline constexpr u32 kHistStringMax = 256;  // MAX_FILTER_STR_VAL
inline constexpr u32 kHistStackDepth = 16;  // HIST_STACKTRACE_DEPTH
inline constexpr u32 kHistKeySizeMax = kHistStringMax + kHistStackDepth * 8;
inline constexpr u32 kHistBitsDefault = 11;
inline constexpr u32 kHistBitsMin = 7;
inline constexpr u32 kHistBitsMax = 17;
inline constexpr u32 kHistMaxActions = 8;  // HIST_ACTIONS_MAX
inline constexpr u32 kHistMaxParams = 32;  // SYNTH_FIELDS_MAX / 2, Linux's MAX_ACTION_PARAMS
inline constexpr u32 kHistMaxExternal = 16;

class HistTrigger;
class ProbeEvent;

// A variable of another hist trigger of the instance that this one reads, by name.
struct HistVarSource {
  const HistTrigger* trigger = nullptr;
  u32 index = 0;  // among that trigger's variables
  u32 flags = 0;  // the variable's timestamp flags: units must match in an expression
};

// How the parser finds what lies outside the trigger: another hist's variable, and a
// synthetic event. Either may be absent (then nothing is found).
struct HistLookup {
  const void* context = nullptr;
  bool (*find_var)(const void* context, StringView name, HistVarSource& out) = nullptr;
  ProbeEvent* (*find_synth)(const void* context, StringView name) = nullptr;
};

// An action: what a hist trigger does besides counting (Linux's action_data), when its
// handler says so. onmatch() acts each time the trigger counts with its variables resolved;
// onmax($v) when $v exceeds the entry's maximum so far, onchange($v) when it differs from
// the entry's last value. trace() generates a synthetic event, save() keeps the event's
// fields in the entry (printed under it in the hist file), snapshot() swaps the live buffer
// with the snapshot when the value is also the trigger's new overall maximum (or change).
enum class HistHandler : u8 { kOnMatch, kOnMax, kOnChange };
enum class HistActionKind : u8 { kTrace, kSave, kSnapshot };
struct HistAction {
  HistHandler handler = HistHandler::kOnMatch;
  HistActionKind kind = HistActionKind::kTrace;
  String match_system;
  String match_event;
  String var_text;     // onmax/onchange: "$var" as written
  u32 track_var = 0;   // its index among the trigger's variables
  u32 track_slot = 0;  // where each entry keeps the tracked value
  String action_name;  // "trace", "save", or the synthetic event's name (the short form)
  ProbeEvent* synth = nullptr;
  Vector<u32> params;      // nodes: one per field of the synthetic event, or saved field
  Vector<String> written;  // the params as written, for the listing
  Vector<u32> save_slots;  // save(): where each entry keeps each field (a string: 32 slots)
};
// Per-entry slots a string saved by save() takes.
inline constexpr u32 kHistSavedStringSlots = kHistStringMax / 8;

// `a op b` for a binary node's operator, in u64 as Linux computes it; a division by zero
// gives all ones (a constant one is refused at parse time, EDOM).
u64 apply_hist_operator(char op, u64 a, u64 b);

// One node of a field's expression tree: an event field, a common_* value, a numeric
// literal, a reference to a variable, or an operator over child nodes.
struct HistNode {
  enum class Kind : u8 { kField, kTimestamp, kCpu, kHitcount, kConst, kVarRef, kBinary, kNegate };
  Kind kind = Kind::kConst;
  char op = 0;  // kBinary: + - * /
  u32 flags = 0;
  u32 left = 0;
  u32 right = 0;
  FilterField field{};
  u64 constant = 0;  // kConst; kVarRef: the variable's index
  u64 buckets = 0;   // .buckets=N
  String name;       // Linux's hist_field_name: field, expression or variable name
};

// A key, a value or a variable: the root of its expression, and for keys where it sits in the
// compound key.
struct HistField {
  u32 node = 0;
  String var_name;  // variables only
  u16 offset = 0;
  u16 size = 0;
  bool is_signed = false;
};

struct HistSortKey {
  u32 index = 0;  // among the values (0: hitcount), then the keys
  bool descending = false;
};

// A parsed `hist:` trigger: what it aggregates and how it sorts, as Linux's hist_trigger_data
// holds it.
struct HistSpec {
  Vector<HistNode> nodes;
  Vector<HistField> vals;  // vals[0] is hitcount
  Vector<HistField> vars;
  Vector<HistField> keys;
  HistSortKey sort[kHistMaxSortKeys];
  u32 sort_count = 1;
  u32 map_bits = kHistBitsDefault;
  String name;                     // "name=NAME" as Linux keeps it, or empty
  Vector<HistVarSource> external;  // other hists' variables this one reads
  Vector<HistAction> actions;
  u32 action_slots = 0;  // per-entry slots the actions keep (tracked values, saved fields)
  bool pause = false;
  bool cont = false;
  bool clear = false;
  bool no_hitcount = false;
  bool timestamps = false;
  u16 key_size = 0;

  const HistNode& node_of(const HistField& field) const { return nodes[field.node]; }
  u32 max_elements() const { return 1u << map_bits; }
};

// Why a hist command did not parse: Linux's message and the text its caret is found by
// (Linux's errpos: the first occurrence of `at` in the command; empty: column 0). An EINVAL
// without a message is logged nowhere, as in Linux.
struct HistError {
  StringView message;
  String at;
};

// Parses the attributes of a hist trigger (the text after "hist:", without its filter).
Result<OwnPtr<HistSpec>> parse_hist_spec(StringView attributes, const EventDefinition& event,
                                         HistError& error, const HistLookup& lookup = {});

// Linux's event_hist_trigger_print without the filter and state: "hist:keys=...:size=2048".
Status print_hist_spec(const HistSpec& spec, String& out);
// What Linux's hist_trigger_match compares: the fields, their modifiers and the sort keys.
Status hist_signature(const HistSpec& spec, String& out);

}  // namespace tg::trace
