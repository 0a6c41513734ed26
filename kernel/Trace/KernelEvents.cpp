#include "Trace/KernelEvents.h"

#include "Arch/x86_64/Interrupts.h"
#include "Arch/x86_64/PerCpu.h"
#include "Lib/String.h"
#include "Memory/KmemCache.h"
#include "Tasks/Scheduler.h"
#include "Tasks/Task.h"
#include "Time/Timer.h"
#include "Trace/CodePatcher.h"
#include "Trace/FtraceDispatch.h"
#include "Trace/GraphSleepTime.h"
#include "Trace/TraceContext.h"
#include "Trace/TracePoints.h"
#include "Trace/Tracefs.h"
#include "Trace/TracerGuard.h"

using tg::StringView;
using tg::trace::RecordContext;
using tg::trace::TraceInstance;
using tg::trace::Tracer;

bool g_tracepoints_ready;

namespace {
// Some instance's tracer follows the scheduler (the latency tracers): only then do switches,
// wakeups and migrations visit the instances for it (kernel_events_tracers_changed).
bool g_tracer_sched_hooks;

bool tracer_sched_hooks() {
  return __atomic_load_n(&g_tracer_sched_hooks, __ATOMIC_ACQUIRE);
}

// Tasks created and freed are normal ones at nice 0 (a priority is set after creation).
constexpr i32 kDefaultPrio = kNormalPrio;
// prev_state as Linux reports it: 0 runnable (preempted), TASK_INTERRUPTIBLE, EXIT_DEAD.
constexpr i64 kStateRunning = 0;
constexpr i64 kStateSleeping = 0x1;
constexpr i64 kStateDead = 0x10;

TraceInstance* g_top;  // function_graph (top only) draws the irq arrows into it
tg::trace::Tracing* g_tracing;

StringView comm_of(const Task* task) {
  return StringView(task->comm, strlen(task->comm));
}

i64 prev_state_of(const Task* task) {
  switch (task->state) {
    case TaskState::Sleeping:
      return kStateSleeping;
    case TaskState::Dead:
      return kStateDead;
    default:
      return kStateRunning;
  }
}

// Linux's task_state_index: the bit number of the reported state, plus one.
u8 state_index_of(const Task* task) {
  switch (task->state) {
    case TaskState::Sleeping:
      return 1;
    case TaskState::Dead:
      return 5;
    default:
      return 0;
  }
}

tg::trace::SchedTask sched_task_of(const Task* task) {
  tg::trace::SchedTask described;
  described.pid = task->pid;
  described.prio = task->prio;
  described.cpu = task->cpu;
  described.state = state_index_of(task);
  described.policy = static_cast<u8>(task->policy);
  described.rt_priority = task->rt_priority;
  described.comm = comm_of(task);
  return described;
}

// Runs `emit` with the context of this CPU, unless the tracer is already busy here.
template <typename Emit>
void record(Emit emit) {
  TracerGuard guard;
  if (!guard.entered()) return;
  RecordContext ctx = trace_context(guard.saved_flags());
  emit(ctx);
}

u64 as_word(const void* pointer) {
  return reinterpret_cast<u64>(pointer);
}

// Tracepoint probes (dynamic_events' `t`) on `event`: the tracepoint's arguments are their
// $arg1.., `site` (the return address of the tracepoint's function: where the kernel hit it)
// their __probe_ip.
template <size_t N>
void fire_tracepoint_probes(const RecordContext& ctx, u16 event, const u64 (&args)[N], void* site) {
  tg::trace::ProbeEvents& probes = g_tracing->probes();
  if (probes.any_tracepoint_probes())
    probes.fire_tracepoint(*g_tracing, ctx, event, args, N, as_word(site));
}

// An event goes to every instance that has it enabled (each emitter checks its own), and to
// the tracepoint probes on it.
template <size_t N, typename Emit>
void record_event(u16 event, const u64 (&args)[N], void* site, Emit emit) {
  record([&](const RecordContext& ctx) {
    g_tracing->for_each_recorder([&](TraceInstance& instance) { emit(instance, ctx); });
    fire_tracepoint_probes(ctx, event, args, site);
  });
}

// Where the scheduler hit a tracepoint: the hook's caller (the scheduler function) and that
// one's caller, as Linux's latency tracers record CALLER_ADDR0 and CALLER_ADDR1.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wframe-address"
#define SCHED_SITE()                                                              \
  tg::trace::ProbeSite {                                                          \
    as_word(__builtin_return_address(0)), as_word(__builtin_return_address(1)), 0 \
  }

void on_switch(Task* prev, Task* next) {
  tg::trace::ProbeSite site = SCHED_SITE();
  graph_sleep_time_on_switch(*g_top, g_tracing->profiler().enabled(),
                             __atomic_load_n(&g_patcher_instance_graphs, __ATOMIC_RELAXED), prev,
                             next);
  tg::trace::save_comm(next->pid, comm_of(next));
  // Every task of this kernel is its own process: its tgid is its pid.
  tg::trace::save_tgid(next->pid, next->pid);
  record_event(tg::trace::kEventSchedSwitch, {as_word(prev), as_word(next)},
               __builtin_return_address(0), [&](TraceInstance& instance, const RecordContext& ctx) {
                 // Recorded by the task switching out, as in Linux.
                 RecordContext as_prev = ctx;
                 as_prev.pid = prev->pid;
                 tg::trace::emit_sched_switch(instance, as_prev, comm_of(prev), prev->pid,
                                              prev->prio, prev_state_of(prev), comm_of(next),
                                              next->pid, next->prio);
               });
  if (!tracer_sched_hooks()) return;
  record([&](const RecordContext& ctx) {
    RecordContext as_prev = ctx;
    as_prev.pid = prev->pid;
    g_tracing->for_each_recorder([&](TraceInstance& instance) {
      const tg::trace::Tracer& tracer = instance.tracer();
      if (tracer.on_sched_switch)
        tracer.on_sched_switch(instance, as_prev, sched_task_of(prev), sched_task_of(next), site);
    });
  });
}

void on_waking(Task* task, u32 cpu) {
  record_event(tg::trace::kEventSchedWaking, {as_word(task), cpu}, __builtin_return_address(0),
               [&](TraceInstance& instance, const RecordContext& ctx) {
                 tg::trace::emit_sched_waking(instance, ctx, comm_of(task), task->pid, task->prio,
                                              static_cast<i32>(cpu));
               });
}

void on_wakeup(Task* task, u32 cpu) {
  tg::trace::ProbeSite site = SCHED_SITE();
  tg::trace::save_comm(task->pid, comm_of(task));
  tg::trace::save_tgid(task->pid, task->pid);
  record_event(tg::trace::kEventSchedWakeup, {as_word(task), cpu}, __builtin_return_address(0),
               [&](TraceInstance& instance, const RecordContext& ctx) {
                 tg::trace::emit_sched_wakeup(instance, ctx, comm_of(task), task->pid, task->prio,
                                              static_cast<i32>(cpu));
               });
  if (!tracer_sched_hooks()) return;
  record([&](const RecordContext& ctx) {
    Task* waker = current_task();
    g_tracing->for_each_recorder([&](TraceInstance& instance) {
      const tg::trace::Tracer& tracer = instance.tracer();
      if (!tracer.on_sched_wakeup) return;
      tg::trace::save_comm(waker->pid, comm_of(waker));
      tracer.on_sched_wakeup(instance, ctx, sched_task_of(task), sched_task_of(waker), site);
    });
  });
}
#undef SCHED_SITE
#pragma GCC diagnostic pop

void on_migrate(Task* task, u32 from, u32 to) {
  record_event(tg::trace::kEventSchedMigrateTask, {as_word(task), from, to},
               __builtin_return_address(0), [&](TraceInstance& instance, const RecordContext& ctx) {
                 tg::trace::emit_sched_migrate_task(instance, ctx, comm_of(task), task->pid,
                                                    task->prio, static_cast<i32>(from),
                                                    static_cast<i32>(to));
               });
  if (!tracer_sched_hooks()) return;
  record([&](const RecordContext&) {
    g_tracing->for_each_recorder([&](TraceInstance& instance) {
      const tg::trace::Tracer& tracer = instance.tracer();
      if (tracer.on_sched_migrate) tracer.on_sched_migrate(instance, sched_task_of(task), to);
    });
  });
}

constexpr const char* kVectorNames[] = {"timer", "reschedule", "stop_machine", "rcu"};

StringView vector_name(u32 vector) {
  if (vector >= kVectorTimer && vector < kVectorTimer + array_size(kVectorNames)) {
    const char* name = kVectorNames[vector - kVectorTimer];
    return StringView(name, strlen(name));
  }
  return "irq";
}

// Linux marks only an interrupt whose handler the tracer itself traces, so a filter that
// leaves the handlers out leaves the marks (function_graph's ==========> arrows) out too; each
// instance's graph by its own filter (Linux 6.12's several fgraph users). Which instances
// marked the entry (a bit per table slot) is kept per nesting level, so that entry and exit
// always pair up. An instance cannot go while a handler runs (its removal waits for a grace
// period, which a CPU with interrupts masked holds back), but its tracer may change meanwhile
// (the stop_machine IPI's handler is one the switch runs under), so the exit reads the tracer
// once and calls only an operation that tracer has.
constexpr u32 kMaxIrqNesting = 8;
u32 g_irq_marked[kMaxCpus][kMaxIrqNesting];
static_assert(tg::trace::Tracing::kMaxInstances <= 32, "a bit per table slot");

bool handler_traced(TraceInstance& instance, u32 vector) {
  u64 handler = interrupt_handler_address(vector);
  return handler && instance.wants_function(handler) && g_tracing->graph_should_trace(handler);
}

u32& irq_marked_slot() {
  u32 depth = this_cpu()->irq_depth;
  return g_irq_marked[this_cpu_id()][depth < kMaxIrqNesting ? depth : kMaxIrqNesting - 1];
}

void on_irq_entry(u32 vector, const TrapFrame& frame) {
  u32& marked = irq_marked_slot();
  marked = 0;
  void* site = __builtin_return_address(0);
  record([&](const RecordContext& ctx) {
    g_tracing->for_each_recorder([&](TraceInstance& instance) {
      const Tracer& tracer = instance.tracer();
      if (tracer.on_irq_entry && handler_traced(instance, vector) &&
          tracer.on_irq_entry(instance, ctx, vector))
        marked |= 1u << instance.table_index();
      tg::trace::emit_irq_handler_entry(instance, ctx, static_cast<i32>(vector),
                                        vector_name(vector));
    });
    fire_tracepoint_probes(ctx, tg::trace::kEventIrqHandlerEntry, {vector, as_word(&frame)}, site);
  });
}

void on_irq_exit(u32 vector) {
  u32& marked = irq_marked_slot();
  void* site = __builtin_return_address(0);
  record([&](const RecordContext& ctx) {
    g_tracing->for_each_recorder([&](TraceInstance& instance) {
      tg::trace::emit_irq_handler_exit(instance, ctx, static_cast<i32>(vector), 1);
    });
    fire_tracepoint_probes(ctx, tg::trace::kEventIrqHandlerExit, {vector}, site);
    for (u32 mask = marked; mask; mask &= mask - 1) {
      TraceInstance* instance = g_tracing->recorder_at(static_cast<u32>(__builtin_ctz(mask)));
      if (!instance) continue;
      const Tracer& tracer = instance->tracer();
      if (tracer.on_irq_exit) tracer.on_irq_exit(*instance, ctx, vector);
    }
  });
  marked = 0;
}

constexpr SchedTraceHooks kSchedHooks = {on_switch, on_waking, on_wakeup, on_migrate};
constexpr IrqTraceHooks kIrqHooks = {on_irq_entry, on_irq_exit};
}  // namespace

