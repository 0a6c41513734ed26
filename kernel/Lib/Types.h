#pragma once

#include "support/Types.h"

// Fixed-width types for a freestanding build (no libc headers are available): tracefs's,
// so that a size or an address means the same type on both sides of a call into the core.
using tg::i16;
using tg::i32;
using tg::i64;
using tg::i8;
using tg::u16;
using tg::u32;
using tg::u64;
using tg::u8;
using size_t = tg::usize;
using ssize_t = tg::isize;
using uintptr_t = tg::uptr;
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

using tg::max;
using tg::min;
