#include "Tasks/Scheduler.h"

#include "Arch/x86_64/Interrupts.h"
#include "Arch/x86_64/Lapic.h"
#include "Arch/x86_64/PerCpu.h"
#include "Console/Log.h"
#include "Lib/String.h"
#include "Memory/Heap.h"
#include "Memory/Layout.h"
#include "Memory/PageAllocator.h"
#include "Tasks/Rcu.h"
#include "Tasks/Task.h"
#include "Time/Clock.h"
#include "Time/Timer.h"
#include "Trace/TracePoints.h"

struct RunQueue {
  SpinLock lock;
  List queue;
  u32 nr_queued;
  Task* current;
  Task* idle;
  SchedStats stats;
};

extern "C" Task* switch_to(Task* prev, Task* next);
extern "C" void task_entry_trampoline();

namespace {
constexpr u32 kSliceTicks = 10;

RunQueue g_run_queues[kMaxCpus];
Task g_idle_tasks[kMaxCpus];
i32 g_next_pid = 1;
const SchedTraceHooks* g_trace_hooks;
SpinLock g_all_tasks_lock;
List g_all_tasks;

always_inline_notrace RunQueue& this_rq() {
  return *this_cpu()->run_queue;
}

// The queue stays sorted by prio: a task goes behind every task of its own priority (FIFO
// among equals) and in front of the first one it outranks, so the head is what runs next.
void enqueue(RunQueue& rq, Task* task) {
  ListNode* before = rq.queue.end();
  for (ListNode* node = rq.queue.begin(); node != rq.queue.end(); node = node->next) {
    if (container_of(node, Task, run_node)->prio > task->prio) {
      before = node;
      break;
    }
  }
  before->insert_before(task->run_node);
  task->queued = true;
  ++rq.nr_queued;
}

Task* dequeue_first(RunQueue& rq) {
  ListNode* node = rq.queue.pop_front();
  if (!node) return nullptr;
  Task* task = container_of(node, Task, run_node);
  task->queued = false;
  --rq.nr_queued;
  return task;
}

// The priority of the task that would run next, or one past the lowest when none waits.
i32 head_prio(RunQueue& rq) {
  ListNode* node = rq.queue.front();
  return node ? container_of(node, Task, run_node)->prio : kNormalPrio + 1;
}

void dequeue(RunQueue& rq, Task* task) {
  task->run_node.unlink();
  task->queued = false;
  --rq.nr_queued;
}

// Locks the run queue `task` belongs to, following it if it migrates meanwhile.
RunQueue& lock_task_rq(Task* task) {
  for (;;) {
    u32 cpu = __atomic_load_n(&task->cpu, __ATOMIC_ACQUIRE);
    RunQueue& rq = g_run_queues[cpu];
    rq.lock.lock_raw();
    if (task->cpu == cpu) return rq;
    rq.lock.unlock_raw();
  }
}

// Makes `cpu` reconsider what it runs: a flag locally, an IPI elsewhere.
void kick_cpu(u32 cpu) {
  if (cpu == this_cpu_id()) {
    this_cpu()->need_resched = 1;
    return;
  }
  lapic_send_ipi(g_per_cpu[cpu].apic_id, kVectorReschedule);
}

void enqueue_on(u32 cpu, Task* task) {
  RunQueue& rq = g_run_queues[cpu];
  rq.lock.lock_raw();
  task->cpu = cpu;
  enqueue(rq, task);
  bool preempts = rq.current == rq.idle || task->prio < rq.current->prio;
  rq.lock.unlock_raw();
  if (preempts || cpu != this_cpu_id()) kick_cpu(cpu);
}

void free_task_stack(Task* task) {
  free_pages(task->stack, kTaskStackPages);
  task->stack = nullptr;
  __atomic_store_n(&task->stack_freed, true, __ATOMIC_RELEASE);
  task->exited.wake_up();
}

// Runs on the CPU that just switched away from `last`, in the new task's context, with
// this run queue's lock still held from __schedule. Anything that must wait until `last`
// is truly off its stack happens here.
void trace_migrate(Task* task, u32 from, u32 to) {
  const SchedTraceHooks* hooks = __atomic_load_n(&g_trace_hooks, __ATOMIC_ACQUIRE);
  if (hooks && hooks->on_migrate) hooks->on_migrate(task, from, to);
}

void finish_switch(Task* last) {
  RunQueue& rq = this_rq();
  i32 target = last->migrate_to;
  bool dead = last->state == TaskState::Dead;
  rq.lock.unlock_raw();
  if (target >= 0) {
    last->migrate_to = -1;
    ++g_run_queues[target].stats.migrations_in;
    trace_migrate(last, last->cpu, static_cast<u32>(target));
    enqueue_on(static_cast<u32>(target), last);
  }
  if (dead) free_task_stack(last);
}

void account_switch(RunQueue& rq, Task* prev, Task* next) {
  u64 now = clock_ns();
  prev->runtime_ns += now - prev->switched_in_ns;
  next->switched_in_ns = now;
  next->slice_ticks = 0;
  ++next->switches;
  ++rq.stats.switches;
}

// The core: called with interrupts masked and this CPU's run-queue lock held; returns
// with the lock released. `preempted` keeps a task that was interrupted on its way to sleep
// on the run queue, so the wake-up it was about to wait for cannot be lost.
void __schedule(bool preempted) {
  rcu_note_context_switch();
  PerCpu* cpu = this_cpu();
  RunQueue& rq = *cpu->run_queue;
  Task* prev = rq.current;
  cpu->need_resched = 0;
  bool keep =
      prev->state == TaskState::Runnable || (preempted && prev->state == TaskState::Sleeping);
  if (keep && prev != rq.idle && prev->migrate_to < 0 && !prev->queued) enqueue(rq, prev);

  Task* next = dequeue_first(rq);
  if (!next) next = rq.idle;
  if (next == prev) {
    rq.lock.unlock_raw();
    return;
  }
  rq.current = next;
  cpu->current = next;
  account_switch(rq, prev, next);
  const SchedTraceHooks* hooks = __atomic_load_n(&g_trace_hooks, __ATOMIC_ACQUIRE);
  if (hooks && hooks->on_switch) hooks->on_switch(prev, next);
  Task* last = switch_to(prev, next);
  finish_switch(last);
}

// Steals one waiting task from another CPU for this idle one; true if it got one.
bool pull_task() {
  u32 self = this_cpu_id();
  RunQueue& mine = g_run_queues[self];
  for (u32 other = 0; other < g_cpus_online; ++other) {
    RunQueue& theirs = g_run_queues[other];
    if (other == self || __atomic_load_n(&theirs.nr_queued, __ATOMIC_RELAXED) == 0) continue;
    RunQueue& first = other < self ? theirs : mine;
    RunQueue& second = other < self ? mine : theirs;
    first.lock.lock_raw();
    second.lock.lock_raw();
    Task* found = nullptr;
    for (ListNode* node = theirs.queue.begin(); node != theirs.queue.end(); node = node->next) {
      Task* task = container_of(node, Task, run_node);
      if (task->cpus_allowed & (1ul << self)) {
        found = task;
        break;
      }
    }
    if (found) {
      dequeue(theirs, found);
      trace_migrate(found, other, self);
      __atomic_store_n(&found->cpu, self, __ATOMIC_RELEASE);
      enqueue(mine, found);
      ++mine.stats.migrations_in;
    }
    second.lock.unlock_raw();
    first.lock.unlock_raw();
    if (found) return true;
  }
  return false;
}

u32 pick_cpu(u64 cpus_allowed) {
  u32 best = kMaxCpus;
  for (u32 cpu = 0; cpu < g_cpus_online; ++cpu) {
    if (!(cpus_allowed & (1ul << cpu))) continue;
    if (best == kMaxCpus || g_run_queues[cpu].nr_queued < g_run_queues[best].nr_queued) best = cpu;
  }
  return best;
}

void on_reschedule_ipi(TrapFrame&, void*) {
  this_cpu()->need_resched = 1;
}

void on_timer_tick(TrapFrame&, void*) {
  ++this_cpu()->ticks;
  rcu_sched_clock_irq();
  timers_run_expired();
  sched_tick();
}

void init_task_fields(Task* task, const char* name) {
  strlcpy(task->comm, name, sizeof(task->comm));
  task->migrate_to = -1;
  task->cpus_allowed = kAllCpus;
  task->state = TaskState::Runnable;
  task->prio = kNormalPrio;
  task->policy = SchedPolicy::Normal;
  task->rt_priority = 0;
}
}  // namespace

