// The hist trigger's parser, after Linux's trace_events_hist.c: the same splitting, the same
// order of checks, and so the same error (and caret) for the same bad command.
#include "trace/HistSpec.h"

#include "support/TextWriter.h"
#include "trace/EventState.h"
#include "trace/ProbeEvents.h"

namespace tg::trace {

namespace {

constexpr StringView kEmptyAssignment = "Empty assignment";
constexpr StringView kTooManyVars = "Too many variables defined";
constexpr StringView kMalformedAssignment = "Malformed assignment";
constexpr StringView kBadFieldModifier = "Invalid field modifier";
constexpr StringView kTooManySubexpr = "Too many subexpressions (3 max)";
constexpr StringView kTimestampMismatch = "Timestamp units in expression don't match";
constexpr StringView kVarNotFound = "Couldn't find variable";
constexpr StringView kFieldNotFound = "Couldn't find field";
constexpr StringView kInvalidRefKey = "Using variable references in keys not supported";
constexpr StringView kInvalidSortModifier = "Invalid sort modifier";
constexpr StringView kEmptySortField = "Empty sort field";
constexpr StringView kTooManySortFields = "Too many sort fields (Max = 2)";
constexpr StringView kInvalidSortField = "Sort field must be a key or a val";
constexpr StringView kInvalidStrOperand = "String type can not be an operand in expression";
constexpr StringView kExpectNumber = "Expecting numeric literal";
constexpr StringView kUnaryMinusSubexpr = "Unary minus not supported in sub-expressions";
constexpr StringView kDivisionByZero = "Division by zero";
constexpr StringView kNeedNohcVal = "Non-hitcount value is required for 'nohitcount'";
constexpr StringView kDuplicateVar = "Variable already defined";
constexpr StringView kNoClosingParen = "No closing paren found";
constexpr StringView kSubsysNotFound = "Missing subsystem";
constexpr StringView kActionMismatch = "Handler doesn't support action";
constexpr StringView kSynthEventNotFound = "Couldn't find synthetic event";
constexpr StringView kSynthCountMismatch = "Param count doesn't match synthetic event field count";
constexpr StringView kSynthTypeMismatch = "Param type doesn't match synthetic event field type";
constexpr StringView kParamNotFound = "Couldn't find param";
constexpr StringView kTooManyParams = "Too many action params";
constexpr StringView kFieldVarCreateFail = "Couldn't create field variable";
constexpr StringView kOnxNotVar = "For onmax(x) or onchange(x), x must be a variable";
constexpr StringView kOnxVarNotFound = "Couldn't find onmax or onchange variable";
constexpr StringView kNoSaveParams = "No params found for save()";
constexpr StringView kTooManySaveActions = "Can't have more than one save() action per hist";

// Linux's strsep over a view: next() yields the text up to the separator; after the last
// piece the cursor is "null" and next() fails, so "a," yields "a" and then "".
struct Pieces {
  StringView rest;
  bool done = false;
  bool next(char separator, StringView& piece) {
    if (done) return false;
    usize at = rest.find(separator);
    if (at == StringView::npos) {
      piece = rest;
      done = true;
    } else {
      piece = rest.substr(0, at);
      rest = rest.substr(at + 1);
    }
    return true;
  }
};

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

// kstrtoull(s, 0): decimal, 0x hex or 0 octal, all of the text.
bool parse_number(StringView text, u64& value) {
  u64 base = 10;
  if (text.size() > 1 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X')) {
    base = 16;
    text = text.drop_front(2);
  } else if (text.size() > 1 && text[0] == '0') {
    base = 8;
    text = text.drop_front(1);
  }
  if (text.empty()) return false;
  value = 0;
  for (char c : text) {
    u64 digit;
    if (c >= '0' && c <= '9')
      digit = static_cast<u64>(c - '0');
    else if (c >= 'a' && c <= 'f')
      digit = static_cast<u64>(c - 'a' + 10);
    else if (c >= 'A' && c <= 'F')
      digit = static_cast<u64>(c - 'A' + 10);
    else
      return false;
    if (digit >= base) return false;
    if (value > (~u64{0} - digit) / base) return false;
    value = value * base + digit;
  }
  return true;
}

// The modifier Linux prints after a field name (get_hist_field_flags), or empty.
StringView modifier_name(u32 flags) {
  if (flags & kHistHex) return "hex";
  if (flags & kHistSym) return "sym";
  if (flags & kHistSymOffset) return "sym-offset";
  if (flags & kHistExecname) return "execname";
  if (flags & kHistLog2) return "log2";
  if (flags & kHistBuckets) return "buckets";
  if (flags & kHistUsecs) return "usecs";
  if (flags & kHistPercent) return "percent";
  if (flags & kHistGraph) return "graph";
  return "";
}

struct Attributes {
  StringView keys;
  StringView vals;
  StringView sort;
  StringView name;
  StringView clock;
  bool has_keys = false, has_vals = false, has_sort = false;
  StringView assignments[kHistMaxVars];
  u32 assignment_count = 0;
  StringView actions[kHistMaxActions];
  u32 action_count = 0;
};

class HistParser {
 public:
  HistParser(HistSpec& spec, const EventDefinition& event, HistError& error,
             const HistLookup& lookup)
      : spec_(spec), event_(event), error_(error), lookup_(lookup) {}

