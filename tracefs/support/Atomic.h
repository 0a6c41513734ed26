#pragma once
#include "support/Types.h"

namespace tg {

enum class MemoryOrder : int {
  kRelaxed = __ATOMIC_RELAXED,
  kAcquire = __ATOMIC_ACQUIRE,
  kRelease = __ATOMIC_RELEASE,
  kAcqRel = __ATOMIC_ACQ_REL,
  kSeqCst = __ATOMIC_SEQ_CST,
};

// std::atomic's core on GCC builtins, for integers and pointers.
template <typename T>
class Atomic {
 public:
  constexpr Atomic() = default;
  constexpr Atomic(T value) : value_(value) {}
  Atomic(const Atomic&) = delete;
  Atomic& operator=(const Atomic&) = delete;

  T load(MemoryOrder order = MemoryOrder::kSeqCst) const {
    return __atomic_load_n(&value_, static_cast<int>(order));
  }
  void store(T value, MemoryOrder order = MemoryOrder::kSeqCst) {
    __atomic_store_n(&value_, value, static_cast<int>(order));
  }
  T exchange(T value, MemoryOrder order = MemoryOrder::kSeqCst) {
    return __atomic_exchange_n(&value_, value, static_cast<int>(order));
  }
  bool compare_exchange(T& expected, T desired, MemoryOrder order = MemoryOrder::kSeqCst) {
    return __atomic_compare_exchange_n(&value_, &expected, desired, false, static_cast<int>(order),
                                       __ATOMIC_RELAXED);
  }
  T fetch_add(T delta, MemoryOrder order = MemoryOrder::kSeqCst) {
    return __atomic_fetch_add(&value_, delta, static_cast<int>(order));
  }
  T fetch_or(T bits, MemoryOrder order = MemoryOrder::kSeqCst) {
    return __atomic_fetch_or(&value_, bits, static_cast<int>(order));
  }
  T fetch_and(T bits, MemoryOrder order = MemoryOrder::kSeqCst) {
    return __atomic_fetch_and(&value_, bits, static_cast<int>(order));
  }
  T fetch_sub(T delta, MemoryOrder order = MemoryOrder::kSeqCst) {
    return __atomic_fetch_sub(&value_, delta, static_cast<int>(order));
  }
  T* address() { return &value_; }

 private:
  T value_{};
};

inline void atomic_fence(MemoryOrder order) {
  __atomic_thread_fence(static_cast<int>(order));
}

// Word-sized copies through relaxed atomics: lets a reader copy a page that its writer may be
// reusing at the same time (the copy is validated afterwards), without a data race.
inline void atomic_copy_words(u32* dst, const u32* src, usize words) {
  for (usize i = 0; i < words; ++i) dst[i] = __atomic_load_n(&src[i], __ATOMIC_RELAXED);
}
inline void atomic_store_words(u32* dst, const u32* src, usize words) {
  for (usize i = 0; i < words; ++i) __atomic_store_n(&dst[i], src[i], __ATOMIC_RELAXED);
}

}  // namespace tg
