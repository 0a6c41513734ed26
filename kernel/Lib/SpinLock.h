#pragma once

#include "Arch/x86_64/Cpu.h"
#include "Lib/Types.h"

// Every kernel spinlock masks interrupts while held, so an interrupt handler (and the
// preemption that may follow it) can never find a lock its own CPU already holds.
class SpinLock {
 public:
  constexpr SpinLock() = default;
  SpinLock(const SpinLock&) = delete;
  SpinLock& operator=(const SpinLock&) = delete;

  always_inline_notrace u64 lock() {
    u64 flags = local_irq_save();
    lock_raw();
    return flags;
  }
  always_inline_notrace void unlock(u64 flags) {
    unlock_raw();
    local_irq_restore(flags);
  }
  // For callers that already run with interrupts masked (the scheduler's lock hand-off).
  always_inline_notrace void lock_raw() {
    while (__atomic_exchange_n(&locked_, 1, __ATOMIC_ACQUIRE)) {
      while (__atomic_load_n(&locked_, __ATOMIC_RELAXED)) cpu_relax();
    }
  }
  always_inline_notrace bool try_lock_raw() {
    return !__atomic_exchange_n(&locked_, 1, __ATOMIC_ACQUIRE);
  }
  always_inline_notrace void unlock_raw() { __atomic_store_n(&locked_, 0, __ATOMIC_RELEASE); }
  bool is_locked() const { return __atomic_load_n(&locked_, __ATOMIC_RELAXED); }

 private:
  int locked_ = 0;
};

class SpinLockGuard {
 public:
  explicit SpinLockGuard(SpinLock& lock) : lock_(lock), flags_(lock.lock()) {}
  ~SpinLockGuard() { lock_.unlock(flags_); }
  SpinLockGuard(const SpinLockGuard&) = delete;
  SpinLockGuard& operator=(const SpinLockGuard&) = delete;

 private:
  SpinLock& lock_;
  u64 flags_;
};
