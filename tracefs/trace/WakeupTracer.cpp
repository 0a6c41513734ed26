#include "trace/WakeupTracer.h"

#include "support/SpinLock.h"
#include "trace/EventPayloads.h"
#include "trace/FunctionTracer.h"
#include "trace/RecordWriter.h"
#include "trace/TraceOutput.h"

namespace tg::trace {

namespace {

enum class WakeupMode : u8 { kAny, kRt, kDeadline };

constexpr i32 kNoTask = -1;
constexpr i32 kNoPrio = 0x7fffffff;  // Linux's wakeup_prio = -1 (unsigned): any task outranks

// The one measurement under way, as Linux keeps it in file-scope variables: one instance at
// a time (the top one or any other) runs a wakeup tracer; init is EBUSY in a second one. The
// recorders read task_pid and current_cpu without the lock to bail out early, and decide under it.
struct WakeupState {
  ArchSpinLock lock;
  Atomic<bool> enabled{false};    // tracer_enabled
  Atomic<i32> task_pid{kNoTask};  // wakeup_task
  Atomic<i32> current_cpu{-1};    // where the task is now (it may migrate before it runs)
  i32 cpu = -1;                   // wakeup_cpu: where it was woken to
  i32 prio = kNoPrio;
  bool tracing_deadline = false;  // a deadline task is measured: nothing preempts that
  u64 wakeup_time = 0;            // the wakeup's timestamp (Linux's preempt_timestamp)
  MaxTraceInfo task;              // the task's side of the max trace's description
  WakeupMode mode = WakeupMode::kAny;
  bool busy = false;
  bool saved_latency_format = false;
  bool saved_overwrite = true;
};
WakeupState g_wakeup;

// Linux's __wakeup_reset, with the lock held.
void forget_task() {
  g_wakeup.cpu = -1;
  g_wakeup.prio = kNoPrio;
  g_wakeup.tracing_deadline = false;
  g_wakeup.task_pid.store(kNoTask, MemoryOrder::kRelease);
  g_wakeup.current_cpu.store(-1, MemoryOrder::kRelease);
}

// Linux's wakeup_reset: an empty live buffer and no task.
void reset_measurement(TraceInstance& instance) {
  instance.clear_buffer();
  g_wakeup.lock.lock();
  forget_task();
  g_wakeup.lock.unlock();
}

void write_ctxwake(TraceInstance& instance, const RecordContext& ctx, u16 id, const SchedTask& prev,
                   const SchedTask& next) {
  CtxSwitchPayload payload{};
  payload.common = {id, ctx.flags, ctx.preempt, ctx.pid};
  payload.prev_pid = static_cast<u32>(prev.pid);
  payload.prev_prio = static_cast<u8>(prev.prio);
  payload.prev_state = prev.state;
  payload.next_pid = static_cast<u32>(next.pid);
  payload.next_prio = static_cast<u8>(next.prio);
  payload.next_state = next.state;
  payload.next_cpu = next.cpu;
  u32* record = begin_record(instance, ctx, ring::RecordType::kEvent,
                             sizeof(ring::EventRecord) + sizeof payload, instance.now());
  if (!record) return;
  record_cast<ring::EventRecord>(record)->size = sizeof payload;
  memcpy(reinterpret_cast<u8*>(record) + sizeof(ring::EventRecord), &payload, sizeof payload);
  end_record(instance, ctx);
}

// Whether the wakeup of `wakee` by `current` starts a new measurement (Linux's probe_wakeup
// conditions): the mode admits it, and it outranks both what is measured and the waker.
bool worth_measuring(const SchedTask& wakee, const SchedTask& current) {
  if (g_wakeup.tracing_deadline) return false;
  if (g_wakeup.mode == WakeupMode::kDeadline && !wakee.is_deadline()) return false;
  if (g_wakeup.mode == WakeupMode::kRt && !wakee.is_rt_or_deadline()) return false;
  if (wakee.is_deadline()) return true;
  return wakee.prio < g_wakeup.prio && wakee.prio < current.prio;
}

void copy_comm(char (&to)[16], StringView comm) {
  usize n = comm.size() < 15 ? comm.size() : 15;
  memcpy(to, comm.data(), n);
  memset(to + n, 0, 16 - n);
}

void on_sched_wakeup(TraceInstance& instance, const RecordContext& ctx, const SchedTask& wakee,
                     const SchedTask& current, const ProbeSite& site) {
  if (!g_wakeup.enabled.load(MemoryOrder::kAcquire)) return;
  if (!worth_measuring(wakee, current)) return;
  g_wakeup.lock.lock();
  if (g_wakeup.enabled.load(MemoryOrder::kAcquire) && worth_measuring(wakee, current)) {
    forget_task();
    g_wakeup.cpu = static_cast<i32>(wakee.cpu);
    g_wakeup.prio = wakee.prio;
    g_wakeup.tracing_deadline = wakee.is_deadline();
    MaxTraceInfo& task = g_wakeup.task;
    task = MaxTraceInfo{};
    copy_comm(task.comm, wakee.comm);
    task.pid = wakee.pid;
    task.nice = wakee.nice;
    task.policy = wakee.policy;
    task.rt_priority = wakee.rt_priority;
    g_wakeup.wakeup_time = instance.now();
    g_wakeup.current_cpu.store(static_cast<i32>(wakee.cpu), MemoryOrder::kRelease);
    g_wakeup.task_pid.store(wakee.pid, MemoryOrder::kRelease);
    write_ctxwake(instance, ctx, kEventWakeup, current, wakee);
    record_stack_trace_here(instance, ctx);
    FunctionTracer::record(instance, ctx, site.ip, site.parent_ip);
  }
  g_wakeup.lock.unlock();
}

void on_sched_switch(TraceInstance& instance, const RecordContext& ctx, const SchedTask& prev,
                     const SchedTask& next, const ProbeSite& site) {
  if (!g_wakeup.enabled.load(MemoryOrder::kAcquire)) return;
  if (next.pid != g_wakeup.task_pid.load(MemoryOrder::kAcquire)) return;
  g_wakeup.lock.lock();
  if (g_wakeup.enabled.load(MemoryOrder::kAcquire) &&
      next.pid == g_wakeup.task_pid.load(MemoryOrder::kRelaxed)) {
    FunctionTracer::record(instance, ctx, site.ip, site.parent_ip);
    write_ctxwake(instance, ctx, kEventContextSwitch, prev, next);
    record_stack_trace_here(instance, ctx);
    u64 now = instance.now();
    u64 delta = now > g_wakeup.wakeup_time ? now - g_wakeup.wakeup_time : 0;
    if (report_latency(delta, instance.max_latency_ns(), instance.tracing_thresh_us() * 1000)) {
      instance.set_max_latency_ns(delta);
      MaxTraceInfo info = g_wakeup.task;
      info.time_start = g_wakeup.wakeup_time;
      info.cpu = static_cast<u32>(g_wakeup.cpu);
      info.latency_ns = delta;
      instance.update_max_tr(info);
    }
    forget_task();
  }
  g_wakeup.lock.unlock();
}

void on_sched_migrate(TraceInstance&, const SchedTask& task, u32 to_cpu) {
  if (task.pid == g_wakeup.task_pid.load(MemoryOrder::kAcquire))
    g_wakeup.current_cpu.store(static_cast<i32>(to_cpu), MemoryOrder::kRelease);
}

// Functions are recorded only while a task is measured, and only on its CPU.
bool on_function(TraceInstance& instance, const RecordContext& ctx, u64 ip, u64 parent_ip) {
  if (g_wakeup.task_pid.load(MemoryOrder::kRelaxed) == kNoTask) return false;
  if (static_cast<i32>(ctx.cpu) != g_wakeup.current_cpu.load(MemoryOrder::kRelaxed)) return false;
  if (!instance.option(TraceOption::kFunctionTrace)) return false;
  return FunctionTracer::record(instance, ctx, ip, parent_ip);
}

Status init(TraceInstance& instance, WakeupMode mode) {
  if (g_wakeup.busy) return Errno::kBusy;
  g_wakeup.mode = mode;
  // A latency trace needs the overwrite mode, and prints in the latency format; both are
  // given back on reset (Linux's save_flags).
  g_wakeup.saved_latency_format = instance.option(TraceOption::kLatencyFormat);
  g_wakeup.saved_overwrite = instance.option(TraceOption::kOverwrite);
  instance.set_option(TraceOption::kOverwrite, true);
  instance.set_option(TraceOption::kLatencyFormat, true);
  instance.set_max_latency_ns(0);
  reset_measurement(instance);
  g_wakeup.enabled.store(instance.tracing_on(), MemoryOrder::kRelease);
  g_wakeup.busy = true;
  return {};
}

Status init_wakeup(TraceInstance& instance) {
  return init(instance, WakeupMode::kAny);
}
Status init_wakeup_rt(TraceInstance& instance) {
  return init(instance, WakeupMode::kRt);
}
Status init_wakeup_dl(TraceInstance& instance) {
  return init(instance, WakeupMode::kDeadline);
}

void reset(TraceInstance& instance) {
  g_wakeup.enabled.store(false, MemoryOrder::kRelease);
  g_wakeup.lock.lock();
  forget_task();
  g_wakeup.lock.unlock();
  instance.set_option(TraceOption::kLatencyFormat, g_wakeup.saved_latency_format);
  instance.set_option(TraceOption::kOverwrite, g_wakeup.saved_overwrite);
  g_wakeup.busy = false;
}

// tracing_on 1 starts a fresh measurement; 0 stops measuring.
void start(TraceInstance& instance) {
  reset_measurement(instance);
  g_wakeup.enabled.store(true, MemoryOrder::kRelease);
}

void stop(TraceInstance&) {
  g_wakeup.enabled.store(false, MemoryOrder::kRelease);
}

constexpr Tracer make_wakeup_tracer(StringView name, Status (*init_op)(TraceInstance&)) {
  return {
      .name = name,
      .in_instances = true,
      .use_max_tr = true,
      .init = init_op,
      .reset = reset,
      .start = start,
      .stop = stop,
      .on_function = on_function,
      .on_sched_wakeup = on_sched_wakeup,
      .on_sched_switch = on_sched_switch,
      .on_sched_migrate = on_sched_migrate,
      .print_header = print_default_header,
      .print_entry = print_default_entry,
  };
}

}  // namespace

bool report_latency(u64 delta_ns, u64 max_latency_ns, u64 thresh_ns) {
  if (thresh_ns) return delta_ns >= thresh_ns;
  return delta_ns > max_latency_ns;
}

const Tracer kWakeupTracer = make_wakeup_tracer("wakeup", init_wakeup);
const Tracer kWakeupRtTracer = make_wakeup_tracer("wakeup_rt", init_wakeup_rt);
const Tracer kWakeupDlTracer = make_wakeup_tracer("wakeup_dl", init_wakeup_dl);

}  // namespace tg::trace