void trace_kmalloc_slow(u64 call_site, const void* pointer, size_t requested, size_t allocated) {
  call_site = ftrace_graph_ret_addr(call_site);
  record_event(tg::trace::kEventKmalloc, {call_site, as_word(pointer), requested, allocated},
               __builtin_return_address(0), [&](TraceInstance& instance, const RecordContext& ctx) {
                 tg::trace::emit_kmalloc(instance, ctx, call_site, reinterpret_cast<u64>(pointer),
                                         requested, allocated, 0, 0);
               });
}

void trace_kfree_slow(u64 call_site, const void* pointer) {
  call_site = ftrace_graph_ret_addr(call_site);
  record_event(tg::trace::kEventKfree, {call_site, as_word(pointer)}, __builtin_return_address(0),
               [&](TraceInstance& instance, const RecordContext& ctx) {
                 tg::trace::emit_kfree(instance, ctx, call_site, reinterpret_cast<u64>(pointer));
               });
}

void trace_timer_expire_entry_slow(const Timer* timer, u64 function) {
  record_event(tg::trace::kEventTimerExpireEntry, {as_word(timer), function},
               __builtin_return_address(0), [&](TraceInstance& instance, const RecordContext& ctx) {
                 u64 ticks = this_cpu()->ticks;
                 tg::trace::emit_timer_expire_entry(instance, ctx, reinterpret_cast<u64>(timer),
                                                    ticks, function, ticks);
               });
}

