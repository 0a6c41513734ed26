#include "support/TextWriter.h"

namespace tg {

namespace {

// The digits of `value`, written backwards so that they end at `end`; returns where they
// start. At least 20 bytes before `end`.
char* decimal_backwards(u64 value, char* end) {
  char* at = end;
  do {
    *--at = static_cast<char>('0' + value % 10);
    value /= 10;
  } while (value);
  return at;
}

}  // namespace

usize format_decimal(u64 value, char* buf) {
  char tmp[20];
  char* start = decimal_backwards(value, tmp + sizeof tmp);
  usize n = static_cast<usize>(tmp + sizeof tmp - start);
  for (usize i = 0; i < n; ++i) buf[i] = start[i];
  return n;
}

TextWriter& TextWriter::padded(const char* digits, usize n, usize width, char pad) {
  usize padding = width > n ? width - n : 0;
  char* at = grow(padding + n);
  if (!at) return *this;
  for (usize i = 0; i < padding; ++i) at[i] = pad;
  for (usize i = 0; i < n; ++i) at[padding + i] = digits[i];
  return *this;
}

TextWriter& TextWriter::put_long(StringView text) {
  char* at = grow(text.size());
  if (at) memcpy(at, text.data(), text.size());
  return *this;
}

TextWriter& TextWriter::repeat(char c, usize count) {
  char* at = grow(count);
  if (!at) return *this;
  for (usize i = 0; i < count; ++i) at[i] = c;
  return *this;
}

TextWriter& TextWriter::dec(u64 value, usize width, char pad) {
  char digits[20];
  char* start = decimal_backwards(value, digits + sizeof digits);
  return padded(start, static_cast<usize>(digits + sizeof digits - start), width, pad);
}

TextWriter& TextWriter::sdec(i64 value, usize width) {
  char digits[21];
  u64 magnitude = value < 0 ? 0 - static_cast<u64>(value) : static_cast<u64>(value);
  char* start = decimal_backwards(magnitude, digits + sizeof digits);
  if (value < 0) *--start = '-';
  return padded(start, static_cast<usize>(digits + sizeof digits - start), width, ' ');
}

TextWriter& TextWriter::dec_left(i64 value, usize width) {
  usize before = out_.size();
  sdec(value);
  usize written = out_.size() - before;
  if (width > written) repeat(' ', width - written);
  return *this;
}

TextWriter& TextWriter::hex(u64 value, usize width, char pad) {
  char digits[16];
  char* start = digits + sizeof digits;
  do {
    *--start = "0123456789abcdef"[value & 0xf];
    value >>= 4;
  } while (value);
  return padded(start, static_cast<usize>(digits + sizeof digits - start), width, pad);
}

TextWriter& TextWriter::right(StringView text, usize width) {
  if (width > text.size()) repeat(' ', width - text.size());
  return put(text);
}

TextWriter& TextWriter::left(StringView text, usize width) {
  put(text);
  if (width > text.size()) repeat(' ', width - text.size());
  return *this;
}

TextWriter& TextWriter::seconds_usecs(u64 ns, usize secs_width) {
  dec(ns / 1000000000, secs_width);
  put('.');
  return dec((ns % 1000000000) / 1000, 6, '0');
}

}  // namespace tg
