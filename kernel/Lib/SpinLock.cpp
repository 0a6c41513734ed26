#include "Lib/SpinLock.h"

extern "C" {
void _raw_spin_lock(SpinLock* lock) {
  lock->word().lock();
}

bool _raw_spin_trylock(SpinLock* lock) {
  return lock->word().try_lock();
}

void _raw_spin_unlock(SpinLock* lock) {
  lock->word().unlock();
}

u64 _raw_spin_lock_irqsave(SpinLock* lock) {
  u64 flags = local_irq_save();
  lock->word().lock();
  return flags;
}

void _raw_spin_unlock_irqrestore(SpinLock* lock, u64 flags) {
  lock->word().unlock();
  local_irq_restore(flags);
}
}
