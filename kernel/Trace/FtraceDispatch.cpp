#include "Trace/FtraceDispatch.h"

#include "Arch/x86_64/PerCpu.h"
#include "Console/Log.h"
#include "Memory/Layout.h"
#include "Tasks/Task.h"
#include "Trace/CodePatcher.h"
#include "Trace/GraphStubs.h"
#include "Trace/TraceClock.h"
#include "Trace/TraceContext.h"
#include "Trace/Tracefs.h"
#include "Trace/TracerGuard.h"
#include "trace/FunctionTracer.h"
#include "trace/GraphTracer.h"

using tg::trace::FunctionProfiler;
using tg::trace::FunctionTracer;
using tg::trace::GraphTracer;
using tg::trace::HookedCall;
using tg::trace::ProbeHit;
using tg::trace::ProfiledCall;
using tg::trace::RecordContext;
using tg::trace::TraceInstance;
using tg::trace::TraceOption;
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
// Marks the profiler's frame: its return adds the call's time to the function's record,
// whatever the tracer.
const Tracer kProfilerFrame = {};
// Marks the frame of the instances running function_graph (Linux 6.12's several fgraph
// users): one frame a call for all of them, call.data the mask of their table slots and
// call.calltime the TSC at entry, from which each instance's clock is read again at the
// return.
const Tracer kInstanceGraphs = {};
// The register block's size: the return address into the traced function follows it.
constexpr u64 kSavedRegisterBytes = 15 * 8;

// Whether `instance` wants this call: the live sites are the union of every function-tracing
// instance's lists (and the probes'), so only the instance they were patched for alone may
// skip the test.
always_inline_notrace bool instance_wants(const TraceInstance& instance, u32 exact, u64 ip) {
  return instance.table_index() + 1 == exact || instance.wants_function(ip);
}

// The tracers' operations called through their table. They build their own record context
// (from the flags the guard saved) and hooked call, for what the operations take by reference
// (see function_entries).
[[gnu::noinline]] void call_on_function(const Tracer& tracer, TraceInstance& instance,
                                        u64 irq_flags, u64 ip, u64 parent_ip) {
  tracer.on_function(instance, trace_context(irq_flags), ip, parent_ip);
}
struct TableEntry {
  bool hook;
  u32 data;  // the one field of the call on_entry may fill
};
[[gnu::noinline]] TableEntry call_on_entry(const Tracer& tracer, u64 irq_flags, u64 ip,
                                           u64 calltime, u32 depth) {
  HookedCall call{ip, calltime, depth, 0};
  bool hook = tracer.on_entry(*g_top, trace_context(irq_flags), call);
  return {hook, call.data};
}
[[gnu::noinline]] void call_on_return(const Tracer& tracer, u64 irq_flags, const HookedCall& call,
                                      u64 rettime, u64 retval) {
  tracer.on_return(*g_top, trace_context(irq_flags), call, rettime, retval);
}

// Every instance whose tracer records function calls, each with its own set_ftrace_filter,
// set_ftrace_notrace and set_ftrace_pid.
// The function tracer, the one on_function there is, is called directly (and inlined). The
// fast paths keep `ctx` and the hooked call in registers (the calls through a table build
// their own, call_on_*), so no record is built from a struct stored byte by byte and loaded
// back wider (a store-forwarding stall).
// Pushes the frame and hooks the return through `hook` (return_to_regs_handler for a return
// probe, which reads the registers there; return_to_handler for the rest). False when the
// stack was full: the call is not hooked.
always_inline_notrace bool push_frame(ShadowStack& stack, u64* parent_slot, const HookedCall& call,
                                      const Tracer* tracer, void (*hook)()) {
  if (stack.top >= ShadowStack::kFrames) {
    ++stack.overflows;
    ++g_shadow_overflows;
    return false;
  }
  // Field by field: the return reads them so, and a struct copy mixes wider stores in.
  ShadowFrame& frame = stack.frames[stack.top];
  frame.return_address = *parent_slot;
  frame.call.ip = call.ip;
  frame.call.calltime = call.calltime;
  frame.call.depth = call.depth;
  frame.call.data = call.data;
  frame.tracer = tracer;
  frame.subtime = 0;
  ++stack.top;
  *parent_slot = reinterpret_cast<u64>(hook);
  return true;
}

