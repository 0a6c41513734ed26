#pragma once
// Fixed-width integer names for the freestanding core. Only compiler-provided macros are
// used, so this builds with -nostdinc++ and without libc.

namespace tg {

using u8 = __UINT8_TYPE__;
using u16 = __UINT16_TYPE__;
using u32 = __UINT32_TYPE__;
using u64 = __UINT64_TYPE__;
using i8 = __INT8_TYPE__;
using i16 = __INT16_TYPE__;
using i32 = __INT32_TYPE__;
using i64 = __INT64_TYPE__;
using usize = __SIZE_TYPE__;
using isize = __PTRDIFF_TYPE__;
using uptr = __UINTPTR_TYPE__;

inline constexpr u64 kU64Max = ~u64{0};

// The recording path: code every traced call or event runs. GCC puts such functions in
// .text.hot, which the kernel's linker script gathers at the start of .text, so the path
// spans few pages: under an emulator a jump to another page costs a lookup.
#define TG_HOT __attribute__((hot))
// The small steps of the recording path that must fold into their caller (GCC's heuristics
// otherwise keep some out of line, and a record built in memory for such a call makes its
// byte fields a store-forwarding stall).
#define TG_ALWAYS_INLINE __attribute__((always_inline))

template <typename T>
struct RemoveReference {
  using Type = T;
};
template <typename T>
struct RemoveReference<T&> {
  using Type = T;
};
template <typename T>
struct RemoveReference<T&&> {
  using Type = T;
};

template <typename T>
constexpr typename RemoveReference<T>::Type&& move(T&& value) {
  return static_cast<typename RemoveReference<T>::Type&&>(value);
}

template <typename T>
constexpr T&& forward(typename RemoveReference<T>::Type& value) {
  return static_cast<T&&>(value);
}

template <typename T>
constexpr void swap(T& a, T& b) {
  T tmp = move(a);
  a = move(b);
  b = move(tmp);
}

template <typename T>
constexpr const T& min(const T& a, const T& b) {
  return b < a ? b : a;
}
template <typename T>
constexpr const T& max(const T& a, const T& b) {
  return a < b ? b : a;
}

}  // namespace tg