  Status parse(StringView text) {
    TRY(filter_fields_of(event_, fields_));
    Attributes attributes;
    TRY(parse_attributes(text, attributes));
    if (!attributes.has_keys) return Errno::kInval;
    TRY(parse_var_definitions(attributes));
    TRY(create_vals(attributes));
    TRY(create_vars());
    TRY(create_keys(attributes.keys));
    TRY(create_sort_keys(attributes));
    for (u32 i = 0; i < attributes.action_count; ++i) TRY(create_action(attributes.actions[i]));
    return {};
  }

 private:
  Errno fail(StringView message, StringView at) {
    error_.message = message;
    error_.at.clear();
    (void)error_.at.append(at);
    return Errno::kInval;
  }

  Status parse_attributes(StringView text, Attributes& attributes) {
    Pieces pieces{text};
    StringView piece;
    while (pieces.next(':', piece)) {
      usize equals = piece.find('=');
      if (equals != StringView::npos) {
        if (equals + 1 == piece.size()) return fail(kEmptyAssignment, piece);
        TRY(parse_assignment(piece, attributes));
      } else if (piece == StringView("nohitcount") || piece == StringView("NOHC")) {
        spec_.no_hitcount = true;
      } else if (piece == StringView("pause")) {
        spec_.pause = true;
      } else if (piece == StringView("cont") || piece == StringView("continue")) {
        spec_.cont = true;
      } else if (piece == StringView("clear")) {
        spec_.clear = true;
      } else if (piece.starts_with("onmatch(") || piece.starts_with("onmax(") ||
                 piece.starts_with("onchange(")) {
        if (attributes.action_count == kHistMaxActions) return Errno::kInval;
        attributes.actions[attributes.action_count++] = piece;
      } else {
        return Errno::kInval;
      }
    }
    return {};
  }

  Status parse_assignment(StringView piece, Attributes& attributes) {
    auto after = [&](StringView prefix, StringView& out, bool& seen) {
      if (!piece.starts_with(prefix)) return false;
      out = piece.drop_front(prefix.size());
      seen = true;
      return true;
    };
    bool ignored = false;
    if (after("key=", attributes.keys, attributes.has_keys) ||
        after("keys=", attributes.keys, attributes.has_keys) ||
        after("val=", attributes.vals, attributes.has_vals) ||
        after("vals=", attributes.vals, attributes.has_vals) ||
        after("values=", attributes.vals, attributes.has_vals) ||
        after("sort=", attributes.sort, attributes.has_sort))
      return {};
    if (piece.starts_with("name=")) {
      spec_.name.clear();
      return spec_.name.append(piece);
    }
    if (after("clock=", attributes.clock, ignored)) {
      attributes.clock = attributes.clock.trim();
      return {};
    }
    StringView size;
    if (after("size=", size, ignored)) return parse_map_size(size);
    if (attributes.assignment_count == kHistMaxVars) return fail(kTooManyVars, piece);
    attributes.assignments[attributes.assignment_count++] = piece;
    return {};
  }

  // size=N: rounded up to a power of two between 2^7 and 2^17.
  Status parse_map_size(StringView text) {
    u64 size = 0;
    if (!parse_number(text, size) || size == 0) return Errno::kInval;
    u32 bits = 0;
    while ((u64{1} << bits) < size && bits < 63) ++bits;
    if (bits < kHistBitsMin || bits > kHistBitsMax) return Errno::kInval;
    spec_.map_bits = bits;
    return {};
  }

  struct VarDefinition {
    StringView name;
    StringView expression;
  };

  Status parse_var_definitions(const Attributes& attributes) {
    for (u32 i = 0; i < attributes.assignment_count; ++i) {
      Pieces definitions{attributes.assignments[i]};
      StringView definition;
      for (u32 j = 0; j < kHistMaxVars && definitions.next(',', definition); ++j) {
        Pieces halves{definition};
        StringView name;
        halves.next('=', name);
        if (halves.done) return fail(kMalformedAssignment, name);
        if (var_count_ == kHistMaxVars) return fail(kTooManyVars, name);
        var_definitions_[var_count_++] = {name, halves.rest};
      }
    }
    return {};
  }

