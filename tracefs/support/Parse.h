#pragma once
#include "support/Result.h"
#include "support/StringView.h"

namespace tg {

// Linux's kstrtoul(s, 10) as tracefs numeric files use it: one trailing newline allowed,
// nothing else around the digits; no sign, no base prefix. Empty or stray bytes -> EINVAL,
// above 2^64-1 -> ERANGE.
Result<u64> parse_unsigned(StringView text);

// Splits off the first whitespace-separated word, as Linux's trace_get_user does for list
// files. `consumed` is how many input bytes the word and its surrounding blanks used.
struct Word {
  StringView word;
  usize consumed;
};
Word next_word(StringView input);

}  // namespace tg
