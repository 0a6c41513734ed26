#include "Trace/FtraceDispatch.h"

#include "Arch/x86_64/PerCpu.h"
#include "Console/Log.h"
#include "Memory/Layout.h"
#include "Tasks/Task.h"
#include "Trace/CodePatcher.h"
#include "Trace/TraceContext.h"
#include "Trace/Tracefs.h"
#include "Trace/TracerGuard.h"

using tg::trace::HookedCall;
using tg::trace::ProbeHit;
using tg::trace::RecordContext;
using tg::trace::TraceInstance;
using tg::trace::Tracer;
using tg::trace::Tracing;

u32 g_tracer_busy[kMaxCpus];

namespace {
Tracing* g_tracing;
TraceInstance* g_top;  // never removed: safe to reach from any context
u64 g_shadow_overflows;
u64 g_recursion_misses;
// Marks the shadow frame a return probe (kretprobe, fprobe exit) pushed: its return runs the
// probes, whatever the tracer.
const Tracer kReturnProbes = {};
// The register block's size: the return address into the traced function follows it.
constexpr u64 kSavedRegisterBytes = 15 * 8;

// Whether `instance` wants this call: the live sites are the union of every function-tracing
// instance's lists (and the probes'), so only the instance they were patched for alone may
// skip the test.
always_inline_notrace bool instance_wants(const TraceInstance& instance, u32 exact, u64 ip) {
  return instance.table_index() + 1 == exact || instance.wants_function(ip);
}

// Every instance whose tracer records function calls, each with its own set_ftrace_filter,
// set_ftrace_notrace and set_ftrace_pid.
TG_HOT void function_entries(const RecordContext& ctx, u32 exact, u64 ip, u64 parent_ip) {
  g_tracing->for_each_recorder([&](TraceInstance& instance) {
    const Tracer& tracer = instance.tracer();
    if (!tracer.on_function) return;
    if (!instance_wants(instance, exact, ip)) return;
    if (!instance.pid_allowed(ctx.pid)) return;
    tracer.on_function(instance, ctx, ip, parent_ip);
  });
}

TG_HOT void push_frame(ShadowStack& stack, u64* parent_slot, const HookedCall& call,
                       const Tracer* tracer) {
  if (stack.top >= ShadowStack::kFrames) {
    ++stack.overflows;
    ++g_shadow_overflows;
    return;
  }
  stack.frames[stack.top] = ShadowFrame{*parent_slot, call, tracer};
  ++stack.top;
  if (!tracer) ++stack.excluded;
  *parent_slot = reinterpret_cast<u64>(&return_to_handler);
}

// A tracer that hooks returns: the graph lists (global, as in Linux) pick the calls, then
// the tracer decides (and may record the entry).
TG_HOT void hooked_entry(const Tracer& tracer, const RecordContext& ctx, u64 ip, u64* parent_slot) {
  Task* task = current_task();
  if (!task) return;  // a CPU still booting: no task to keep frames in
  ShadowStack& stack = task->shadow_stack;
  HookedCall call{ip, g_top->now(), stack.top, 0};
  if (stack.excluded) return;
  // set_graph_notrace: hook (so the subtree is known to be excluded) but record nothing.
  if (g_tracing->graph_excluded(ip)) return push_frame(stack, parent_slot, call, nullptr);
  if (stack.top == 0 && !g_tracing->graph_should_trace(ip)) return;
  if (!g_top->pid_allowed(ctx.pid)) return;
  if (!tracer.on_entry(*g_top, ctx, call)) return;
  push_frame(stack, parent_slot, call, &tracer);
}

// kprobe_events / dynamic_events at this function's entry: the entry probes fire now; a
// return probe hooks the return (pushed before any graph tracer's frame, so it keeps the
// real return address and pops last).
void entry_probes(const RecordContext& ctx, u64 ip, u64* parent_slot, const u64* registers) {
  tg::trace::ProbeEvents& probes = g_tracing->probes();
  if (!probes.any()) return;
  ProbeHit hit{registers, ip, reinterpret_cast<u64>(parent_slot), *parent_slot, 0};
  probes.fire(*g_tracing, ctx, hit, false);
  if (!probes.has_return_probe_at(ip)) return;
  Task* task = current_task();
  if (!task) return;
  push_frame(task->shadow_stack, parent_slot, HookedCall{ip, 0, task->shadow_stack.top, 0},
             &kReturnProbes);
}
// The max-stack tracer at this call, when the stack in use is the current task's (an
// interrupt runs on the task's stack; the NMI and double-fault stacks are not measured, as
// Linux measures only task stacks). `parent_slot - 1` holds what the site's call pushed.
void check_stack(u32 cpu, u64* parent_slot, u64 frame) {
  Task* task = current_task();
  if (!task || !task->stack) return;
  const u64* base = reinterpret_cast<const u64*>(task->stack);
  const u64* top = base + kTaskStackPages * kPageSize / sizeof(u64);
  const u64* sp = parent_slot - 1;
  if (sp < base || sp >= top) return;
  g_tracing->stack_tracer().check(cpu, {sp, top, frame});
}
}  // namespace

