#include "Boot/CommandLine.h"

#include "Lib/String.h"

namespace {
char g_cmdline[2048];

struct Word {
  const char* text;
  size_t length;
};

// Yields the next space-separated word from `cursor`; length 0 at the end.
Word next_word(const char*& cursor) {
  while (*cursor == ' ') ++cursor;
  const char* start = cursor;
  while (*cursor && *cursor != ' ') ++cursor;
  return Word{start, static_cast<size_t>(cursor - start)};
}

// The value part of `word` when it reads `key=...`, else nullptr.
const char* value_of(const Word& word, const char* key) {
  size_t key_length = strlen(key);
  if (word.length <= key_length || strncmp(word.text, key, key_length) != 0) return nullptr;
  return word.text[key_length] == '=' ? word.text + key_length + 1 : nullptr;
}
}  // namespace

void cmdline_init(const char* text) {
  strlcpy(g_cmdline, text, sizeof(g_cmdline));
}

const char* cmdline_text() {
  return g_cmdline;
}

void cmdline_for_each(const char* key, void (*visit)(const char*, size_t, void*), void* context) {
  const char* cursor = g_cmdline;
  for (Word word = next_word(cursor); word.length; word = next_word(cursor)) {
    const char* value = value_of(word, key);
    if (value) visit(value, word.length - static_cast<size_t>(value - word.text), context);
  }
}

bool cmdline_value(const char* key, char* value, size_t size) {
  struct Found {
    char* out;
    size_t size;
    bool found;
  } found{value, size, false};
  cmdline_for_each(
      key,
      [](const char* text, size_t length, void* context) {
        auto* f = static_cast<Found*>(context);
        if (f->found || !f->size) return;
        size_t n = min(length, f->size - 1);
        memcpy(f->out, text, n);
        f->out[n] = '\0';
        f->found = true;
      },
      &found);
  return found.found;
}

bool cmdline_flag(const char* flag) {
  const char* cursor = g_cmdline;
  size_t flag_length = strlen(flag);
  for (Word word = next_word(cursor); word.length; word = next_word(cursor)) {
    if (word.length == flag_length && strncmp(word.text, flag, flag_length) == 0) return true;
  }
  return false;
}

bool parse_u64(const char* text, size_t length, u64& out) {
  if (!length) return false;
  unsigned base = 10;
  if (length > 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X')) {
    base = 16;
    text += 2;
    length -= 2;
  }
  u64 value = 0;
  for (size_t i = 0; i < length; ++i) {
    char c = text[i];
    unsigned digit;
    if (c >= '0' && c <= '9') {
      digit = c - '0';
    } else if (base == 16 && c >= 'a' && c <= 'f') {
      digit = c - 'a' + 10;
    } else if (base == 16 && c >= 'A' && c <= 'F') {
      digit = c - 'A' + 10;
    } else {
      return false;
    }
    if (value > (~0ul - digit) / base) return false;
    value = value * base + digit;
  }
  out = value;
  return true;
}
