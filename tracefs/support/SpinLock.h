#pragma once
#include "support/Atomic.h"

namespace tg {

// Linux's arch_spinlock_t: a bare test-and-set lock, no lockdep, no preemption bookkeeping.
// The holder keeps interrupts masked around it (Linux's local_irq_save + arch_spin_lock), so
// nothing on its CPU can ask for it again; the stack tracer takes it from the fentry path.
class ArchSpinLock {
 public:
  void lock() {
    while (held_.exchange(1, MemoryOrder::kAcquire)) {
      while (held_.load(MemoryOrder::kRelaxed)) relax();
    }
  }
  void unlock() { held_.store(0, MemoryOrder::kRelease); }

 private:
  static void relax() {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#endif
  }
  Atomic<u32> held_{0};
};

}  // namespace tg
