#include "Tasks/WaitQueue.h"

#include "Arch/x86_64/PerCpu.h"
#include "Tasks/Scheduler.h"
#include "Tasks/Task.h"

void WaitQueue::prepare_to_wait(WaitQueueEntry& entry) {
  SpinLockGuard guard(lock_);
  if (!entry.node.is_linked()) waiters_.push_back(entry.node);
  // Sequentially consistent: the state must be visible before the caller reads the
  // condition, or a waker that set the condition could see us still Runnable.
  __atomic_store_n(&entry.task->state, TaskState::Sleeping, __ATOMIC_SEQ_CST);
}

void WaitQueue::finish_wait(WaitQueueEntry& entry) {
  __atomic_store_n(&entry.task->state, TaskState::Runnable, __ATOMIC_SEQ_CST);
  SpinLockGuard guard(lock_);
  if (entry.node.is_linked()) entry.node.unlink();
}

u32 WaitQueue::wake_up() {
  SpinLockGuard guard(lock_);
  u32 woken = 0;
  for (ListNode* node = waiters_.begin(); node != waiters_.end(); node = node->next) {
    if (wake_up_process(container_of(node, WaitQueueEntry, node)->task)) ++woken;
  }
  return woken;
}