// The first code a new task runs, reached from task_entry_trampoline.
extern "C" void task_bootstrap(Task* last) {
  finish_switch(last);
  local_irq_enable();
  Task* self = current_task();
  self->entry(self->argument);
  do_exit();
}

void scheduler_init_cpu(u32 cpu_id, u8* idle_stack_base) {
  PerCpu& cpu = g_per_cpu[cpu_id];
  RunQueue& rq = g_run_queues[cpu_id];
  Task* idle = &g_idle_tasks[cpu_id];
  new (idle) Task{};
  char name[kTaskCommLength];
  format(name, sizeof(name), "swapper/%u", cpu_id);
  init_task_fields(idle, name);
  idle->pid = 0;
  idle->cpu = cpu_id;
  idle->cpus_allowed = 1ul << cpu_id;
  idle->stack = idle_stack_base;
  idle->switched_in_ns = clock_ns();
  rq.idle = idle;
  rq.current = idle;
  cpu.idle_task = idle;
  cpu.current = idle;
  cpu.run_queue = &rq;
  if (cpu_id == 0) {
    interrupt_register(kVectorTimer, on_timer_tick, nullptr);
    interrupt_register(kVectorReschedule, on_reschedule_ipi, nullptr);
    rcu_init();
  }
}

void cpu_idle_loop() {
  for (;;) {
    local_irq_disable();
    RunQueue& rq = this_rq();
    if (__atomic_load_n(&rq.nr_queued, __ATOMIC_RELAXED) || pull_task()) {
      rq.lock.lock_raw();
      __schedule(false);
      continue;
    }
    safe_halt();
  }
}

