#include "Trace/FtraceDispatch.h"

#include "Arch/x86_64/PerCpu.h"
#include "Console/Log.h"
#include "Tasks/Task.h"
#include "Trace/CodePatcher.h"
#include "Trace/TraceContext.h"
#include "Trace/Tracefs.h"
#include "Trace/TracerGuard.h"

using tg::trace::DurationTracer;
using tg::trace::FunctionTracer;
using tg::trace::GraphTracer;
using tg::trace::RecordContext;
using tg::trace::TraceInstance;
using tg::trace::Tracing;

u32 g_tracer_busy[kMaxCpus];

namespace {
Tracing* g_tracing;
TraceInstance* g_top;  // never removed: safe to reach from any context
u64 g_shadow_overflows;
u64 g_recursion_misses;

// Whether `instance` wants this call: the live sites are the union of every function-tracing
// instance's lists (and the probes'), so only the instance they were patched for alone may
// skip the test.
always_inline_notrace bool instance_wants(const TraceInstance& instance, u32 exact, u64 ip) {
  return instance.table_index() + 1 == exact || instance.wants_function(ip);
}

// The function tracer may run in any instance, each with its own set_ftrace_filter,
// set_ftrace_notrace and set_ftrace_pid.
TG_HOT void function_entries(const RecordContext& ctx, u32 exact, u64 ip, u64 parent_ip) {
  g_tracing->for_each_recorder([&](TraceInstance& instance) {
    if (&instance.tracer() != &tg::trace::kFunctionTracer) return;
    if (!instance_wants(instance, exact, ip)) return;
    if (!instance.pid_allowed(ctx.pid)) return;
    FunctionTracer::record(instance, ctx, ip, parent_ip);
  });
}

// Decides whether (and how) the return of this call is hooked, recording the entry for
// function_graph. Returns the hook kind, or -1 for "do not hook".
TG_HOT int graph_entry_hook(const tg::trace::Tracer& tracer, const RecordContext& ctx, Task* task,
                            u64 ip, u64 calltime) {
  ShadowStack& stack = task->shadow_stack;
  if (stack.excluded) return -1;
  // set_graph_notrace: hook (so the subtree is known to be excluded) but record nothing.
  if (g_tracing->graph_excluded(ip)) return kShadowHookExcluded;
  if (stack.top == 0 && !g_tracing->graph_should_trace(ip)) return -1;
  if (!g_top->pid_allowed(ctx.pid)) return -1;
  if (&tracer == &tg::trace::kGraphTracer) {
    return GraphTracer::record_entry(*g_top, ctx, ip, stack.top, calltime) ? kShadowHookGraph : -1;
  }
  return DurationTracer::should_hook(*g_top, ctx, stack.top) ? kShadowHookDuration : -1;
}

TG_HOT void graph_entry(const tg::trace::Tracer& tracer, const RecordContext& ctx, u64 ip,
                        u64* parent_slot) {
  Task* task = current_task();
  if (!task) return;  // a CPU still booting: no task to keep frames in
  ShadowStack& stack = task->shadow_stack;
  u64 calltime = g_top->now();
  int hook = graph_entry_hook(tracer, ctx, task, ip, calltime);
  if (hook < 0) return;
  if (stack.top >= ShadowStack::kFrames) {
    ++stack.overflows;
    ++g_shadow_overflows;
    return;
  }
  stack.frames[stack.top] =
      ShadowFrame{*parent_slot, ip, calltime, stack.top, static_cast<u8>(hook), {}};
  ++stack.top;
  if (hook == kShadowHookExcluded) ++stack.excluded;
  *parent_slot = reinterpret_cast<u64>(&return_to_handler);
}

TG_HOT void graph_return_record(const ShadowFrame& frame, const RecordContext& ctx, u64 retval) {
  const tg::trace::Tracer& tracer = g_top->tracer();
  u64 rettime = g_top->now();
  if (frame.hook == kShadowHookGraph && &tracer == &tg::trace::kGraphTracer) {
    GraphTracer::record_return(*g_top, ctx, frame.ip, frame.depth, frame.calltime, rettime, retval);
  } else if (frame.hook == kShadowHookDuration && &tracer == &tg::trace::kDurationTracer) {
    DurationTracer::record_exit(*g_top, ctx, frame.ip, frame.depth, frame.calltime, rettime);
  }
}
}  // namespace

void ftrace_dispatch_init() {
  g_tracing = tg::trace::tracing();
  g_top = &g_tracing->top();
}

extern "C" TG_HOT void ftrace_dispatch(u64 ip, u64* parent_slot) {
  if (!g_top) return;
  TracerGuard guard;
  if (!guard.entered()) {
    ++g_recursion_misses;
    return;
  }
  if (__atomic_load_n(&g_patcher_probes, __ATOMIC_ACQUIRE)) g_tracing->run_probes(ip);
  u32 exact = __atomic_load_n(&g_patcher_exact, __ATOMIC_ACQUIRE);
  RecordContext ctx = trace_context(guard.saved_flags());
  // The graph tracers run in the top instance only (as Linux's instances, which offer
  // "function nop").
  const tg::trace::Tracer& tracer = g_top->tracer();
  if (tracer.hooks_returns && instance_wants(*g_top, exact, ip))
    graph_entry(tracer, ctx, ip, parent_slot);
  function_entries(ctx, exact, ip, *parent_slot);
}

extern "C" TG_HOT u64 ftrace_graph_return(u64 retval) {
  TracerGuard guard;
  Task* task = current_task();
  ShadowStack& stack = task->shadow_stack;
  if (stack.top == 0) panic("ftrace: return hook with an empty shadow stack");
  ShadowFrame frame = stack.frames[--stack.top];
  if (frame.hook == kShadowHookExcluded) {
    --stack.excluded;
  } else if (guard.entered() && g_top) {
    graph_return_record(frame, trace_context(guard.saved_flags()), retval);
  }
  return frame.return_address;
}

FtraceStats ftrace_stats() {
  return {g_shadow_overflows, g_recursion_misses};
}