void trace_timer_expire_exit_slow(const Timer* timer) {
  record_event(tg::trace::kEventTimerExpireExit, {as_word(timer)}, __builtin_return_address(0),
               [&](TraceInstance& instance, const RecordContext& ctx) {
                 tg::trace::emit_timer_expire_exit(instance, ctx, reinterpret_cast<u64>(timer));
               });
}

void trace_sched_wakeup_new_slow(const char* comm, i32 pid, u32 cpu) {
  StringView name(comm, strlen(comm));
  tg::trace::save_comm(pid, name);
  tg::trace::save_tgid(pid, pid);
  record_event(tg::trace::kEventSchedWakeupNew, {as_word(comm), static_cast<u64>(pid), cpu},
               __builtin_return_address(0), [&](TraceInstance& instance, const RecordContext& ctx) {
                 tg::trace::emit_sched_wakeup_new(instance, ctx, name, pid, kDefaultPrio,
                                                  static_cast<i32>(cpu));
               });
}

void trace_sched_process_fork_slow(const Task* parent, const Task* child) {
  tg::trace::save_comm(child->pid, comm_of(child));
  tg::trace::save_tgid(child->pid, child->pid);
  record_event(tg::trace::kEventSchedProcessFork, {as_word(parent), as_word(child)},
               __builtin_return_address(0), [&](TraceInstance& instance, const RecordContext& ctx) {
                 tg::trace::emit_sched_process_fork(instance, ctx, comm_of(parent), parent->pid,
                                                    comm_of(child), child->pid);
               });
}