  Status create_vals(const Attributes& attributes) {
    TRY(append_hitcount());
    u32 made = 1;
    if (attributes.has_vals) {
      Pieces pieces{attributes.vals};
      StringView piece;
      u32 hitcounts = 0;
      while (made < kHistMaxVals && pieces.next(',', piece)) {
        if (piece == StringView("hitcount") && !hitcounts++) continue;
        TRY(create_field(piece, 0, StringView(), spec_.vals));
        ++made;
      }
      if (!pieces.done && !(pieces.rest == StringView("hitcount"))) return Errno::kInval;
    }
    if (made == 1 && spec_.no_hitcount) {
      error_.message = kNeedNohcVal;
      error_.at.clear();
      return Errno::kNoEnt;
    }
    return {};
  }

  Status append_hitcount() {
    HistNode node;
    node.kind = HistNode::Kind::kHitcount;
    node.flags = kHistHitcount;
    TRY(node.name.append("hitcount"));
    HistField field;
    field.node = TRY(add(move(node)));
    field.size = 8;
    return spec_.vals.append(move(field));
  }

  Status create_vars() {
    for (u32 i = 0; i < var_count_; ++i) {
      const VarDefinition& definition = var_definitions_[i];
      for (const HistField& var : spec_.vars)
        if (var.var_name == definition.name) return fail(kDuplicateVar, definition.name);
      TRY(create_field(definition.expression, kHistVar, definition.name, spec_.vars));
    }
    return {};
  }

  Status create_keys(StringView keys) {
    Pieces pieces{keys};
    StringView piece;
    u32 offset = 0;
    for (u32 i = 0; i < kHistMaxKeys && pieces.next(',', piece); ++i) {
      u32 size = 8;
      if (piece == StringView("common_stacktrace") || piece == StringView("stacktrace")) {
        // The call chain, taken when the event hits (as Linux, the older name lists as the
        // new one).
        HistNode node;
        node.flags = kHistKey | kHistStacktrace;
        TRY(node.name.append("common_stacktrace"));
        HistField field;
        field.node = TRY(add(move(node)));
        TRY(spec_.keys.append(move(field)));
        size = kHistStackDepth * 8;
      } else {
        TRY(create_field(piece, kHistKey, StringView(), spec_.keys));
        HistField& key = spec_.keys.back();
        if (has_var_ref(key.node)) return fail(kInvalidRefKey, piece);
        const HistNode& node = spec_.node_of(key);
        if (node.flags & kHistString)
          size =
              node.field.kind == FilterField::Kind::kCharArray ? node.field.size : kHistStringMax;
      }
      HistField& key = spec_.keys.back();
      size = (size + 7) & ~7u;
      key.offset = static_cast<u16>(offset);
      key.size = static_cast<u16>(size);
      offset += size;
      if (offset > kHistKeySizeMax) return Errno::kInval;
    }
    if (!pieces.done) return Errno::kInval;
    spec_.key_size = static_cast<u16>(offset);
    return {};
  }

  bool has_var_ref(u32 index) const {
    const HistNode& node = spec_.nodes[index];
    if (node.kind == HistNode::Kind::kVarRef) return true;
    if (node.kind == HistNode::Kind::kBinary)
      return has_var_ref(node.left) || has_var_ref(node.right);
    if (node.kind == HistNode::Kind::kNegate) return has_var_ref(node.left);
    return false;
  }

  // Linux's is_descending: no modifier, "descending" or "ascending".
  Status sort_order(StringView modifier, bool present, bool& descending) {
    descending = false;
    if (!present) return {};
    if (modifier == StringView("descending")) {
      descending = true;
      return {};
    }
    if (modifier == StringView("ascending")) return {};
    return fail(kInvalidSortModifier, modifier);
  }

