#include "Lib/Format.h"

#include "Lib/String.h"

namespace {

struct Output {
  char* buffer;
  size_t size;
  size_t length = 0;

  void put(char c) {
    if (length + 1 < size) buffer[length] = c;
    ++length;
  }
};

struct Spec {
  bool left_align = false;
  bool zero_pad = false;
  int width = 0;
  int length_modifier = 0;  // 0 int, 1 long or long long (both 64-bit here)
  int precision = -1;       // %.Ns / %.*s: at most N characters
  bool precision_from_args = false;
};

void put_padded(Output& out, const char* text, size_t length, const Spec& spec, bool numeric) {
  size_t pad = spec.width > 0 && static_cast<size_t>(spec.width) > length ? spec.width - length : 0;
  char pad_char = spec.zero_pad && numeric && !spec.left_align ? '0' : ' ';
  // A zero-padded negative number keeps its sign in front of the zeros.
  if (pad_char == '0' && length && text[0] == '-') {
    out.put('-');
    ++text;
    --length;
  }
  if (!spec.left_align) {
    for (size_t i = 0; i < pad; ++i) out.put(pad_char);
  }
  for (size_t i = 0; i < length; ++i) out.put(text[i]);
  if (spec.left_align) {
    for (size_t i = 0; i < pad; ++i) out.put(' ');
  }
}

size_t render_unsigned(char* digits, u64 value, unsigned base, bool upper) {
  const char* alphabet = upper ? "0123456789ABCDEF" : "0123456789abcdef";
  char reversed[24];
  size_t count = 0;
  do {
    reversed[count++] = alphabet[value % base];
    value /= base;
  } while (value);
  for (size_t i = 0; i < count; ++i) digits[i] = reversed[count - 1 - i];
  return count;
}

const char* parse_spec(const char* p, Spec& spec) {
  for (;; ++p) {
    if (*p == '-') {
      spec.left_align = true;
    } else if (*p == '0') {
      spec.zero_pad = true;
    } else {
      break;
    }
  }
  while (*p >= '0' && *p <= '9') spec.width = spec.width * 10 + (*p++ - '0');
  if (*p == '.') {
    ++p;
    spec.precision = 0;
    if (*p == '*') {
      spec.precision_from_args = true;
      ++p;
    }
    while (*p >= '0' && *p <= '9') spec.precision = spec.precision * 10 + (*p++ - '0');
  }
  while (*p == 'l' || *p == 'z') {
    spec.length_modifier = 1;
    ++p;
  }
  return p;
}

u64 take_unsigned(va_list& args, const Spec& spec) {
  return spec.length_modifier ? va_arg(args, u64) : va_arg(args, unsigned);
}

i64 take_signed(va_list& args, const Spec& spec) {
  return spec.length_modifier ? va_arg(args, i64) : va_arg(args, int);
}

}  // namespace

size_t vformat(char* buffer, size_t size, const char* format, va_list incoming) {
  // A local copy: a va_list parameter has decayed to a pointer and cannot bind to va_list&.
  va_list args;
  __builtin_va_copy(args, incoming);
  Output out{buffer, size};
  for (const char* p = format; *p; ++p) {
    if (*p != '%') {
      out.put(*p);
      continue;
    }
    Spec spec;
    p = parse_spec(p + 1, spec);
    if (spec.precision_from_args) spec.precision = va_arg(args, int);
    char digits[26];
    size_t count = 0;
    switch (*p) {
      case 'd':
      case 'i': {
        i64 value = take_signed(args, spec);
        u64 magnitude = value < 0 ? 0 - static_cast<u64>(value) : static_cast<u64>(value);
        if (value < 0) digits[count++] = '-';
        count += render_unsigned(digits + count, magnitude, 10, false);
        put_padded(out, digits, count, spec, true);
        break;
      }
      case 'u':
        count = render_unsigned(digits, take_unsigned(args, spec), 10, false);
        put_padded(out, digits, count, spec, true);
        break;
      case 'x':
      case 'X':
        count = render_unsigned(digits, take_unsigned(args, spec), 16, *p == 'X');
        put_padded(out, digits, count, spec, true);
        break;
      case 'p':
        digits[0] = '0';
        digits[1] = 'x';
        count =
            2 + render_unsigned(digits + 2, reinterpret_cast<u64>(va_arg(args, void*)), 16, false);
        put_padded(out, digits, count, spec, false);
        break;
      case 's': {
        const char* text = va_arg(args, const char*);
        if (!text) text = "(null)";
        size_t length = 0;
        while ((spec.precision < 0 || length < static_cast<size_t>(spec.precision)) &&
               text[length]) {
          ++length;
        }
        put_padded(out, text, length, spec, false);
        break;
      }
      case 'c':
        digits[0] = static_cast<char>(va_arg(args, int));
        put_padded(out, digits, 1, spec, false);
        break;
      case '%':
        out.put('%');
        break;
      case '\0':
        --p;
        break;
      default:
        out.put('%');
        out.put(*p);
        break;
    }
  }
  __builtin_va_end(args);
  if (size) buffer[out.length < size ? out.length : size - 1] = '\0';
  return out.length < size ? out.length : size - 1;
}

size_t format(char* buffer, size_t size, const char* fmt, ...) {
  va_list args;
  va_start(args, fmt);
  size_t length = vformat(buffer, size, fmt, args);
  va_end(args);
  return length;
}