klib::Result<Task*> kernel_clone(const char* name, void (*entry)(void*), void* argument,
                                 u64 cpus_allowed) {
  u32 cpu = pick_cpu(cpus_allowed);
  if (cpu == kMaxCpus) return klib::Errno::kInval;
  Task* task = make<Task>();
  if (!task) return klib::Errno::kNoMem;
  task->stack = static_cast<u8*>(alloc_pages(kTaskStackPages));
  if (!task->stack) {
    destroy(task);
    return klib::Errno::kNoMem;
  }
  init_task_fields(task, name);
  task->pid = __atomic_fetch_add(&g_next_pid, 1, __ATOMIC_RELAXED);
  task->cpus_allowed = cpus_allowed;
  task->entry = entry;
  task->argument = argument;

  // The stack switch_to expects: six callee-saved registers, then a return address.
  // rsp lands 16-byte aligned in task_entry_trampoline, as its call requires.
  u64 top = reinterpret_cast<u64>(task->stack) + kTaskStackPages * kPageSize;
  u64* frame = reinterpret_cast<u64*>(top - 72);
  memset(frame, 0, 72);
  frame[6] = reinterpret_cast<u64>(task_entry_trampoline);
  task->saved_rsp = reinterpret_cast<u64>(frame);

  {
    SpinLockGuard guard(g_all_tasks_lock);
    g_all_tasks.push_back(task->all_node);
  }
  // As in Linux: the fork event from the parent, then the new task's first wakeup.
  trace_sched_process_fork(current_task(), task);
  u64 flags = local_irq_save();
  trace_sched_wakeup_new(task->comm, task->pid, cpu);
  enqueue_on(cpu, task);
  local_irq_restore(flags);
  return task;
}