  Status create_sort_keys(const Attributes& attributes) {
    spec_.sort_count = 1;
    if (!attributes.has_sort) return {};
    Pieces pieces{attributes.sort};
    u32 i = 0;
    for (; i < kHistMaxSortKeys; ++i) {
      StringView piece;
      if (!pieces.next(',', piece)) break;
      if (piece.empty()) return fail(kEmptySortField, "sort=");
      if (i == kHistMaxSortKeys - 1 && !pieces.done) return fail(kTooManySortFields, "sort=");
      Pieces parts{piece};
      StringView name;
      parts.next('.', name);
      if (name.empty()) return fail(kEmptySortField, "sort=");
      HistSortKey& key = spec_.sort[i];
      key = {};
      if (name == StringView("hitcount")) {
        TRY(sort_order(parts.rest, !parts.done, key.descending));
        continue;
      }
      u32 index = 0;
      bool found = false;
      for (u32 v = 1; v < spec_.vals.size() && !found; ++v)
        if (spec_.node_of(spec_.vals[v]).name == name) index = v, found = true;
      for (u32 k = 0; k < spec_.keys.size() && !found; ++k)
        if (spec_.node_of(spec_.keys[k]).name == name)
          index = static_cast<u32>(spec_.vals.size()) + k, found = true;
      if (!found) return fail(kInvalidSortField, name);
      key.index = index;
      TRY(sort_order(parts.rest, !parts.done, key.descending));
    }
    spec_.sort_count = i;
    return {};
  }

  // A key, value or variable: `text` is an expression; `flags` says which.
  Status create_field(StringView text, u32 flags, StringView var_name, Vector<HistField>& out) {
    u32 subexpressions = 0;
    HistField field;
    field.node = TRY(parse_expression(text, flags, subexpressions));
    const HistNode& node = spec_.nodes[field.node];
    field.is_signed = node.field.is_signed && node.kind == HistNode::Kind::kField;
    TRY(field.var_name.append(var_name));
    return out.append(move(field));
  }

  Result<u32> add(HistNode node) {
    TRY(spec_.nodes.append(move(node)));
    return static_cast<u32>(spec_.nodes.size() - 1);
  }

  // Linux's contains_operator: the root operator is the rightmost of the lowest precedence, so
  // 16-8-4 is (16-8)-4; a '-' in front is a unary minus.
  char root_operator(StringView text, usize& at) const {
    usize minus = npos_of(text, '-');
    if (minus == 0) {
      at = 0;
      return 'u';
    }
    usize plus = npos_of(text, '+');
    if (minus != StringView::npos || plus != StringView::npos) {
      if (plus != StringView::npos && (minus == StringView::npos || plus > minus)) {
        at = plus;
        return '+';
      }
      at = minus;
      return '-';
    }
    usize divide = npos_of(text, '/');
    usize multiply = npos_of(text, '*');
    if (multiply != StringView::npos && (divide == StringView::npos || multiply > divide)) {
      at = multiply;
      return '*';
    }
    if (divide != StringView::npos) {
      at = divide;
      return '/';
    }
    return 0;
  }

  static usize npos_of(StringView text, char c) {
    for (usize i = text.size(); i-- > 0;)
      if (text[i] == c) return i;
    return StringView::npos;
  }

  Result<u32> parse_expression(StringView text, u32 flags, u32& count) {
    if (count > kHistMaxSubexpressions) return fail(kTooManySubexpr, text);
    usize at = 0;
    char op = root_operator(text, at);
    if (op == 0) return parse_atom(text, flags);
    if (op == 'u') return parse_unary(text, count);
    ++count;
    StringView left_text = text.substr(0, at);
    StringView right_text = text.substr(at + 1);
    if (left_text.empty() || right_text.empty()) return Errno::kInval;
    u32 left = TRY(parse_expression(left_text, 0, count));
    if (spec_.nodes[left].flags & kHistString) return fail(kInvalidStrOperand, left_text);
    u32 right = TRY(parse_expression(right_text, 0, count));
    if (spec_.nodes[right].flags & kHistString) return fail(kInvalidStrOperand, right_text);
    // Another hist's variable read as an operand is consumed (Linux's read_once): a
    // timestamp pairs with one later event only.
    if (spec_.nodes[left].flags & kHistExternal) spec_.nodes[left].flags |= kHistReadOnce;
    if (spec_.nodes[right].flags & kHistExternal) spec_.nodes[right].flags |= kHistReadOnce;
    u32 left_flags = resolved(left).flags;
    u32 right_flags = resolved(right).flags;
    if ((left_flags & kHistUsecs) != (right_flags & kHistUsecs)) {
      error_.message = kTimestampMismatch;
      error_.at.clear();
      return Errno::kInval;
    }
    if (op == '/' && (right_flags & kHistConst) && resolved(right).constant == 0) {
      (void)fail(kDivisionByZero, right_text);
      return Errno::kDom;
    }
    HistNode node;
    node.kind = HistNode::Kind::kBinary;
    node.op = op;
    node.left = left;
    node.right = right;
    node.flags = spec_.nodes[left].flags & (kHistTimestamp | kHistUsecs);
    node.field.size = spec_.nodes[left].field.size;
    node.field.is_signed = spec_.nodes[left].field.is_signed;
    if (left_flags & right_flags & kHistConst) {
      // Two constants fold into one, as Linux collapses them.
      node.flags |= kHistConst;
      node.kind = HistNode::Kind::kConst;
      node.constant = apply_hist_operator(op, resolved(left).constant, resolved(right).constant);
      TextWriter(node.name).dec(node.constant);
    } else {
      node.flags |= kHistExpr;
      TRY(operand_text(spec_.nodes[left], node.name));
      TRY(node.name.append(op));
      TRY(operand_text(spec_.nodes[right], node.name));
    }
    return add(move(node));
  }

