#pragma once

#include "Lib/List.h"
#include "Lib/SpinLock.h"

struct Task;

struct WaitQueueEntry {
  ListNode node;
  Task* task;
};

// Tasks sleeping until a condition holds, as Linux's wait_queue_head. The waker changes the
// condition first, then calls wake_up; a sleeper re-checks the condition after every
// wake-up, so spurious wake-ups are harmless and none can be lost.
class WaitQueue {
 public:
  void prepare_to_wait(WaitQueueEntry& entry);
  void finish_wait(WaitQueueEntry& entry);
  // Wakes every sleeper; returns how many were asleep.
  u32 wake_up();

 private:
  SpinLock lock_;
  List waiters_;
};

void schedule();

// Sleeps until `condition` is true. The condition is evaluated in the sleeper's context.
#define wait_event(queue, condition)           \
  do {                                         \
    WaitQueueEntry _entry{{}, current_task()}; \
    for (;;) {                                 \
      (queue).prepare_to_wait(_entry);         \
      if (condition) break;                    \
      schedule();                              \
    }                                          \
    (queue).finish_wait(_entry);               \
  } while (0)