void kthread_join(Task* task) {
  wait_event(task->exited, __atomic_load_n(&task->stack_freed, __ATOMIC_ACQUIRE));
  {
    SpinLockGuard guard(g_all_tasks_lock);
    task->all_node.unlink();
  }
  // The task's last reference goes here: Linux's sched_process_free.
  trace_sched_process_free(task);
  destroy(task);
}

void do_exit() {
  trace_sched_process_exit(current_task());
  local_irq_disable();
  current_task()->state = TaskState::Dead;
  this_rq().lock.lock_raw();
  __schedule(false);
  panic("a dead task was scheduled again");
}

void schedule() {
  u64 flags = local_irq_save();
  this_rq().lock.lock_raw();
  __schedule(false);
  local_irq_restore(flags);
}

extern "C" notrace void schedule_from_interrupt() {
  this_rq().lock.lock_raw();
  __schedule(true);
}

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wframe-address"
void preempt_enable() {
  PerCpu* cpu = this_cpu();
  compiler_barrier();
  // Reported while the count still pins the CPU, at the caller (Linux's preempt_count_sub).
  if (__builtin_expect(g_trace_preempt, false) && cpu->preempt_count == 1)
    trace_preempt_on(reinterpret_cast<u64>(__builtin_return_address(0)),
                     reinterpret_cast<u64>(__builtin_return_address(1)),
                     reinterpret_cast<u64>(__builtin_frame_address(2)));
  if (--cpu->preempt_count == 0 && cpu->need_resched && !irqs_disabled()) schedule();
}
#pragma GCC diagnostic pop

void sched_yield() {
  u64 flags = local_irq_save();
  this_rq().lock.lock_raw();
  __schedule(true);
  local_irq_restore(flags);
}

bool wake_up_process(Task* task) {
  u64 flags = local_irq_save();
  RunQueue& rq = lock_task_rq(task);
  bool woke = task->state == TaskState::Sleeping;
  if (woke) {
    const SchedTraceHooks* hooks = __atomic_load_n(&g_trace_hooks, __ATOMIC_ACQUIRE);
    if (hooks && hooks->on_waking) hooks->on_waking(task, task->cpu);
    __atomic_store_n(&task->state, TaskState::Runnable, __ATOMIC_SEQ_CST);
    if (!task->queued && rq.current != task && task->migrate_to < 0) enqueue(rq, task);
    u32 target = task->cpu;
    if (target != this_cpu_id()) ++this_rq().stats.remote_wakeups;
    if (hooks && hooks->on_wakeup) hooks->on_wakeup(task, target);
    // Linux's wakeup_preempt: a task that outranks the running one takes the CPU at once.
    bool preempts = rq.current == rq.idle || task->prio < rq.current->prio;
    rq.lock.unlock_raw();
    if (preempts || target != this_cpu_id()) kick_cpu(target);
  } else {
    rq.lock.unlock_raw();
  }
  local_irq_restore(flags);
  return woke;
}

void sched_migrate_current(u32 cpu) {
  Task* self = current_task();
  if (cpu >= g_cpus_online || cpu == this_cpu_id()) return;
  u64 flags = local_irq_save();
  this_rq().lock.lock_raw();
  self->migrate_to = static_cast<i32>(cpu);
  __schedule(false);
  local_irq_restore(flags);
}

void sched_set_affinity_current(u64 cpus_allowed) {
  Task* self = current_task();
  self->cpus_allowed = cpus_allowed;
  if (cpus_allowed & (1ul << this_cpu_id())) return;
  for (u32 cpu = 0; cpu < g_cpus_online; ++cpu) {
    if (cpus_allowed & (1ul << cpu)) return sched_migrate_current(cpu);
  }
}

