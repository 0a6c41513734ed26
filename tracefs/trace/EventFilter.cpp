#include "trace/EventFilter.h"

#include "trace/Glob.h"

namespace tg::trace {

namespace {

// Linux's texts, so scripts that grep error_log see what they expect.
constexpr StringView kFieldNotFound = "Field not found";
constexpr StringView kInvalidValue = "Invalid value (did you forget quotes)?";
constexpr StringView kIllegalIntval = "Illegal integer value";
constexpr StringView kIllegalOp = "Illegal operation for field type";
constexpr StringView kTooManyOpen = "Too many '('";
constexpr StringView kTooManyClose = "Too few '('";
constexpr StringView kMissingQuote = "Missing matching quote";
constexpr StringView kMeaningless = "Meaningless filter expression";
constexpr StringView kOperandTooLong = "Operand too long";
constexpr StringView kTooManyPreds = "Too many terms in predicate expression";

// Bounds that keep parsing and evaluation (both recursive) shallow and small.
constexpr u32 kMaxDepth = 32;
constexpr usize kMaxNodes = 256;
constexpr usize kMaxOperand = 256;

struct Comparison {
  StringView text;
  EventFilter::Op op;
};
// Longest first, so `<=` is not read as `<`.
constexpr Comparison kComparisons[] = {
    {"==", EventFilter::Op::kEq},  {"!=", EventFilter::Op::kNe},    {"<=", EventFilter::Op::kLe},
    {">=", EventFilter::Op::kGe},  {"<", EventFilter::Op::kLt},     {">", EventFilter::Op::kGt},
    {"~", EventFilter::Op::kGlob}, {"&", EventFilter::Op::kBitAnd},
};

bool is_name_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}
bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

bool is_string_op(EventFilter::Op op) {
  return op == EventFilter::Op::kEq || op == EventFilter::Op::kNe || op == EventFilter::Op::kGlob;
}

// Decimal or 0x-hex, with an optional '-' (two's complement, as kstrtoll into a u64).
bool parse_number(StringView text, u64& value) {
  bool negative = !text.empty() && text.front() == '-';
  if (negative) text = text.drop_front(1);
  u64 base = 10;
  if (text.size() > 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X')) {
    base = 16;
    text = text.drop_front(2);
  }
  if (text.empty()) return false;
  u64 result = 0;
  for (char c : text) {
    u64 digit;
    if (is_digit(c))
      digit = static_cast<u64>(c - '0');
    else if (base == 16 && c >= 'a' && c <= 'f')
      digit = static_cast<u64>(c - 'a' + 10);
    else if (base == 16 && c >= 'A' && c <= 'F')
      digit = static_cast<u64>(c - 'A' + 10);
    else
      return false;
    if (result > (kU64Max - digit) / base) return false;
    result = result * base + digit;
  }
  value = negative ? ~result + 1 : result;
  return true;
}

u64 load_unsigned(const u8* p, u16 size) {
  u64 value = 0;
  for (u16 i = 0; i < size; ++i) value |= u64{p[i]} << (8 * i);
  return value;
}

i64 sign_extend(u64 value, u16 size) {
  if (size >= 8) return static_cast<i64>(value);
  u64 sign = u64{1} << (size * 8 - 1);
  return static_cast<i64>((value ^ sign) - sign);
}

}  // namespace

// Recursive descent over the filter text; positions are byte offsets into it.
class FilterParser {
 public:
  FilterParser(StringView text, Span<const FilterField> fields, EventFilter& filter,
               FilterError& error)
      : text_(text), fields_(fields), filter_(filter), error_(error) {}

  Status parse() {
    u32 root = TRY(parse_or(0));
    skip_spaces();
    if (pos_ < text_.size()) return fail(text_[pos_] == ')' ? kTooManyClose : kMeaningless, pos_);
    filter_.root_ = root;
    return {};
  }

 private:
  Status fail(StringView message, usize position) {
    error_.message = message;
    // Linux puts the caret one column past the position its parser stopped at.
    error_.caret = position + 1;
    return Errno::kInval;
  }

  void skip_spaces() {
    while (pos_ < text_.size() && StringView::is_space(text_[pos_])) ++pos_;
  }
  bool take(StringView token) {
    skip_spaces();
    if (!text_.drop_front(pos_).starts_with(token)) return false;
    pos_ += token.size();
    return true;
  }

