#include "trace/IrqsoffTracer.h"

#include "support/SpinLock.h"
#include "trace/CpuMask.h"
#include "trace/FunctionTracer.h"
#include "trace/TraceOutput.h"
#include "trace/WakeupTracer.h"

namespace tg::trace {

namespace {

// One CPU's masked stretch, as Linux's per-CPU tracing_cpu and trace_array_cpu fields. Only
// that CPU touches its row, with interrupts masked.
struct CriticalSection {
  bool open = false;       // tracing_cpu: a stretch started and has not ended
  u64 start_time = 0;      // preempt_timestamp
  u64 critical_start = 0;  // where it started (the caller of the masking function)
  u64 sequence = 0;        // the max_sequence it started under
};

// What the running tracer follows (Linux's trace_type): the interrupt flag, the preemption
// count, or both.
enum TraceType : u8 { kIrqsOff = 1, kPreemptOff = 2 };

// Linux keeps this in file-scope variables; one instance at a time runs one of the tracers.
struct IrqsoffState {
  u8 type = 0;
  ArchSpinLock max_lock;
  Atomic<bool> enabled{false};
  Atomic<u64> max_sequence{0};
  bool busy = false;
  bool saved_latency_format = false;
  bool saved_overwrite = true;
  CriticalSection cpus[CpuMask::kMaxCpus];
};
IrqsoffState g_irqsoff;

void copy_comm(char (&to)[16], StringView comm) {
  usize n = comm.size() < 15 ? comm.size() : 15;
  memcpy(to, comm.data(), n);
  memset(to + n, 0, 16 - n);
}

u64 where(const ProbeSite& site) {
  return site.parent_ip ? site.parent_ip : site.ip;
}

void start_critical(TraceInstance& instance, const RecordContext& ctx, const ProbeSite& site) {
  CriticalSection& section = g_irqsoff.cpus[ctx.cpu % CpuMask::kMaxCpus];
  if (section.open) return;
  section.sequence = g_irqsoff.max_sequence.load(MemoryOrder::kAcquire);
  section.start_time = instance.now();
  section.critical_start = where(site);
  FunctionTracer::record(instance, ctx, site.ip, site.parent_ip);
  section.open = true;
}

// Linux's check_critical_timing: a new maximum keeps this CPU's buffer as the max trace.
void check_critical(TraceInstance& instance, const RecordContext& ctx, CriticalSection& section,
                    const ProbeSite& site, const SchedTask& current) {
  u64 delta = instance.now() - section.start_time;
  u64 thresh = instance.tracing_thresh_us() * 1000;
  if (report_latency(delta, instance.max_latency_ns(), thresh)) {
    g_irqsoff.max_lock.lock();
    if (report_latency(delta, instance.max_latency_ns(), thresh)) {
      FunctionTracer::record(instance, ctx, site.ip, site.parent_ip);
      record_stack_trace(instance, ctx, site);
      if (section.sequence == g_irqsoff.max_sequence.load(MemoryOrder::kAcquire)) {
        MaxTraceInfo info;
        info.time_start = section.start_time;
        info.cpu = ctx.cpu;
        info.latency_ns = delta;
        copy_comm(info.comm, current.comm);
        info.pid = current.pid;
        info.nice = current.nice;
        info.policy = current.policy;
        info.rt_priority = current.rt_priority;
        info.critical_start = section.critical_start;
        info.critical_end = where(site);
        instance.set_max_latency_ns(delta);
        instance.update_max_tr_single(ctx.cpu, info);
        g_irqsoff.max_sequence.fetch_add(1);
      }
    }
    g_irqsoff.max_lock.unlock();
  }
  section.sequence = g_irqsoff.max_sequence.load(MemoryOrder::kAcquire);
  section.start_time = instance.now();
  FunctionTracer::record(instance, ctx, site.ip, site.parent_ip);
}

void stop_critical(TraceInstance& instance, const RecordContext& ctx, const ProbeSite& site,
                   const SchedTask& current) {
  CriticalSection& section = g_irqsoff.cpus[ctx.cpu % CpuMask::kMaxCpus];
  if (!section.open) return;
  section.open = false;
  if (!section.critical_start) return;
  FunctionTracer::record(instance, ctx, site.ip, site.parent_ip);
  check_critical(instance, ctx, section, site, current);
  section.critical_start = 0;
}

// A stretch starts or ends; while the tracer is stopped, this CPU's open stretch is forgotten.
void on_edge(TraceInstance& instance, const RecordContext& ctx, bool off, const ProbeSite& site,
             const SchedTask& current) {
  if (!g_irqsoff.enabled.load(MemoryOrder::kAcquire) || !instance.tracing_on()) {
    g_irqsoff.cpus[ctx.cpu % CpuMask::kMaxCpus].open = false;
    return;
  }
  if (off)
    start_critical(instance, ctx, site);
  else
    stop_critical(instance, ctx, site, current);
}

// Linux's tracer_hardirqs_off/on: the interrupt flag opens or closes the stretch unless the
// preemption count (followed by preemptirqsoff) holds it open. Interrupts are masked at both
// edges (the unmasking is reported before it happens).
void on_irqs_edge(TraceInstance& instance, const RecordContext& ctx, bool off,
                  const ProbeSite& site, const SchedTask& current) {
  if (!(g_irqsoff.type & kIrqsOff)) return;
  if ((g_irqsoff.type & kPreemptOff) && ctx.preempt) return;
  on_edge(instance, ctx, off, site, current);
}

// Linux's tracer_preempt_off/on: the preemption count leaving or returning to 0 opens or
// closes the stretch unless masked interrupts (followed by preemptirqsoff) hold it open.
void on_preempt_edge(TraceInstance& instance, const RecordContext& ctx, bool off,
                     const ProbeSite& site, const SchedTask& current) {
  if (!(g_irqsoff.type & kPreemptOff)) return;
  if ((g_irqsoff.type & kIrqsOff) && (ctx.flags & ring::kFlagIrqsOff)) return;
  on_edge(instance, ctx, off, site, current);
}

// Functions are recorded only inside a stretch, on its CPU, with interrupts masked or
// preemption disabled (Linux's func_prolog_dec).
bool on_function(TraceInstance& instance, const RecordContext& ctx, u64 ip, u64 parent_ip) {
  if (!g_irqsoff.cpus[ctx.cpu % CpuMask::kMaxCpus].open) return false;
  if (!(ctx.flags & ring::kFlagIrqsOff) && !ctx.preempt) return false;
  if (!instance.option(TraceOption::kFunctionTrace)) return false;
  return FunctionTracer::record(instance, ctx, ip, parent_ip);
}

void forget_sections() {
  for (CriticalSection& section : g_irqsoff.cpus) section = CriticalSection{};
}

Status init_type(TraceInstance& instance, u8 type) {
  if (g_irqsoff.busy) return Errno::kBusy;
  g_irqsoff.type = type;
  g_irqsoff.saved_latency_format = instance.option(TraceOption::kLatencyFormat);
  g_irqsoff.saved_overwrite = instance.option(TraceOption::kOverwrite);
  instance.set_option(TraceOption::kOverwrite, true);
  instance.set_option(TraceOption::kLatencyFormat, true);
  instance.set_max_latency_ns(0);
  forget_sections();
  g_irqsoff.enabled.store(instance.tracing_on(), MemoryOrder::kRelease);
  g_irqsoff.busy = true;
  return {};
}

void reset(TraceInstance& instance) {
  g_irqsoff.enabled.store(false, MemoryOrder::kRelease);
  instance.set_option(TraceOption::kLatencyFormat, g_irqsoff.saved_latency_format);
  instance.set_option(TraceOption::kOverwrite, g_irqsoff.saved_overwrite);
  g_irqsoff.busy = false;
}

Status init_irqsoff(TraceInstance& instance) {
  return init_type(instance, kIrqsOff);
}
Status init_preemptoff(TraceInstance& instance) {
  return init_type(instance, kPreemptOff);
}
Status init_preemptirqsoff(TraceInstance& instance) {
  return init_type(instance, kIrqsOff | kPreemptOff);
}

// Linux's irqsoff start/stop: tracing_on 1 measures again (the open stretches start over).
void start(TraceInstance&) {
  g_irqsoff.enabled.store(true, MemoryOrder::kRelease);
}

void stop(TraceInstance&) {
  g_irqsoff.enabled.store(false, MemoryOrder::kRelease);
}

// The three tracers' table: the edges each follows, otherwise the same.
constexpr Tracer irqsoff_family(StringView name, Status (*init)(TraceInstance&), bool irqs,
                                bool preempt) {
  return Tracer{
      .name = name,
      .in_instances = true,
      .use_max_tr = true,
      .init = init,
      .reset = reset,
      .start = start,
      .stop = stop,
      .on_function = on_function,
      .on_irqs_edge = irqs ? on_irqs_edge : nullptr,
      .on_preempt_edge = preempt ? on_preempt_edge : nullptr,
      .print_header = print_default_header,
      .print_entry = print_default_entry,
  };
}

}  // namespace

constinit const Tracer kIrqsoffTracer = irqsoff_family("irqsoff", init_irqsoff, true, false);
constinit const Tracer kPreemptoffTracer =
    irqsoff_family("preemptoff", init_preemptoff, false, true);
constinit const Tracer kPreemptirqsoffTracer =
    irqsoff_family("preemptirqsoff", init_preemptirqsoff, true, true);

}  // namespace tg::trace
