#pragma once

#include "Lib/Result.h"
#include "Lib/Types.h"

struct Task;
enum class SchedPolicy : u8;
struct PerCpu;

// Per-CPU run queues ordered by priority (FIFO tasks before normal ones, first come first
// served within a priority; normal tasks share the CPU in time slices), wakeups across CPUs through
// a reschedule IPI, and migration: a task may move itself (sched_migrate_current) and an idle CPU
// pulls waiting tasks from busier ones, within each task's affinity.

// The calling boot context becomes this CPU's idle task (PID 0, "swapper/N").
void scheduler_init_cpu(u32 cpu_id, u8* idle_stack_base);
noreturn_fn void cpu_idle_loop();

// Creates and starts a kernel task on the least loaded allowed CPU. Named as Linux's
// task-creation function, so a filter or probe on kernel_clone finds it here too.
klib::Result<Task*> kernel_clone(const char* name, void (*entry)(void*), void* argument,
                                 u64 cpus_allowed);
inline klib::Result<Task*> kthread_run(const char* name, void (*entry)(void*), void* argument,
                                       u64 cpus_allowed) {
  return kernel_clone(name, entry, argument, cpus_allowed);
}
// Waits for `task` to exit and frees it.
void kthread_join(Task* task);
// The current task ends here (Linux's name, as for kernel_clone: probes and filters find it).
noreturn_fn void do_exit();

// Makes `task` a SCHED_FIFO task of `rt_priority` (1..99), or a normal one with 0, as Linux's
// sched_setscheduler. A task that now outranks what its CPU runs preempts it.
klib::Status sched_setscheduler(Task* task, SchedPolicy policy, u32 rt_priority);

void schedule();
extern "C" void schedule_from_interrupt();
bool wake_up_process(Task* task);
void sched_migrate_current(u32 cpu);
// Restricts the caller to `cpus_allowed`, moving it at once if its CPU is not in the set.
void sched_set_affinity_current(u64 cpus_allowed);
void sched_yield();
void sleep_ns(u64 nanoseconds);

// Called on every timer tick, in interrupt context (Linux's name).
void sched_tick();

struct SchedStats {
  u64 switches;
  u64 remote_wakeups;  // wakeups issued by this CPU for a task queued on another
  u64 migrations_in;
  u32 nr_queued;
};
SchedStats sched_stats(u32 cpu);

// Hooks for a tracer, called with the run-queue lock held and interrupts masked; they
// must be notrace. on_switch runs just before the stack switch (sched_switch), on_wakeup
// when a sleeping task becomes runnable on `cpu` (sched_wakeup).
struct SchedTraceHooks {
  void (*on_switch)(Task* prev, Task* next);
  void (*on_waking)(Task* task, u32 cpu);  // sched_waking: before the task is made runnable
  void (*on_wakeup)(Task* task, u32 cpu);
  void (*on_migrate)(Task* task, u32 from_cpu, u32 to_cpu);  // sched_migrate_task
};
void sched_set_trace_hooks(const SchedTraceHooks* hooks);

Task* task_find(i32 pid);
