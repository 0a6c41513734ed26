#pragma once

#include "Arch/x86_64/Cpu.h"
#include "Lib/Types.h"

// The bare lock word, inline and never traced: what the tracer's own paths use, as Linux's
// arch_spinlock_t, so that taking a lock inside the tracer never re-enters it.
class ArchSpinLock {
 public:
  constexpr ArchSpinLock() = default;
  ArchSpinLock(const ArchSpinLock&) = delete;
  ArchSpinLock& operator=(const ArchSpinLock&) = delete;

  always_inline_notrace void lock() {
    while (__atomic_exchange_n(&locked_, 1, __ATOMIC_ACQUIRE)) {
      while (__atomic_load_n(&locked_, __ATOMIC_RELAXED)) cpu_relax();
    }
  }
  always_inline_notrace bool try_lock() { return !__atomic_exchange_n(&locked_, 1, __ATOMIC_ACQUIRE); }
  always_inline_notrace void unlock() { __atomic_store_n(&locked_, 0, __ATOMIC_RELEASE); }
  bool is_locked() const { return __atomic_load_n(&locked_, __ATOMIC_RELAXED); }

 private:
  int locked_ = 0;
};

class SpinLock;

// Out of line and traceable under Linux's names, so `_raw_spin_lock` and friends can be
// filtered, probed and seen in a function trace as on Linux.
extern "C" {
void _raw_spin_lock(SpinLock* lock);
bool _raw_spin_trylock(SpinLock* lock);
void _raw_spin_unlock(SpinLock* lock);
u64 _raw_spin_lock_irqsave(SpinLock* lock);
void _raw_spin_unlock_irqrestore(SpinLock* lock, u64 flags);
}

// Every kernel spinlock masks interrupts while held, so an interrupt handler (and the
// preemption that may follow it) can never find a lock its own CPU already holds.
class SpinLock {
 public:
  constexpr SpinLock() = default;
  SpinLock(const SpinLock&) = delete;
  SpinLock& operator=(const SpinLock&) = delete;

  u64 lock() { return _raw_spin_lock_irqsave(this); }
  void unlock(u64 flags) { _raw_spin_unlock_irqrestore(this, flags); }
  // For callers that already run with interrupts masked (the scheduler's lock hand-off).
  void lock_raw() { _raw_spin_lock(this); }
  bool try_lock_raw() { return _raw_spin_trylock(this); }
  void unlock_raw() { _raw_spin_unlock(this); }
  bool is_locked() const { return word_.is_locked(); }
  ArchSpinLock& word() { return word_; }

 private:
  ArchSpinLock word_;
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

// The untraced counterpart, interrupts masked while held (Linux's arch_spin_lock with
// local_irq_save around it).
class ArchSpinLockGuard {
 public:
  always_inline_notrace explicit ArchSpinLockGuard(ArchSpinLock& lock)
      : lock_(lock), flags_(local_irq_save()) {
    lock_.lock();
  }
  always_inline_notrace ~ArchSpinLockGuard() {
    lock_.unlock();
    local_irq_restore(flags_);
  }
  ArchSpinLockGuard(const ArchSpinLockGuard&) = delete;
  ArchSpinLockGuard& operator=(const ArchSpinLockGuard&) = delete;

 private:
  ArchSpinLock& lock_;
  u64 flags_;
};
