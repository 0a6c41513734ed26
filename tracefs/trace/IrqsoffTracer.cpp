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

// Linux keeps this in file-scope variables; one instance at a time runs the tracer.
struct IrqsoffState {
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

void on_irqs_edge(TraceInstance& instance, const RecordContext& ctx, bool off,
                  const ProbeSite& site, const SchedTask& current) {
  if (!g_irqsoff.enabled.load(MemoryOrder::kAcquire) || !instance.tracing_on()) {
    g_irqsoff.cpus[ctx.cpu % CpuMask::kMaxCpus].open = false;
    return;
  }
  if (off)
    start_critical(instance, ctx, site);
  else
    stop_critical(instance, ctx, site, current);
}

// Functions are recorded only inside a masked stretch, on its CPU.
bool on_function(TraceInstance& instance, const RecordContext& ctx, u64 ip, u64 parent_ip) {
  if (!g_irqsoff.cpus[ctx.cpu % CpuMask::kMaxCpus].open) return false;
  if (!(ctx.flags & ring::kFlagIrqsOff)) return false;
  if (!instance.option(TraceOption::kFunctionTrace)) return false;
  return FunctionTracer::record(instance, ctx, ip, parent_ip);
}

void forget_sections() {
  for (CriticalSection& section : g_irqsoff.cpus) section = CriticalSection{};
}

Status init(TraceInstance& instance) {
  if (g_irqsoff.busy) return Errno::kBusy;
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

// Linux's irqsoff start/stop: tracing_on 1 measures again (the open stretches start over).
void start(TraceInstance&) {
  g_irqsoff.enabled.store(true, MemoryOrder::kRelease);
}

void stop(TraceInstance&) {
  g_irqsoff.enabled.store(false, MemoryOrder::kRelease);
}

}  // namespace

const Tracer kIrqsoffTracer = {
    .name = "irqsoff",
    .in_instances = true,
    .use_max_tr = true,
    .init = init,
    .reset = reset,
    .start = start,
    .stop = stop,
    .on_function = on_function,
    .on_irqs_edge = on_irqs_edge,
    .print_header = print_default_header,
    .print_entry = print_default_entry,
};

}  // namespace tg::trace