void trace_sched_process_exit_slow(const Task* task) {
  record_event(tg::trace::kEventSchedProcessExit, {as_word(task)}, __builtin_return_address(0),
               [&](TraceInstance& instance, const RecordContext& ctx) {
                 tg::trace::emit_sched_process_exit(instance, ctx, comm_of(task), task->pid,
                                                    task->prio);
               });
}

void trace_sched_process_free_slow(const Task* task) {
  record_event(tg::trace::kEventSchedProcessFree, {as_word(task)}, __builtin_return_address(0),
               [&](TraceInstance& instance, const RecordContext& ctx) {
                 tg::trace::emit_sched_process_free(instance, ctx, comm_of(task), task->pid,
                                                    task->prio);
               });
}

// The cache takes no gfp flags and has one node and no memory cgroups: Linux would print
// gfp_flags=none node=0 accounted=false for such an allocation.
void trace_kmem_cache_alloc_slow(u64 call_site, const void* pointer, const KmemCache* cache) {
  call_site = ftrace_graph_ret_addr(call_site);
  record_event(tg::trace::kEventKmemCacheAlloc, {call_site, as_word(pointer), as_word(cache)},
               __builtin_return_address(0), [&](TraceInstance& instance, const RecordContext& ctx) {
                 tg::trace::emit_kmem_cache_alloc(
                     instance, ctx, call_site, reinterpret_cast<u64>(pointer),
                     cache->requested_size(), cache->object_size(), 0, 0, false);
               });
}

void trace_kmem_cache_free_slow(u64 call_site, const void* pointer, const KmemCache* cache) {
  call_site = ftrace_graph_ret_addr(call_site);
  StringView name(cache->name(), strlen(cache->name()));
  record_event(tg::trace::kEventKmemCacheFree, {call_site, as_word(pointer), as_word(cache)},
               __builtin_return_address(0), [&](TraceInstance& instance, const RecordContext& ctx) {
                 tg::trace::emit_kmem_cache_free(instance, ctx, call_site,
                                                 reinterpret_cast<u64>(pointer), name);
               });
}

bool g_trace_irqflags;
bool g_trace_preempt;

namespace {
u8 g_reporting_irqflags[kMaxCpus];
u8 g_reporting_preempt[kMaxCpus];

// The tracer operations an edge goes to: on_irqs_edge or on_preempt_edge.
using EdgeOp = void (*Tracer::*)(TraceInstance&, const RecordContext&, bool,
                                 const tg::trace::ProbeSite&, const tg::trace::SchedTask&);

// One edge to every instance whose tracer has `op`. The tracer's own code masks interrupts
// with the raw primitives and pins itself without preempt_disable; anything else that masks
// them or disables preemption while this runs (a probe, the comm cache) is not reported
// again (`reporting`, per CPU).
void report_edge(u8 (&reporting)[kMaxCpus], EdgeOp op, bool off, const tg::trace::ProbeSite& site) {
  u32 cpu = this_cpu_id();  // masked interrupts or the preemption count pin the task here
  if (reporting[cpu]) return;
  reporting[cpu] = 1;
  record([&](const RecordContext& ctx) {
    tg::trace::SchedTask current = sched_task_of(current_task());
    g_tracing->for_each_recorder([&](TraceInstance& instance) {
      auto handler = instance.tracer().*op;
      if (handler) handler(instance, ctx, off, site, current);
    });
  });
  reporting[cpu] = 0;
}
}  // namespace