  Result<u32> add(const EventFilter::Node& node) {
    if (filter_.nodes_.size() >= kMaxNodes) return fail(kTooManyPreds, pos_).error();
    TRY(filter_.nodes_.append(node));
    return static_cast<u32>(filter_.nodes_.size() - 1);
  }
  Result<u32> join(EventFilter::Op op, u32 left, u32 right) {
    EventFilter::Node node{};
    node.op = op;
    node.left = left;
    node.right = right;
    return add(node);
  }

  Result<u32> parse_or(u32 depth) {
    u32 left = TRY(parse_and(depth));
    while (take("||")) left = TRY(join(EventFilter::Op::kOr, left, TRY(parse_and(depth))));
    return left;
  }
  Result<u32> parse_and(u32 depth) {
    u32 left = TRY(parse_unary(depth));
    while (take("&&")) left = TRY(join(EventFilter::Op::kAnd, left, TRY(parse_unary(depth))));
    return left;
  }
  Result<u32> parse_unary(u32 depth) {
    skip_spaces();
    if (depth >= kMaxDepth) return fail(kTooManyOpen, pos_).error();
    if (pos_ < text_.size() && text_[pos_] == '!' &&
        !(pos_ + 1 < text_.size() && text_[pos_ + 1] == '=')) {
      ++pos_;
      return join(EventFilter::Op::kNot, TRY(parse_unary(depth + 1)), 0);
    }
    if (take("(")) {
      usize open = pos_ - 1;
      u32 inner = TRY(parse_or(depth + 1));
      if (!take(")")) return fail(kTooManyOpen, open).error();
      return inner;
    }
    return parse_predicate();
  }

  const FilterField* find_field(StringView name) const {
    for (const auto& field : fields_)
      if (field.name == name) return &field;
    for (const auto& field : kCommonFilterFields)
      if (field.name == name) return &field;
    return nullptr;
  }

  Result<u32> parse_predicate() {
    skip_spaces();
    usize start = pos_;
    while (pos_ < text_.size() && is_name_char(text_[pos_])) ++pos_;
    StringView name = text_.substr(start, pos_ - start);
    if (name.empty()) return fail(kMeaningless, start).error();
    const FilterField* field = find_field(name);
    if (!field) return fail(kFieldNotFound, pos_).error();
    skip_spaces();
    const Comparison* comparison = nullptr;
    for (const auto& candidate : kComparisons)
      if (text_.drop_front(pos_).starts_with(candidate.text)) {
        comparison = &candidate;
        break;
      }
    if (!comparison) return fail(kIllegalOp, pos_).error();
    pos_ += comparison->text.size();
    skip_spaces();
    EventFilter::Node node{};
    node.op = comparison->op;
    node.field = *field;
    if (field->kind == FilterField::Kind::kInteger)
      TRY(parse_number_value(node));
    else
      TRY(parse_string_value(node));
    return add(node);
  }

  // A value runs to a blank, a parenthesis or a logical operator.
  StringView bare_value() {
    usize start = pos_;
    while (pos_ < text_.size() && !StringView::is_space(text_[pos_]) && text_[pos_] != ')' &&
           text_[pos_] != '(' && text_[pos_] != '&' && text_[pos_] != '|')
      ++pos_;
    return text_.substr(start, pos_ - start);
  }

  Status parse_number_value(EventFilter::Node& node) {
    if (node.op == EventFilter::Op::kGlob) return fail(kIllegalOp, pos_ - 1);
    usize start = pos_;
    bool numeric_start = pos_ < text_.size() && (is_digit(text_[pos_]) || text_[pos_] == '-');
    if (!numeric_start) return fail(kInvalidValue, start);
    StringView value = bare_value();
    if (!parse_number(value, node.number)) return fail(kIllegalIntval, start);
    return {};
  }

