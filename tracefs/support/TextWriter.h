#pragma once
#include "support/String.h"

namespace tg {

// Appends formatted text to a String: the printf subset the trace formats need, without
// varargs or floating point. Allocation failure is sticky and reported by ok().
class TextWriter {
 public:
  explicit TextWriter(String& out) : out_(out) {}

  // Separators and columns are a few bytes: a loop is cheaper than a call to memcpy; names
  // and longer text go through memcpy, which moves eight bytes a step.
  TextWriter& put(StringView text) {
    if (text.size() > 8) return put_long(text);
    char* at = grow(text.size());
    if (at)
      for (usize i = 0; i < text.size(); ++i) at[i] = text[i];
    return *this;
  }
  TextWriter& put(char c) {
    char* at = grow(1);
    if (at) *at = c;
    return *this;
  }
  TextWriter& repeat(char c, usize count);
  // Unsigned decimal, right-aligned in `width` (padded with `pad`).
  TextWriter& dec(u64 value, usize width = 0, char pad = ' ');
  TextWriter& sdec(i64 value, usize width = 0);
  // Left-aligned decimal (printf "%-*d").
  TextWriter& dec_left(i64 value, usize width);
  TextWriter& hex(u64 value, usize width = 0, char pad = '0');
  // Text right-aligned ("%*s") or left-aligned ("%-*s") in width; never truncated.
  TextWriter& right(StringView text, usize width);
  TextWriter& left(StringView text, usize width);
  // "%5lu.%06lu" of a nanosecond timestamp as seconds.microseconds (Linux's trace clock).
  TextWriter& seconds_usecs(u64 ns, usize secs_width = 5);

  bool ok() const { return !failed_; }
  usize size() const { return out_.size(); }
  String& string() { return out_; }

 private:
  // Room for `n` more bytes, written in place; nullptr (and failed) when out of memory, and
  // nullptr (nothing to write) for 0.
  char* grow(usize n) {
    if (n == 0) return nullptr;
    char* at = out_.extend(n);
    if (!at) failed_ = true;
    return at;
  }
  TextWriter& put_long(StringView text);
  // `digits` right-aligned in `width`, padded with `pad`.
  TextWriter& padded(const char* digits, usize n, usize width, char pad);

  String& out_;
  bool failed_ = false;
};

// Digits of an unsigned value in base 10 into buf (at least 20 bytes); returns the count.
usize format_decimal(u64 value, char* buf);

}  // namespace tg
