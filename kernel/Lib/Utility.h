#pragma once

#include "Lib/Types.h"

namespace klib {

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

}  // namespace klib

// Placement new: the only operator new the kernel's headers need to see. tracefs's
// support/Memory.h defines the same two under the same guard.
#ifndef TRACEGATE_PLACEMENT_NEW
#define TRACEGATE_PLACEMENT_NEW
inline void* operator new(size_t, void* where) noexcept { return where; }
inline void* operator new[](size_t, void* where) noexcept { return where; }
#endif
