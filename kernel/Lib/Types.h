#pragma once

// Fixed-width types for a freestanding build: no libc headers are available.
using u8 = unsigned char;
using u16 = unsigned short;
using u32 = unsigned int;
using u64 = unsigned long;
using i8 = signed char;
using i16 = short;
using i32 = int;
using i64 = long;
using size_t = unsigned long;
using ssize_t = long;
using uintptr_t = unsigned long;
using nullptr_t = decltype(nullptr);

static_assert(sizeof(u64) == 8 && sizeof(void*) == 8, "x86-64 LP64 only");

// Functions that must never carry an fentry site: entry stubs, per-CPU and IRQ paths
// the tracer itself runs through, and anything reached before tracing can be trusted.
#define notrace __attribute__((no_instrument_function))
#define always_inline_notrace inline __attribute__((always_inline, no_instrument_function))
#define noreturn_fn [[noreturn]]
#define packed_struct __attribute__((packed))
#define likely(x) __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)

template <typename T, size_t N>
constexpr size_t array_size(T (&)[N]) {
  return N;
}

template <typename T>
constexpr T align_up(T value, T alignment) {
  return (value + alignment - 1) & ~(alignment - 1);
}

template <typename T>
constexpr T align_down(T value, T alignment) {
  return value & ~(alignment - 1);
}

template <typename T>
constexpr const T& min(const T& a, const T& b) {
  return a < b ? a : b;
}

template <typename T>
constexpr const T& max(const T& a, const T& b) {
  return a < b ? b : a;
}
