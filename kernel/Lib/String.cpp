#include "Lib/String.h"

// The tracer copies through these, so they stay out of the traced set.
extern "C" {

// Eight bytes a step, then the tail: under an emulator (TCG) every iteration of a `rep`
// string instruction is a round of its own, so `rep movsb` alone costs eight times as many.
notrace void* memcpy(void* dest, const void* src, size_t count) {
  void* original = dest;
  size_t words = count / 8;
  size_t tail = count % 8;
  asm volatile("rep movsq" : "+D"(dest), "+S"(src), "+c"(words) : : "memory");
  asm volatile("rep movsb" : "+D"(dest), "+S"(src), "+c"(tail) : : "memory");
  return original;
}

notrace void* memmove(void* dest, const void* src, size_t count) {
  auto* d = static_cast<u8*>(dest);
  auto* s = static_cast<const u8*>(src);
  if (d <= s || d >= s + count) return memcpy(dest, src, count);
  // Overlapping with the destination above the source: copy backwards.
  while (count--) d[count] = s[count];
  return dest;
}

notrace void* memset(void* dest, int value, size_t count) {
  void* original = dest;
  u64 pattern = static_cast<u8>(value) * 0x0101010101010101ull;
  size_t words = count / 8;
  size_t tail = count % 8;
  asm volatile("rep stosq" : "+D"(dest), "+c"(words) : "a"(pattern) : "memory");
  asm volatile("rep stosb" : "+D"(dest), "+c"(tail) : "a"(pattern) : "memory");
  return original;
}

notrace int memcmp(const void* a, const void* b, size_t count) {
  auto* x = static_cast<const u8*>(a);
  auto* y = static_cast<const u8*>(b);
  for (size_t i = 0; i < count; ++i) {
    if (x[i] != y[i]) return x[i] < y[i] ? -1 : 1;
  }
  return 0;
}

notrace size_t strlen(const char* text) {
  size_t length = 0;
  while (text[length]) ++length;
  return length;
}

notrace int strcmp(const char* a, const char* b) {
  while (*a && *a == *b) ++a, ++b;
  return static_cast<u8>(*a) - static_cast<u8>(*b);
}

notrace int strncmp(const char* a, const char* b, size_t count) {
  for (size_t i = 0; i < count; ++i) {
    if (a[i] != b[i] || !a[i]) return static_cast<u8>(a[i]) - static_cast<u8>(b[i]);
  }
  return 0;
}
}

size_t strlcpy(char* dest, const char* src, size_t size) {
  size_t length = strlen(src);
  if (size) {
    size_t n = min(length, size - 1);
    memcpy(dest, src, n);
    dest[n] = '\0';
  }
  return length;
}
