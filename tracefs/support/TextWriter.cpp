#include "support/TextWriter.h"

namespace tg {

usize format_decimal(u64 value, char* buf) {
  char tmp[20];
  usize n = 0;
  do {
    tmp[n++] = static_cast<char>('0' + value % 10);
    value /= 10;
  } while (value);
  for (usize i = 0; i < n; ++i) buf[i] = tmp[n - 1 - i];
  return n;
}

TextWriter& TextWriter::repeat(char c, usize count) {
  char chunk[32];
  memset(chunk, c, sizeof chunk);
  while (count) {
    usize n = count < sizeof chunk ? count : sizeof chunk;
    put(StringView(chunk, n));
    count -= n;
  }
  return *this;
}

TextWriter& TextWriter::dec(u64 value, usize width, char pad) {
  char digits[20];
  usize n = format_decimal(value, digits);
  if (width > n) repeat(pad, width - n);
  return put(StringView(digits, n));
}

TextWriter& TextWriter::sdec(i64 value, usize width) {
  char digits[21];
  usize n = 0;
  u64 magnitude = value < 0 ? 0 - static_cast<u64>(value) : static_cast<u64>(value);
  if (value < 0) digits[n++] = '-';
  n += format_decimal(magnitude, digits + n);
  if (width > n) repeat(' ', width - n);
  return put(StringView(digits, n));
}

TextWriter& TextWriter::dec_left(i64 value, usize width) {
  usize before = out_.size();
  sdec(value);
  usize written = out_.size() - before;
  if (width > written) repeat(' ', width - written);
  return *this;
}

TextWriter& TextWriter::hex(u64 value, usize width, char pad) {
  char tmp[16];
  usize n = 0;
  do {
    tmp[n++] = "0123456789abcdef"[value & 0xf];
    value >>= 4;
  } while (value);
  if (width > n) repeat(pad, width - n);
  char digits[16];
  for (usize i = 0; i < n; ++i) digits[i] = tmp[n - 1 - i];
  return put(StringView(digits, n));
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