// The site of an edge reported by the function the kernel called from: that function and
// its caller (Linux's CALLER_ADDR0 and CALLER_ADDR1), and the frames beyond start at the
// caller's caller. A macro: the builtins read the frame they are written in.
#define CALLERS_SITE()                                                          \
  tg::trace::ProbeSite {                                                        \
    as_word(__builtin_return_address(0)), as_word(__builtin_return_address(1)), \
        as_word(__builtin_frame_address(2))                                     \
  }

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wframe-address"
// Called by the function that masked or unmasks interrupts (Linux's trace_hardirqs_off/on).
extern "C" __attribute__((noinline)) void trace_hardirqs_off() {
  if (irqs_disabled())
    report_edge(g_reporting_irqflags, &Tracer::on_irqs_edge, true, CALLERS_SITE());
}

extern "C" __attribute__((noinline)) void trace_hardirqs_on() {
  if (irqs_disabled())
    report_edge(g_reporting_irqflags, &Tracer::on_irqs_edge, false, CALLERS_SITE());
}

// Called by the function that disabled preemption (preempt_disable is inline), as
// trace_hardirqs_off. Linux's preemption count holds hard interrupts too (HARDIRQ_OFFSET),
// so inside a handler the count does not leave 0.
extern "C" __attribute__((noinline)) void trace_preempt_off() {
  PerCpu* cpu = this_cpu();
  if (cpu->preempt_count != 1 || cpu->irq_depth) return;
  report_edge(g_reporting_preempt, &Tracer::on_preempt_edge, true, CALLERS_SITE());
}

// A hard interrupt taken with preemption enabled: Linux's irq entry adds HARDIRQ_OFFSET to
// the preemption count through preempt_count_add, so the handler is a preempt-off stretch
// (and its exit, through preempt_count_sub, ends it). Called by interrupt_dispatch, after
// the entry and before the exit have counted the depth.
extern "C" __attribute__((noinline)) void trace_preempt_irq_edge(bool entry) {
  PerCpu* cpu = this_cpu();
  if (cpu->preempt_count != 0 || cpu->irq_depth != 1) return;
  report_edge(g_reporting_preempt, &Tracer::on_preempt_edge, entry, CALLERS_SITE());
}
#pragma GCC diagnostic pop
#undef CALLERS_SITE

// preempt_enable, out of line, gives its own caller's site.
void trace_preempt_on(u64 ip, u64 parent_ip, u64 frame) {
  if (this_cpu()->irq_depth) return;
  report_edge(g_reporting_preempt, &Tracer::on_preempt_edge, false, {ip, parent_ip, frame});
}

void kernel_events_tracers_changed() {
  if (!g_tracing) return;
  bool irqflags = false;
  bool preempt = false;
  bool sched = false;
  g_tracing->for_each_recorder([&](TraceInstance& instance) {
    const tg::trace::Tracer& tracer = instance.tracer();
    irqflags = irqflags || tracer.on_irqs_edge != nullptr;
    preempt = preempt || tracer.on_preempt_edge != nullptr;
    sched = sched || tracer.on_sched_switch || tracer.on_sched_wakeup || tracer.on_sched_migrate;
  });
  __atomic_store_n(&g_trace_irqflags, irqflags, __ATOMIC_RELEASE);
  __atomic_store_n(&g_trace_preempt, preempt, __ATOMIC_RELEASE);
  __atomic_store_n(&g_tracer_sched_hooks, sched, __ATOMIC_RELEASE);
}

void kernel_events_init() {
  g_tracing = tg::trace::tracing();
  g_top = &g_tracing->top();
  sched_set_trace_hooks(&kSchedHooks);
  irq_set_trace_hooks(&kIrqHooks);
  __atomic_store_n(&g_tracepoints_ready, true, __ATOMIC_RELEASE);
}
