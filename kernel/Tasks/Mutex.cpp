#include "Tasks/Mutex.h"

#include "Arch/x86_64/PerCpu.h"
#include "Tasks/Task.h"

extern "C" {
bool mutex_trylock(Mutex* mutex) {
  Task* expected = nullptr;
  return __atomic_compare_exchange_n(&mutex->owner_, &expected, current_task(), false,
                                     __ATOMIC_ACQUIRE, __ATOMIC_RELAXED);
}

void mutex_lock(Mutex* mutex) {
  if (mutex_trylock(mutex)) return;
  wait_event(mutex->waiters_, mutex_trylock(mutex));
}

// Every sleeper wakes and retries; one wins, the rest sleep again (wait_event's loop).
void mutex_unlock(Mutex* mutex) {
  __atomic_store_n(&mutex->owner_, nullptr, __ATOMIC_RELEASE);
  mutex->waiters_.wake_up();
}
}
