#include "support/Parse.h"

namespace tg {

Result<u64> parse_unsigned(StringView text) {
  text = text.strip_newline();
  if (text.empty()) return Errno::kInval;
  u64 value = 0;
  bool overflow = false;
  for (char c : text) {
    if (c < '0' || c > '9') return Errno::kInval;
    u64 digit = static_cast<u64>(c - '0');
    if (value > (kU64Max - digit) / 10) overflow = true;
    value = value * 10 + digit;
  }
  if (overflow) return Errno::kRange;
  return value;
}

Word next_word(StringView input) {
  usize i = 0;
  while (i < input.size() && StringView::is_space(input[i])) ++i;
  usize start = i;
  while (i < input.size() && !StringView::is_space(input[i])) ++i;
  StringView word = input.substr(start, i - start);
  // Linux consumes the one separator after a word too.
  if (i < input.size()) ++i;
  return {word, i};
}

}  // namespace tg