// function_graph in an instance (the top one's runs through hooked_entry): the entry is
// recorded now, in the instance's buffer on its clock, and the instance joins the call's
// instance frame (pushed once all have been asked, see instance_graph_frame).
struct InstanceGraphCall {
  u64 tsc = 0;  // read by the first instance that records the call
  u32 mask = 0;
  bool excluded = false;  // set_graph_notrace: the call roots a subtree none of them traces
};
[[gnu::noinline]] void instance_graph_entry(TraceInstance& instance, const RecordContext& ctx,
                                            u32 exact, u64 ip, InstanceGraphCall& call) {
  if (instance.tracer().on_entry != GraphTracer::on_entry) return;
  if (!instance_wants(instance, exact, ip) || !instance.pid_allowed(ctx.pid)) return;
  Task* task = current_task();
  if (!task) return;
  ShadowStack& stack = task->shadow_stack;
  // The graph lists are global, as in Linux: set_graph_notrace's subtrees are left out
  // (under the top's exclusion frame when the top runs function_graph too, else under one
  // of the instances'), and set_graph_function roots every instance's graphs.
  if (stack.excluded) return;
  if (g_tracing->graph_excluded(ip)) {
    call.excluded = true;
    return;
  }
  // Inside a graph set_graph_function rooted, whoever's frame rooted it: as Linux's
  // per-task TRACE_GRAPH_BIT, which any fgraph user's entry sets.
  u32 depth = stack.instance_frames;
  bool rooted = depth > 0 || stack.top > stack.side_frames;
  if (!rooted && !g_tracing->graph_filter().admits(ip)) return;
  if (!call.tsc) call.tsc = rdtsc();
  HookedCall hooked{ip, trace_clock_at(instance.clock(), call.tsc), depth, 0};
  if (GraphTracer::on_entry(instance, ctx, hooked)) call.mask |= 1u << instance.table_index();
}
[[gnu::noinline]] void instance_graph_frame(u64 ip, u64* parent_slot,
                                            const InstanceGraphCall& call) {
  ShadowStack& stack = current_task()->shadow_stack;
  if (call.mask) {
    HookedCall frame{ip, call.tsc, stack.instance_frames, call.mask};
    if (push_frame(stack, parent_slot, frame, &kInstanceGraphs, return_to_handler)) {
      ++stack.side_frames;
      ++stack.instance_frames;
    }
  } else if (call.excluded && !stack.excluded) {
    if (push_frame(stack, parent_slot, HookedCall{ip, 0, 0, 0}, nullptr, return_to_handler))
      ++stack.excluded;
  }
}
// The instances' returns: each one still running function_graph records it, its clock read
// at the entry's and the return's TSC.
[[gnu::noinline]] void instance_graph_returns(const ShadowFrame& frame, u64 irq_flags, u64 tsc,
                                              u64 retval) {
  RecordContext ctx = trace_context(irq_flags);
  for (u32 mask = frame.call.data; mask; mask &= mask - 1) {
    TraceInstance* instance = g_tracing->recorder_at(static_cast<u32>(__builtin_ctz(mask)));
    if (!instance || instance->tracer().on_return != GraphTracer::on_return) continue;
    HookedCall call{frame.call.ip, trace_clock_at(instance->clock(), frame.call.calltime),
                    frame.call.depth, 0};
    GraphTracer::on_return(*instance, ctx, call, trace_clock_at(instance->clock(), tsc), retval);
  }
}