void ftrace_dispatch_init() {
  g_tracing = tg::trace::tracing();
  g_top = &g_tracing->top();
}

extern "C" TG_HOT void ftrace_dispatch(u64 ip, u64* parent_slot, const u64* registers) {
  if (!g_top) return;
  TracerGuard guard;
  if (!guard.entered()) {
    ++g_recursion_misses;
    return;
  }
  u32 exact = __atomic_load_n(&g_patcher_exact, __ATOMIC_ACQUIRE);
  RecordContext ctx = trace_context(guard.saved_flags());
  if (__atomic_load_n(&g_patcher_probes, __ATOMIC_ACQUIRE)) {
    // registers[14] is the saved %rbp: the traced function's caller's frame.
    g_tracing->run_probes(ctx, {ip, *parent_slot, registers[14]});
    entry_probes(ctx, ip, parent_slot, registers);
  }
  // Before a graph tracer hooks the return: the stack then still holds the real one.
  if (g_tracing->stack_tracer().wants_site(ip))
    check_stack(guard.cpu(), parent_slot, registers[14]);
  // Tracers that hook returns run in the top instance only (one shadow stack per task; as
  // Linux's instances, which offer "function nop").
  const Tracer& tracer = g_top->tracer();
  if (tracer.on_entry && instance_wants(*g_top, exact, ip))
    hooked_entry(tracer, ctx, ip, parent_slot);
  function_entries(ctx, exact, ip, *parent_slot);
}

extern "C" TG_HOT u64 ftrace_graph_return(u64 retval, const u64* registers) {
  TracerGuard guard;
  Task* task = current_task();
  ShadowStack& stack = task->shadow_stack;
  if (stack.top == 0) panic("ftrace: return hook with an empty shadow stack");
  ShadowFrame frame = stack.frames[--stack.top];
  if (!frame.tracer) {
    --stack.excluded;
  } else if (frame.tracer == &kReturnProbes) {
    // The probe may have gone meanwhile: fire() finds only the probes still published.
    if (guard.entered()) {
      ProbeHit hit{registers, frame.call.ip, reinterpret_cast<u64>(registers) + kSavedRegisterBytes,
                   frame.return_address, retval};
      g_tracing->probes().fire(*g_tracing, trace_context(guard.saved_flags()), hit, true);
    }
  } else if (guard.entered() && g_top && frame.tracer == &g_top->tracer()) {
    // The tracer that hooked the call, if it is still current.
    frame.tracer->on_return(*g_top, trace_context(guard.saved_flags()), frame.call, g_top->now(),
                            retval);
  }
  return frame.return_address;
}

FtraceStats ftrace_stats() {
  return {g_shadow_overflows, g_recursion_misses};
}
