#pragma once
#include "support/StringView.h"

namespace tg::trace {

// A function-filter word as Linux classifies it: `x*`, `*x` and `*x*` are plain prefix,
// suffix and substring tests (the common cases, kept cheap); a `?`, `[`, `\` or an inner
// `*` makes it a full glob; anything else must match exactly.
class Glob {
 public:
  enum class Kind { kExact, kPrefix, kSuffix, kSubstring, kFull };

  static Glob parse(StringView word);
  bool matches(StringView name) const;

  Kind kind() const { return kind_; }
  // The text the test uses: the word without the `*`s that chose a cheap kind.
  StringView search() const { return search_; }

 private:
  Glob(Kind kind, StringView search) : kind_(kind), search_(search) {}
  Kind kind_;
  StringView search_;
};

// Shell-style match: `*` any run, `?` any one byte, `[a-z]`/`[!a]` a class, `\x` a literal x.
bool glob_match(StringView pattern, StringView text);

}  // namespace tg::trace