// The instances' function_graph is looked for only while one runs it (the patcher's flag):
// the loop without it is the one every traced call runs.
template <bool kInstanceGraphsOn>
always_inline_notrace void function_entries_loop(const RecordContext& ctx, u64 irq_flags, u32 exact,
                                                 u64 ip, u64* parent_slot) {
  u64 parent_ip = *parent_slot;
  InstanceGraphCall graphs;
  g_tracing->for_each_recorder([&](TraceInstance& instance) TG_ALWAYS_INLINE {
    const Tracer& tracer = instance.tracer();
    if (!tracer.on_function) {
      if (kInstanceGraphsOn && tracer.on_entry && &instance != g_top)
        instance_graph_entry(instance, ctx, exact, ip, graphs);
      return;
    }
    if (!instance_wants(instance, exact, ip)) return;
    if (!instance.pid_allowed(ctx.pid)) return;
    if (tracer.on_function == FunctionTracer::record)
      FunctionTracer::record_at(instance, ctx, ip, parent_ip, trace_clock(instance.clock()));
    else
      call_on_function(tracer, instance, irq_flags, ip, parent_ip);
  });
  if (kInstanceGraphsOn && (graphs.mask || graphs.excluded))
    instance_graph_frame(ip, parent_slot, graphs);
}
[[gnu::noinline]] void function_entries_with_instance_graphs(const RecordContext& ctx,
                                                             u64 irq_flags, u32 exact, u64 ip,
                                                             u64* parent_slot) {
  function_entries_loop<true>(ctx, irq_flags, exact, ip, parent_slot);
}
always_inline_notrace void function_entries(const RecordContext& ctx, u64 irq_flags, u32 exact,
                                            u64 ip, u64* parent_slot) {
  if (unlikely(__atomic_load_n(&g_patcher_instance_graphs, __ATOMIC_RELAXED)))
    return function_entries_with_instance_graphs(ctx, irq_flags, exact, ip, parent_slot);
  function_entries_loop<false>(ctx, irq_flags, exact, ip, parent_slot);
}

// A tracer that hooks returns: the graph lists (global, as in Linux) pick the calls, then
// the tracer decides (and may record the entry). kGraph: the tracer is known to be
// function_graph, called directly. The record context and the clock are read once the lists
// have taken the call (as Linux's trace_graph_entry reads calltime), so that the lists'
// lookups do not keep them waiting in registers.
template <bool kGraph>
always_inline_notrace void hooked_entry(TraceInstance& top, const Tracer& tracer, u64 irq_flags,
                                        u64 ip, u64* parent_slot) {
  Task* task = current_task();
  if (!task) return;  // a CPU still booting: no task to keep frames in
  ShadowStack& stack = task->shadow_stack;
  if (stack.excluded) return;
  Tracing& tracing = *g_tracing;
  // The depth counts this tracer's frames (and set_graph_notrace's) only.
  u32 depth = stack.top - stack.side_frames;
  // set_graph_notrace: hook (so the subtree is known to be excluded) but record nothing.
  if (tracing.graph_excluded(ip)) {
    if (push_frame(stack, parent_slot, HookedCall{ip, trace_clock(top.clock()), depth, 0}, nullptr,
                   return_to_handler))
      ++stack.excluded;
    return;
  }
  // graph_should_trace, whose set_graph_notrace half was just tested.
  if (depth == 0 && !tracing.graph_filter().admits(ip)) return;
  if (!top.pid_allowed(task->pid)) return;
  RecordContext ctx = trace_context(irq_flags);
  HookedCall call{ip, trace_clock(top.clock()), depth, 0};
  if (kGraph || tracer.on_entry == GraphTracer::on_entry) {
    // The frame first, then the entry record, as Linux's function_graph_enter: a call whose
    // return cannot be hooked (the stack is full) leaves no entry without a return.
    if (GraphTracer::hooks(top, ctx, depth) &&
        push_frame(stack, parent_slot, call, &tracer, return_to_handler))
      GraphTracer::write_entry(top, ctx, ip, depth, call.calltime);
    return;
  }
  TableEntry entry = call_on_entry(tracer, irq_flags, call.ip, call.calltime, call.depth);
  call.data = entry.data;
  if (entry.hook) push_frame(stack, parent_slot, call, &tracer, return_to_handler);
}

