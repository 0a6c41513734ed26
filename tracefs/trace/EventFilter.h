#pragma once
#include "support/Memory.h"
#include "support/Result.h"
#include "support/Span.h"
#include "support/String.h"
#include "support/Vector.h"

namespace tg::trace {

// A field of an event's payload as the filter sees it (the event's format file, including
// the common_* header fields).
struct FilterField {
  enum class Kind : u8 { kInteger, kCharArray, kDynamicString };
  StringView name;
  u16 offset;
  u16 size;
  bool is_signed;
  Kind kind;
};

// The four common fields every event payload starts with.
inline constexpr FilterField kCommonFilterFields[] = {
    {"common_type", 0, 2, false, FilterField::Kind::kInteger},
    {"common_flags", 2, 1, false, FilterField::Kind::kInteger},
    {"common_preempt_count", 3, 1, false, FilterField::Kind::kInteger},
    {"common_pid", 4, 4, true, FilterField::Kind::kInteger},
};

// Why a filter did not parse: Linux's message and the column (in the filter text) the caret
// goes under.
struct FilterError {
  StringView message;
  usize caret = 0;
};

// A compiled event filter: `field OP value` predicates (== != < <= > >= & on numbers, == !=
// and the `~` glob on strings) joined by && and || with parentheses and `!`. Events call
// matches() on their payload before committing a record.
class EventFilter {
 public:
  // `fields`: the event's own fields; the common_* fields are always known.
  static Result<OwnPtr<EventFilter>> parse(StringView text, Span<const FilterField> fields,
                                           FilterError& error);
  EventFilter() = default;
  ~EventFilter() = default;

  bool matches(const u8* payload, usize size) const;
  StringView text() const { return text_.view(); }

  enum class Op : u8 { kAnd, kOr, kNot, kEq, kNe, kLt, kLe, kGt, kGe, kBitAnd, kGlob };
  struct Node {
    Op op;
    u32 left = 0;   // kAnd/kOr/kNot: child node; predicates: unused
    u32 right = 0;  // kAnd/kOr: child node
    FilterField field{};
    u64 number = 0;
    u32 string_index = 0;  // into strings_ for string predicates
  };

 private:
  friend class FilterParser;
  bool evaluate(u32 node, const u8* payload, usize size) const;
  bool compare_number(const Node& node, const u8* payload, usize size) const;
  bool compare_string(const Node& node, const u8* payload, usize size) const;

  String text_;
  Vector<Node> nodes_;
  Vector<String> strings_;
  u32 root_ = 0;
};

}  // namespace tg::trace
