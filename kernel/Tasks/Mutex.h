#pragma once

#include "Tasks/WaitQueue.h"

struct Task;
class Mutex;

// Out of line and traceable under Linux's names (mutex_lock, mutex_unlock, mutex_trylock).
extern "C" {
void mutex_lock(Mutex* mutex);
bool mutex_trylock(Mutex* mutex);
void mutex_unlock(Mutex* mutex);
}

// A sleeping lock for task context, as Linux's struct mutex: a contended lock puts its
// caller to sleep instead of spinning with interrupts masked, so it may be held across
// long copies. Never taken from an interrupt handler.
class Mutex {
 public:
  constexpr Mutex() = default;
  Mutex(const Mutex&) = delete;
  Mutex& operator=(const Mutex&) = delete;

  void lock() { mutex_lock(this); }
  bool try_lock() { return mutex_trylock(this); }
  void unlock() { mutex_unlock(this); }

 private:
  friend void mutex_lock(Mutex*);
  friend bool mutex_trylock(Mutex*);
  friend void mutex_unlock(Mutex*);

  Task* owner_ = nullptr;
  WaitQueue waiters_;
};

class MutexGuard {
 public:
  explicit MutexGuard(Mutex& mutex) : mutex_(mutex) { mutex_.lock(); }
  ~MutexGuard() { mutex_.unlock(); }
  MutexGuard(const MutexGuard&) = delete;
  MutexGuard& operator=(const MutexGuard&) = delete;

 private:
  Mutex& mutex_;
};