  // A reference stands for its variable when constants fold.
  const HistNode& resolved(u32 index) const {
    const HistNode& node = spec_.nodes[index];
    if (node.kind != HistNode::Kind::kVarRef || (node.flags & kHistExternal)) return node;
    return spec_.node_of(spec_.vars[static_cast<usize>(node.constant)]);
  }

  // Linux's expr_field_str: how an operand appears in its expression's name.
  static Status operand_text(const HistNode& node, String& out) {
    TextWriter writer(out);
    if (node.kind == HistNode::Kind::kVarRef) writer.put('$');
    writer.put(node.name.view());
    if (node.kind != HistNode::Kind::kVarRef && !modifier_name(node.flags).empty())
      writer.put('.').put(modifier_name(node.flags));
    if (node.buckets) writer.put('=').dec(node.buckets);
    return writer.ok() ? Status() : Status(Errno::kNoMem);
  }

  Result<u32> parse_unary(StringView text, u32& count) {
    ++count;
    if (count > kHistMaxSubexpressions) return fail(kTooManySubexpr, text);
    text = text.drop_front(1);
    if (text.find('(') == StringView::npos) return Errno::kInval;
    text = text.drop_front(1);
    usize close = npos_of(text, ')');
    if (close == StringView::npos) return Errno::kInval;
    if (close + 1 != text.size()) return fail(kUnaryMinusSubexpr, text);
    text = text.substr(0, close);
    u32 operand = TRY(parse_expression(text, 0, count));
    if (spec_.nodes[operand].flags & kHistString) return fail(kInvalidStrOperand, text);
    HistNode node;
    node.kind = HistNode::Kind::kNegate;
    node.left = operand;
    node.flags = kHistExpr | (spec_.nodes[operand].flags & (kHistTimestamp | kHistUsecs));
    node.field.size = spec_.nodes[operand].field.size;
    node.field.is_signed = spec_.nodes[operand].field.is_signed;
    TRY(node.name.append("-("));
    const HistNode& inner = spec_.nodes[operand];
    if (inner.kind == HistNode::Kind::kBinary) {
      TRY(operand_text(spec_.nodes[inner.left], node.name));
      TRY(node.name.append(inner.op));
      TRY(operand_text(spec_.nodes[inner.right], node.name));
    } else {
      TRY(operand_text(inner, node.name));
    }
    TRY(node.name.append(')'));
    return add(move(node));
  }

  Result<u32> parse_atom(StringView text, u32 flags) {
    HistNode node;
    if (!text.empty() && is_digit(text[0])) {
      if (!parse_number(text, node.constant)) return fail(kExpectNumber, text);
      node.kind = HistNode::Kind::kConst;
      node.flags = kHistConst;
      node.field.size = 8;
      TextWriter(node.name).dec(node.constant);
      return add(move(node));
    }
    if (text.starts_with("$")) {
      StringView name = text.drop_front(1);
      for (usize i = 0; i < spec_.vars.size(); ++i) {
        if (!(spec_.vars[i].var_name == name)) continue;
        node.kind = HistNode::Kind::kVarRef;
        node.flags = kHistVarRef;
        node.constant = i;
        node.field.size = 8;
        TRY(node.name.append(name));
        return add(move(node));
      }
      HistVarSource source;
      if (lookup_.find_var && spec_.external.size() < kHistMaxExternal &&
          lookup_.find_var(lookup_.context, name, source)) {
        node.kind = HistNode::Kind::kVarRef;
        node.flags = kHistVarRef | kHistExternal | (source.flags & (kHistTimestamp | kHistUsecs));
        node.constant = spec_.external.size();
        node.field.size = 8;
        TRY(node.name.append(name));
        TRY(spec_.external.append(source));
        return add(move(node));
      }
      return fail(kVarNotFound, name);
    }
    TRY(parse_field(text, flags, node));
    return add(move(node));
  }