  Status parse_string_value(EventFilter::Node& node) {
    if (!is_string_op(node.op)) return fail(kIllegalOp, pos_ - 1);
    usize start = pos_;
    StringView value;
    if (pos_ < text_.size() && (text_[pos_] == '"' || text_[pos_] == '\'')) {
      char quote = text_[pos_];
      usize end = text_.find(quote, pos_ + 1);
      if (end == StringView::npos) return fail(kMissingQuote, start);
      value = text_.substr(pos_ + 1, end - pos_ - 1);
      pos_ = end + 1;
    } else {
      value = bare_value();
      if (value.empty()) return fail(kInvalidValue, start);
    }
    if (value.size() > kMaxOperand) return fail(kOperandTooLong, start);
    TRY(filter_.strings_.append(TRY(String::from(value))));
    node.string_index = static_cast<u32>(filter_.strings_.size() - 1);
    return {};
  }

  StringView text_;
  Span<const FilterField> fields_;
  EventFilter& filter_;
  FilterError& error_;
  usize pos_ = 0;
};

Result<OwnPtr<EventFilter>> EventFilter::parse(StringView text, Span<const FilterField> fields,
                                               FilterError& error) {
  OwnPtr<EventFilter> filter(create<EventFilter>());
  if (!filter) return Errno::kNoMem;
  filter->text_ = TRY(String::from(text));
  FilterParser parser(filter->text_.view(), fields, *filter, error);
  TRY(parser.parse());
  return filter;
}

bool EventFilter::matches(const u8* payload, usize size) const {
  if (nodes_.empty()) return true;
  return evaluate(root_, payload, size);
}

bool EventFilter::evaluate(u32 index, const u8* payload, usize size) const {
  const Node& node = nodes_[index];
  switch (node.op) {
    case Op::kAnd:
      return evaluate(node.left, payload, size) && evaluate(node.right, payload, size);
    case Op::kOr:
      return evaluate(node.left, payload, size) || evaluate(node.right, payload, size);
    case Op::kNot:
      return !evaluate(node.left, payload, size);
    default:
      break;
  }
  if (node.field.kind == FilterField::Kind::kInteger) return compare_number(node, payload, size);
  return compare_string(node, payload, size);
}

bool EventFilter::compare_number(const Node& node, const u8* payload, usize size) const {
  const FilterField& field = node.field;
  if (field.size == 0 || field.size > 8 || usize{field.offset} + field.size > size) return false;
  u64 raw = load_unsigned(payload + field.offset, field.size);
  if (node.op == Op::kBitAnd) return (raw & node.number) != 0;
  if (field.is_signed) {
    i64 a = sign_extend(raw, field.size);
    i64 b = static_cast<i64>(node.number);
    switch (node.op) {
      case Op::kEq:
        return a == b;
      case Op::kNe:
        return a != b;
      case Op::kLt:
        return a < b;
      case Op::kLe:
        return a <= b;
      case Op::kGt:
        return a > b;
      case Op::kGe:
        return a >= b;
      default:
        return false;
    }
  }
  u64 b = node.number;
  switch (node.op) {
    case Op::kEq:
      return raw == b;
    case Op::kNe:
      return raw != b;
    case Op::kLt:
      return raw < b;
    case Op::kLe:
      return raw <= b;
    case Op::kGt:
      return raw > b;
    case Op::kGe:
      return raw >= b;
    default:
      return false;
  }
}

bool EventFilter::compare_string(const Node& node, const u8* payload, usize size) const {
  const FilterField& field = node.field;
  usize start = field.offset;
  usize length = field.size;
  if (field.kind == FilterField::Kind::kDynamicString) {
    if (usize{field.offset} + 4 > size) return false;
    u64 location = load_unsigned(payload + field.offset, 4);
    start = location & 0xffff;
    length = location >> 16;
  }
  if (start > size) return false;
  // A char array of no declared size (ftrace/print's `char buf[]`) runs to its NUL, as
  // Linux's regex_match_full compares with a field length of 0.
  if (field.kind == FilterField::Kind::kCharArray && length == 0) length = size - start;
  if (length > size - start) return false;
  const char* chars = reinterpret_cast<const char*>(payload + start);
  usize n = 0;
  while (n < length && chars[n] != '\0') ++n;
  StringView value(chars, n);
  StringView wanted = strings_[node.string_index].view();
  switch (node.op) {
    case Op::kEq:
      return value == wanted;
    case Op::kNe:
      return !(value == wanted);
    case Op::kGlob:
      return glob_match(wanted, value);
    default:
      return false;
  }
}

}  // namespace tg::trace