// kprobe_events / dynamic_events at this function's entry: the entry probes fire now; a
// return probe hooks the return (pushed before any graph tracer's frame, so it keeps the
// real return address and pops last).
[[gnu::noinline]] void entry_probes(const RecordContext& ctx, u64 ip, u64* parent_slot,
                                    const u64* registers) {
  tg::trace::ProbeEvents& probes = g_tracing->probes();
  if (!probes.any()) return;
  ProbeHit hit{registers, ip, reinterpret_cast<u64>(parent_slot), *parent_slot, 0};
  probes.fire(*g_tracing, ctx, hit, false);
  if (!probes.has_return_probe_at(ip)) return;
  Task* task = current_task();
  if (!task) return;
  ShadowStack& stack = task->shadow_stack;
  // Their $argN are read at the return from what the entry saw (Linux's entry data).
  u32 saved = 0;
  if (stack.probe_entries < ShadowStack::kProbeEntries) {
    ProbeEntryArgs& entry = stack.probe_entry[stack.probe_entries];
    entry.sp = reinterpret_cast<u64>(parent_slot);
    tg::trace::probe_entry_arguments(registers, entry.sp, entry.arguments);
    saved = ++stack.probe_entries;
  }
  if (push_frame(stack, parent_slot, HookedCall{ip, 0, stack.top, saved}, &kReturnProbes,
                 return_to_regs_handler)) {
    ++stack.side_frames;
  } else if (saved) {
    --stack.probe_entries;
  }
}
// The profiler times calls on the local trace clock whatever trace_clock says, as Linux's
// profiler reads trace_clock_local.
always_inline_notrace u64 profile_clock() {
  return trace_clock(tg::TraceClock::kLocal);
}

// function_profile_enabled: every call counts, whatever the tracers and their lists, and its
// return is hooked with a frame of its own to time it (Linux's profiler is an fgraph user
// of its own, beside function_graph).
[[gnu::noinline]] TG_HOT void profile_entry(FunctionProfiler& profiler, u32 cpu, u64 ip,
                                            u64* parent_slot) {
  ProfiledCall call;
  if (!profiler.enter(cpu, ip, profile_clock(), call)) return;
  Task* task = current_task();
  if (!task) return;  // counted, but no task to keep the frame in
  ShadowStack& stack = task->shadow_stack;
  if (push_frame(stack, parent_slot, HookedCall{ip, call.calltime, 0, call.generation},
                 &kProfilerFrame, return_to_handler))
    ++stack.side_frames;
}

// The caller's frame, whose subtime collects this call's time under nograph-time: the
// profiler's nearest frame below (it hooks every call, so that is the caller's).
u64* profiled_parent_subtime(ShadowStack& stack) {
  for (u32 i = stack.top; i-- > 0;)
    if (stack.frames[i].tracer == &kProfilerFrame) return &stack.frames[i].subtime;
  return nullptr;
}

TG_HOT void profile_return(ShadowStack& stack, const ShadowFrame& frame, u32 cpu) {
  bool graph_time = g_top->option(TraceOption::kGraphTime);
  ProfiledCall call{frame.call.ip, frame.call.calltime, frame.subtime, frame.call.data};
  g_tracing->profiler().leave(cpu, call, profile_clock(),
                              graph_time ? nullptr : profiled_parent_subtime(stack), graph_time);
}

// The max-stack tracer at this call, when the stack in use is the current task's (an
// interrupt runs on the task's stack; the NMI and double-fault stacks are not measured, as
// Linux measures only task stacks). `parent_slot - 1` holds what the site's call pushed.
[[gnu::noinline]] void check_stack(u32 cpu, u64* parent_slot, u64 frame) {
  Task* task = current_task();
  if (!task || !task->stack) return;
  const u64* base = reinterpret_cast<const u64*>(task->stack);
  const u64* top = base + kTaskStackPages * kPageSize / sizeof(u64);
  const u64* sp = parent_slot - 1;
  if (sp < base || sp >= top) return;
  g_tracing->stack_tracer().check(cpu, {sp, top, frame});
}
[[gnu::noinline, gnu::cold]] void note_recursion() {
  ++g_recursion_misses;
}