  // Linux's onmatch_parse / track_data_parse and their create functions:
  // "onmatch(SYS.EVENT).trace(SYNTH,PARAMS)", "onmatch(SYS.EVENT).SYNTH(PARAMS)",
  // "onmax($var).save(FIELDS)", "onchange($var).trace(SYNTH,PARAMS)"...
  Status create_action(StringView text) {
    HistAction action;
    StringView rest = text;
    if (text.starts_with("onmatch(")) {
      rest = rest.drop_front(8);
      usize close = rest.find(')');
      if (close == StringView::npos) return fail(kNoClosingParen, rest);
      StringView match = rest.substr(0, close);
      rest = rest.drop_front(close + 1);
      usize dot = match.find('.');
      if (dot == StringView::npos) return fail(kSubsysNotFound, match);
      TRY(action.match_system.append(match.substr(0, dot)));
      TRY(action.match_event.append(match.drop_front(dot + 1)));
    } else {
      bool max = text.starts_with("onmax(");
      action.handler = max ? HistHandler::kOnMax : HistHandler::kOnChange;
      rest = rest.drop_front(max ? 6 : 9);
      usize close = rest.find(')');
      if (close == StringView::npos) return fail(kNoClosingParen, rest);
      StringView var = rest.substr(0, close);
      rest = rest.drop_front(close + 1);
      if (!var.starts_with("$")) return fail(kOnxNotVar, var);
      bool found = false;
      for (usize i = 0; i < spec_.vars.size() && !found; ++i)
        if (spec_.vars[i].var_name == var.drop_front(1)) {
          action.track_var = static_cast<u32>(i);
          found = true;
        }
      if (!found) return fail(kOnxVarNotFound, var);
      TRY(action.var_text.append(var));
      action.track_slot = spec_.action_slots++;
    }
    if (rest.starts_with(".")) rest = rest.drop_front(1);
    usize open = rest.find('(');
    if (open == StringView::npos) return fail(kNoClosingParen, rest);
    StringView name = rest.substr(0, open);
    StringView params = rest.drop_front(open + 1);
    usize end = params.find(')');
    if (end == StringView::npos) return fail(kNoClosingParen, params);
    params = params.substr(0, end);
    bool onmatch = action.handler == HistHandler::kOnMatch;
    if (name == StringView("snapshot")) {
      if (onmatch) return fail(kActionMismatch, name);
      action.kind = HistActionKind::kSnapshot;
      TRY(action.action_name.append(name));
      return spec_.actions.append(move(action));
    }
    if (name == StringView("save")) {
      if (onmatch) return fail(kActionMismatch, name);
      action.kind = HistActionKind::kSave;
    }
    TRY(action.action_name.append(name));
    Pieces pieces{params};
    StringView param;
    StringView synth_name = name;
    bool first = true;
    while (pieces.next(',', param)) {
      param = param.trim();
      if (first && name == StringView("trace")) {
        synth_name = param;
        first = false;
        continue;
      }
      first = false;
      if (param.empty()) continue;
      if (action.written.size() == kHistMaxParams) return fail(kTooManyParams, param);
      String copy;
      TRY(copy.append(param));
      TRY(action.written.append(move(copy)));
    }
    if (action.kind == HistActionKind::kSave) return create_save(move(action), params);
    action.synth = lookup_.find_synth ? lookup_.find_synth(lookup_.context, synth_name) : nullptr;
    if (!action.synth) return fail(kSynthEventNotFound, synth_name);
    const SynthDefinition& synth = action.synth->synth();
    if (action.written.size() != synth.fields.size()) return fail(kSynthCountMismatch, synth_name);
    for (usize i = 0; i < action.written.size(); ++i) {
      u32 node = TRY(parse_param(action.written[i].view()));
      bool is_string = (spec_.nodes[node].flags & kHistString) != 0;
      const SynthField& field = synth.fields[i];
      if (is_string != field.is_string || field.is_stack)
        return fail(kSynthTypeMismatch, action.written[i].view());
      TRY(action.params.append(node));
    }
    return spec_.actions.append(move(action));
  }

  // save(FIELDS): one per trigger; each field gets its slots in every entry.
  Status create_save(HistAction action, StringView params) {
    if (action.written.empty()) return fail(kNoSaveParams, params);
    for (const HistAction& other : spec_.actions)
      if (other.kind == HistActionKind::kSave) return fail(kTooManySaveActions, params);
    for (usize i = 0; i < action.written.size(); ++i) {
      u32 node = TRY(parse_param(action.written[i].view()));
      TRY(action.params.append(node));
      TRY(action.save_slots.append(spec_.action_slots));
      spec_.action_slots += spec_.nodes[node].flags & kHistString ? kHistSavedStringSlots : 1;
    }
    return spec_.actions.append(move(action));
  }

