#include "Time/Timer.h"

#include "Arch/x86_64/PerCpu.h"
#include "Lib/SpinLock.h"
#include "Time/Clock.h"
#include "Trace/TracePoints.h"

namespace {
// Each CPU keeps its own list sorted by deadline, so the tick looks only at the head.
struct TimerBase {
  SpinLock lock;
  List timers;
};
TimerBase g_bases[kMaxCpus];

void insert_sorted(TimerBase& base, Timer& timer) {
  for (ListNode* node = base.timers.begin(); node != base.timers.end(); node = node->next) {
    if (container_of(node, Timer, node)->deadline_ns > timer.deadline_ns) {
      node->insert_before(timer.node);
      return;
    }
  }
  base.timers.push_back(timer.node);
}

Timer* pop_expired(TimerBase& base, u64 now) {
  SpinLockGuard guard(base.lock);
  ListNode* node = base.timers.front();
  if (!node) return nullptr;
  Timer* timer = container_of(node, Timer, node);
  if (timer->deadline_ns > now) return nullptr;
  node->unlink();
  timer->pending = false;
  return timer;
}
}  // namespace

void timer_setup(Timer& timer, void (*callback)(Timer&)) {
  timer.node.reset();
  timer.callback = callback;
  timer.pending = false;
}

void timer_add(Timer& timer, u64 deadline_ns) {
  u64 flags = local_irq_save();
  timer.cpu = this_cpu_id();
  TimerBase& base = g_bases[timer.cpu];
  base.lock.lock_raw();
  timer.deadline_ns = deadline_ns;
  timer.pending = true;
  insert_sorted(base, timer);
  base.lock.unlock_raw();
  local_irq_restore(flags);
}

bool timer_cancel(Timer& timer) {
  TimerBase& base = g_bases[timer.cpu];
  SpinLockGuard guard(base.lock);
  if (!timer.pending) return false;
  timer.node.unlink();
  timer.pending = false;
  return true;
}

void timers_run_expired() {
  TimerBase& base = g_bases[this_cpu_id()];
  u64 now = clock_ns();
  while (Timer* timer = pop_expired(base, now)) {
    trace_timer_expire_entry(timer, reinterpret_cast<u64>(timer->callback));
    timer->callback(*timer);
    trace_timer_expire_exit(timer);
  }
}