// The sites are exactly the top instance's lists and nothing else wants them (no probe, no
// stack tracer, no profiler, no other instance tracing functions: the patcher's exact slot,
// see Tracing::sole_function_slot): its function or function_graph tracer runs alone, called
// directly (another tracer that hooks returns through its table), the record context built
// here and kept in registers. Most traced calls take this path. False for any other tracer
// (one switched since the patcher last published too).
always_inline_notrace bool top_alone(const TracerGuard& guard, TraceInstance& top, u64 ip,
                                     u64* parent_slot) {
  const Tracer& tracer = top.tracer();
  if (tracer.on_entry == GraphTracer::on_entry) {
    hooked_entry<true>(top, tracer, guard.saved_flags(), ip, parent_slot);
    return true;
  }
  if (tracer.on_function == FunctionTracer::record) {
    RecordContext ctx = trace_context(guard.saved_flags());
    if (top.pid_allowed(ctx.pid))
      FunctionTracer::record_at(top, ctx, ip, *parent_slot, trace_clock(top.clock()));
    return true;
  }
  // Another tracer that hooks returns (function_duration), through its table.
  if (!tracer.on_entry || tracer.on_function) return false;
  hooked_entry<false>(top, tracer, guard.saved_flags(), ip, parent_slot);
  return true;
}

// What every live site runs once its probes (if any) have fired: the stack tracer, the
// profiler, the top instance's graph tracer and every instance's function tracer. `frame` is
// the traced function's caller's frame (its saved %rbp).
[[gnu::noinline]] void site_entries(TraceInstance& top, const RecordContext& ctx, u32 exact,
                                    u64 irq_flags, u64 ip, u64* parent_slot, u64 frame) {
  // Before a graph tracer hooks the return: the stack then still holds the real one.
  if (unlikely(g_tracing->stack_tracer().wants_site(ip))) check_stack(ctx.cpu, parent_slot, frame);
  FunctionProfiler& profiler = g_tracing->profiler();
  // The profiler follows the top directory's set_ftrace_filter/notrace, as Linux's (its ops
  // take the global filter).
  if (unlikely(profiler.enabled()) && top.wants_function(ip))
    profile_entry(profiler, ctx.cpu, ip, parent_slot);
  // The top instance's tracer that hooks returns has a frame of its own; the instances'
  // function_graph share one, pushed after theirs (function_entries).
  const Tracer& tracer = top.tracer();
  if (tracer.on_entry && instance_wants(top, exact, ip))
    hooked_entry<false>(top, tracer, irq_flags, ip, parent_slot);
  function_entries(ctx, irq_flags, exact, ip, parent_slot);
}
// The return of a frame no current tracer pushed: set_graph_notrace's, the profiler's, a
// return probe's, or a tracer's since replaced. `entered`: the recursion guard let this
// return record.
[[gnu::noinline]] void side_frame_return(ShadowStack& stack, const ShadowFrame& frame, bool entered,
                                         u64 irq_flags, u32 cpu, u64 retval, const u64* registers,
                                         u64 tsc) {
  if (!frame.tracer) {
    --stack.excluded;
  } else if (frame.tracer == &kInstanceGraphs) {
    --stack.side_frames;
    --stack.instance_frames;
    if (entered) instance_graph_returns(frame, irq_flags, tsc, retval);
  } else if (frame.tracer == &kProfilerFrame) {
    --stack.side_frames;
    if (entered) profile_return(stack, frame, cpu);
  } else if (frame.tracer == &kReturnProbes) {
    --stack.side_frames;
    const ProbeEntryArgs* entry = nullptr;
    if (frame.call.data) {
      entry = &stack.probe_entry[frame.call.data - 1];
      --stack.probe_entries;
    }
    // The probe may have gone meanwhile: fire() finds only the probes still published.
    if (entered) {
      ProbeHit hit{registers, frame.call.ip, reinterpret_cast<u64>(registers) + kSavedRegisterBytes,
                   frame.return_address, retval};
      if (entry) {
        hit.entry_args = entry->arguments;
        hit.entry_sp = entry->sp;
      }
      g_tracing->probes().fire(*g_tracing, trace_context(irq_flags), hit, true);
    }
  }
}