  // An action's parameter: a variable ($x, this trigger's or another's), or a field of this
  // event, either maybe qualified by this event's SYS.EVENT. Fields of another event (Linux's
  // field variables) are not supported.
  Result<u32> parse_param(StringView text) {
    usize dot = text.find('.');
    if (dot != StringView::npos && text.find('.', dot + 1) != StringView::npos) {
      usize second = text.find('.', dot + 1);
      if (!(text.substr(0, dot) == event_.system) ||
          !(text.substr(dot + 1, second - dot - 1) == event_.name))
        return fail(kFieldVarCreateFail, text);
      text = text.drop_front(second + 1);
    }
    if (text.starts_with("$")) {
      // This trigger's variables, then another's (parse_atom looks in that order).
      auto found = parse_atom(text, 0);
      if (!found.ok()) return fail(kParamNotFound, text);
      return found;
    }
    u32 count = 0;
    auto made = parse_expression(text, 0, count);
    if (!made.ok()) return fail(kParamNotFound, text);
    return made;
  }

  Status parse_modifier(StringView name, StringView modifier, u32 flags, HistNode& node) {
    if (modifier == StringView("hex")) {
      node.flags |= kHistHex;
    } else if (modifier == StringView("sym")) {
      node.flags |= kHistSym;
    } else if (modifier == StringView("symXoffset")) {
      node.flags |= kHistSymOffset;
    } else if (modifier == StringView("execname") && name == StringView("common_pid")) {
      node.flags |= kHistExecname;
    } else if (modifier == StringView("log2")) {
      node.flags |= kHistLog2;
    } else if (modifier == StringView("usecs")) {
      node.flags |= kHistUsecs;
    } else if (modifier.starts_with("bucket")) {
      StringView rest = modifier.drop_front(6);
      if (rest.starts_with("s")) rest = rest.drop_front(1);
      if (!rest.starts_with("=") || !parse_number(rest.drop_front(1), node.buckets) ||
          node.buckets == 0)
        return fail(kBadFieldModifier, modifier);
      node.flags |= kHistBuckets;
    } else if (modifier.starts_with("percent") && !(flags & (kHistVar | kHistKey))) {
      node.flags |= kHistPercent;
    } else if (modifier.starts_with("graph") && !(flags & (kHistVar | kHistKey))) {
      node.flags |= kHistGraph;
    } else {
      return fail(kBadFieldModifier, modifier);
    }
    return {};
  }

  // Linux's parse_field: NAME[.MODIFIER] where NAME is an event field or a common_* value.
  Status parse_field(StringView text, u32 flags, HistNode& node) {
    Pieces parts{text};
    StringView name;
    parts.next('.', name);
    if (!parts.done) TRY(parse_modifier(name, parts.rest, flags, node));
    node.field.size = 8;
    if (name == StringView("common_timestamp")) {
      node.kind = HistNode::Kind::kTimestamp;
      node.flags |= kHistTimestamp;
      spec_.timestamps = true;
      return node.name.append(name);
    }
    if (name == StringView("common_cpu") || name == StringView("cpu") ||
        name == StringView("CPU")) {
      node.kind = HistNode::Kind::kCpu;
      node.flags |= kHistCpu;
      node.field.size = 4;
      return node.name.append("common_cpu");
    }
    if (name == StringView("hitcount")) {
      node.kind = HistNode::Kind::kHitcount;
      node.flags |= kHistHitcount;
      return node.name.append(name);
    }
    const FilterField* found = nullptr;
    for (const FilterField& common : kCommonFilterFields)
      if (common.name == name) found = &common;
    for (const FilterField& field : fields_)
      if (field.name == name) found = &field;
    if (!found || found->size == 0) return fail(kFieldNotFound, name);
    node.kind = HistNode::Kind::kField;
    node.field = *found;
    if (found->kind != FilterField::Kind::kInteger) node.flags |= kHistString;
    return node.name.append(name);
  }