void sleep_ns(u64 nanoseconds) {
  struct Sleeper {
    Timer timer;
    Task* task;
    bool fired;
  } sleeper{};
  sleeper.task = current_task();
  // The callback reads the task before publishing `fired`: once the sleeper sees the flag
  // it returns and this frame is gone.
  timer_setup(sleeper.timer, [](Timer& timer) {
    auto* s = container_of(&timer, Sleeper, timer);
    Task* task = s->task;
    __atomic_store_n(&s->fired, true, __ATOMIC_SEQ_CST);
    wake_up_process(task);
  });
  timer_add(sleeper.timer, clock_ns() + nanoseconds);
  for (;;) {
    __atomic_store_n(&sleeper.task->state, TaskState::Sleeping, __ATOMIC_SEQ_CST);
    if (__atomic_load_n(&sleeper.fired, __ATOMIC_SEQ_CST)) break;
    schedule();
  }
  __atomic_store_n(&sleeper.task->state, TaskState::Runnable, __ATOMIC_SEQ_CST);
}

void sched_tick() {
  PerCpu* cpu = this_cpu();
  RunQueue& rq = *cpu->run_queue;
  bool others_waiting = __atomic_load_n(&rq.nr_queued, __ATOMIC_RELAXED) != 0;
  if (rq.current == rq.idle) {
    if (others_waiting) cpu->need_resched = 1;
    return;
  }
  // Only a task of the same or a higher priority takes turns with the running one; a FIFO
  // task runs until it sleeps or yields.
  if (!others_waiting || head_prio(rq) > rq.current->prio) return;
  if (head_prio(rq) < rq.current->prio) {
    cpu->need_resched = 1;
    return;
  }
  if (rq.current->policy == SchedPolicy::Fifo) return;
  if (++rq.current->slice_ticks >= kSliceTicks) cpu->need_resched = 1;
}

klib::Status sched_setscheduler(Task* task, SchedPolicy policy, u32 rt_priority) {
  bool fifo = policy == SchedPolicy::Fifo;
  if (fifo ? rt_priority < 1 || rt_priority >= kMaxRtPrio : rt_priority != 0)
    return klib::Errno::kInval;
  u64 flags = local_irq_save();
  RunQueue& rq = lock_task_rq(task);
  // A queued task moves to its new place in the order.
  bool queued = task->queued;
  if (queued) dequeue(rq, task);
  task->policy = policy;
  task->rt_priority = static_cast<u8>(rt_priority);
  task->prio = fifo ? kMaxRtPrio - 1 - static_cast<i32>(rt_priority) : kNormalPrio;
  if (queued) enqueue(rq, task);
  // Whoever now outranks the running task (the task itself, lowered) takes the CPU.
  bool preempts = head_prio(rq) < rq.current->prio;
  u32 cpu = task->cpu;
  rq.lock.unlock_raw();
  if (preempts) kick_cpu(cpu);
  local_irq_restore(flags);
  return {};
}

SchedStats sched_stats(u32 cpu) {
  RunQueue& rq = g_run_queues[cpu];
  SchedStats stats = rq.stats;
  stats.nr_queued = rq.nr_queued;
  return stats;
}

void sched_set_trace_hooks(const SchedTraceHooks* hooks) {
  __atomic_store_n(&g_trace_hooks, hooks, __ATOMIC_RELEASE);
}

Task* task_find(i32 pid) {
  if (pid == 0) return current_task()->pid == 0 ? current_task() : this_cpu()->idle_task;
  SpinLockGuard guard(g_all_tasks_lock);
  for (ListNode* node = g_all_tasks.begin(); node != g_all_tasks.end(); node = node->next) {
    Task* task = container_of(node, Task, all_node);
    if (task->pid == pid) return task;
  }
  return nullptr;
}