// Every return but function_graph's at the top: another tracer's that hooks returns (if it is
// still current), or a side frame.
[[gnu::noinline]] void other_return(ShadowStack& stack, const ShadowFrame& frame, bool entered,
                                    u64 irq_flags, u32 cpu, u64 retval, const u64* registers,
                                    u64 tsc) {
  TraceInstance* top = g_top;
  // The tracer that hooked the call, if it is still current (never null nor a marker).
  if (!top || frame.tracer != &top->tracer())
    return side_frame_return(stack, frame, entered, irq_flags, cpu, retval, registers, tsc);
  if (entered)
    call_on_return(*frame.tracer, irq_flags, frame.call, trace_clock_at(top->clock(), tsc), retval);
}
}  // namespace

void ftrace_dispatch_init() {
  g_tracing = tg::trace::tracing();
  g_top = &g_tracing->top();
}

extern "C" TG_HOT void ftrace_dispatch(u64 ip, u64* parent_slot, u64 frame) {
  TraceInstance* top = g_top;
  if (!top) return;
  TracerGuard guard;
  if (!guard.entered()) return note_recursion();
  u32 exact = __atomic_load_n(&g_patcher_exact, __ATOMIC_ACQUIRE);
  if (exact == top->table_index() + 1 && top_alone(guard, *top, ip, parent_slot)) return;
  site_entries(*top, trace_context(guard.saved_flags()), exact, guard.saved_flags(), ip,
               parent_slot, frame);
}

extern "C" TG_HOT void ftrace_regs_dispatch(u64 ip, u64* parent_slot, const u64* registers) {
  TraceInstance* top = g_top;
  if (!top) return;
  TracerGuard guard;
  if (!guard.entered()) return note_recursion();
  RecordContext ctx = trace_context(guard.saved_flags());
  // registers[14] is the saved %rbp: the traced function's caller's frame.
  u64 frame = registers[14];
  if (__atomic_load_n(&g_patcher_probes, __ATOMIC_ACQUIRE)) {
    g_tracing->run_probes(ctx, {ip, *parent_slot, frame});
    entry_probes(ctx, ip, parent_slot, registers);
  }
  site_entries(*top, ctx, __atomic_load_n(&g_patcher_exact, __ATOMIC_ACQUIRE), guard.saved_flags(),
               ip, parent_slot, frame);
}

extern "C" TG_HOT u64 ftrace_graph_return(u64 retval, const u64* registers, u64 tsc) {
  TracerGuard guard;
  ShadowStack& stack = current_task()->shadow_stack;
  if (stack.top == 0) panic("ftrace: return hook with an empty shadow stack");
  // The popped frame is read in place, field by field: nothing pushes onto this task's stack
  // meanwhile (interrupts are masked and nested entries find the tracer busy), and a copy of
  // the whole frame would load across the stores that pushed it, which stalls after a short
  // call.
  const ShadowFrame& frame = stack.frames[--stack.top];
  TraceInstance* top = g_top;
  // function_graph at the top, still current: the return most hooked calls make, inline.
  if (likely(top && frame.tracer == &top->tracer() &&
             frame.tracer->on_return == GraphTracer::on_return && guard.entered())) {
    GraphTracer::on_return(*top, trace_context(guard.saved_flags()), frame.call,
                           trace_clock_at(top->clock(), tsc), retval);
  } else {
    other_return(stack, frame, guard.entered(), guard.saved_flags(), guard.cpu(), retval, registers,
                 tsc);
  }
  return frame.return_address;
}

bool ftrace_is_return_hook(u64 address) {
  return address == reinterpret_cast<u64>(&return_to_handler) ||
         address == reinterpret_cast<u64>(&return_to_regs_handler) || graph_stub_is_return(address);
}

u64 ftrace_graph_ret_addr(u64 address) {
  Task* task = current_task();
  if (!task) return address;
  const ShadowStack& stack = task->shadow_stack;
  for (u32 hooked = stack.top; hooked && ftrace_is_return_hook(address);)
    address = stack.frames[--hooked].return_address;
  return address;
}

bool ftrace_is_profiler_frame(const ShadowFrame& frame) {
  return frame.tracer == &kProfilerFrame;
}

bool ftrace_is_instance_graph_frame(const ShadowFrame& frame) {
  return frame.tracer == &kInstanceGraphs;
}

FtraceStats ftrace_stats() {
  return {g_shadow_overflows, g_recursion_misses};
}