  HistSpec& spec_;
  const EventDefinition& event_;
  HistError& error_;
  const HistLookup& lookup_;
  Vector<FilterField> fields_;
  VarDefinition var_definitions_[kHistMaxVars];
  u32 var_count_ = 0;
};

// Linux's hist_field_print: how a key, value, variable or sort key appears in the listing.
void print_field(const HistSpec& spec, const HistField& field, TextWriter& out) {
  const HistNode& node = spec.node_of(field);
  if (!field.var_name.empty()) out.put(field.var_name.view()).put('=');
  if (node.flags & kHistCpu) {
    out.put("common_cpu");
  } else if (node.flags & kHistConst) {
    out.dec(node.constant);
  } else {
    if (node.kind == HistNode::Kind::kVarRef) out.put('$');
    out.put(node.name.view());
  }
  if (node.kind != HistNode::Kind::kVarRef && !(node.flags & kHistExpr) &&
      !modifier_name(node.flags).empty())
    out.put('.').put(modifier_name(node.flags));
  if (node.buckets) out.put('=').dec(node.buckets);
}

void print_sort_key(const HistSpec& spec, const HistSortKey& key, TextWriter& out) {
  if (key.index == 0)
    out.put("hitcount");
  else if (key.index < spec.vals.size())
    print_field(spec, spec.vals[key.index], out);
  else
    print_field(spec, spec.keys[key.index - spec.vals.size()], out);
  if (key.descending) out.put(".descending");
}

// keys, vals, variables and sort keys: the part of the listing both printers share.
void print_fields(const HistSpec& spec, TextWriter& out) {
  out.put("keys=");
  for (usize i = 0; i < spec.keys.size(); ++i) {
    if (i) out.put(',');
    print_field(spec, spec.keys[i], out);
  }
  out.put(":vals=");
  bool shown = false;
  for (usize i = 0; i < spec.vals.size(); ++i) {
    if (i == 0) {
      if (spec.no_hitcount) continue;
      out.put("hitcount");
    } else {
      if (shown) out.put(',');
      print_field(spec, spec.vals[i], out);
    }
    shown = true;
  }
  for (usize i = 0; i < spec.vars.size(); ++i) {
    out.put(i ? ',' : ':');
    print_field(spec, spec.vars[i], out);
  }
  out.put(":sort=");
  for (u32 i = 0; i < spec.sort_count; ++i) {
    if (i) out.put(',');
    print_sort_key(spec, spec.sort[i], out);
  }
}

}  // namespace

Result<OwnPtr<HistSpec>> parse_hist_spec(StringView attributes, const EventDefinition& event,
                                         HistError& error, const HistLookup& lookup) {
  OwnPtr<HistSpec> spec(tg::create<HistSpec>());
  if (!spec) return Errno::kNoMem;
  // Linux rewrites ".sym-offset" as ".symXoffset" so that its '-' is no operator.
  String text = TRY(String::from(attributes));
  for (usize at = text.view().find(".sym-offset"); at != StringView::npos;
       at = text.view().find(".sym-offset", at + 11))
    text.data()[at + 4] = 'X';
  HistParser parser(*spec, event, error, lookup);
  TRY(parser.parse(text.view()));
  return spec;
}

Status print_hist_spec(const HistSpec& spec, String& out) {
  TextWriter writer(out);
  writer.put("hist:");
  if (!spec.name.empty()) writer.put(spec.name.view()).put(':');
  print_fields(spec, writer);
  writer.put(":size=").dec(spec.max_elements());
  if (spec.timestamps) writer.put(":clock=global");
  if (spec.no_hitcount) writer.put(":nohitcount");
  // Linux's print_onmatch_spec and print_track_data_spec: the parameters as written.
  for (const HistAction& action : spec.actions) {
    if (action.handler == HistHandler::kOnMatch) {
      writer.put(":onmatch(").put(action.match_system.view()).put('.');
      writer.put(action.match_event.view());
    } else {
      writer.put(action.handler == HistHandler::kOnMax ? ":onmax(" : ":onchange(");
      writer.put(action.var_text.view());
    }
    writer.put(").").put(action.action_name.view()).put('(');
    bool trace = action.action_name.view() == StringView("trace");
    if (trace) writer.put(action.synth->definition().event.view());
    for (usize i = 0; i < action.written.size(); ++i)
      writer.put(i || trace ? "," : "").put(action.written[i].view());
    writer.put(')');
  }
  return writer.ok() ? Status() : Status(Errno::kNoMem);
}

Status hist_signature(const HistSpec& spec, String& out) {
  TextWriter writer(out);
  print_fields(spec, writer);
  // Triggers with different actions are different triggers (Linux's actions_match).
  for (const HistAction& action : spec.actions) {
    writer.put(":on").dec(static_cast<u32>(action.handler)).put(action.var_text.view());
    writer.put(action.match_system.view()).put('.');
    writer.put(action.match_event.view()).put(").").put(action.action_name.view());
    for (const String& param : action.written) writer.put(',').put(param.view());
  }
  return writer.ok() ? Status() : Status(Errno::kNoMem);
}

u64 apply_hist_operator(char op, u64 a, u64 b) {
  switch (op) {
    case '+':
      return a + b;
    case '-':
      return a - b;
    case '*':
      return a * b;
    default:
      return b ? a / b : ~u64{0};
  }
}

}  // namespace tg::trace
