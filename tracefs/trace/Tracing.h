#pragma once
#include "support/Memory.h"
#include "support/Result.h"
#include "support/Vector.h"
#include "trace/FunctionFilter.h"
#include "trace/FunctionProfiler.h"
#include "trace/ProbeEvents.h"
#include "trace/RecordContext.h"
#include "trace/StackTrace.h"
#include "trace/StackTracer.h"
#include "trace/TraceInstance.h"

namespace tg::trace {

// Everything tracefs serves: the top instance, the instances/ made with mkdir, and the graph
// function lists (global, as in Linux). The kernel's patcher asks it which call sites are live.
//
// Lifetime: recorders (an fentry site, a tracepoint, an interrupt) reach instances only
// through for_each_recorder, with interrupts masked, and reach everything else through the
// instance they were handed. rmdir unpublishes an instance, waits for the platform's
// synchronize_writers (every CPU has left every recording path since) and only then frees
// it; docs/lifetime.md states the rule for everything a recorder can reach.
class Tracing {
 public:
  static Result<OwnPtr<Tracing>> create();
  Tracing() = default;
  ~Tracing();
  Tracing(const Tracing&) = delete;
  Tracing& operator=(const Tracing&) = delete;

  TraceInstance& top() { return *instances_[0]; }

  // At most this many instances, the top one included (mkdir beyond it is ENOSPC).
  static constexpr usize kMaxInstances = 32;

  // instances/: mkdir and rmdir. EEXIST, ENOENT, EBUSY (open files), EINVAL (bad name).
  Result<TraceInstance*> create_instance(StringView name);
  Status remove_instance(StringView name);
  // Every instance (the top one first), and lookups by the id the file tree keeps.
  usize instance_count() const { return instances_.size(); }
  // tracing_thresh and max_graph_depth are Linux's globals (files of the top directory only):
  // set on every instance, whose recorders read their own copy, and copied into a new one.
  void set_tracing_thresh_us(u64 us);
  void set_max_graph_depth(u32 depth);
  // An option written in `instance`'s options/ or trace_options. fgraph's sleep-time and
  // graph-time are Linux's globals (fgraph_sleep_time, fgraph_graph_time): written in any
  // instance, they change in every one, and a new instance starts with the top's.
  void set_option(TraceInstance& instance, TraceOption option, bool on);
  TraceInstance& instance_at(usize index) { return *instances_[index]; }
  TraceInstance* find(u32 id);
  TraceInstance* find(StringView name);

  // Runs `visit` on every instance, from any context: what recorders use, with interrupts
  // masked. mkdir publishes an instance in a slot of a fixed table only once it is whole;
  // rmdir empties the slot and waits for synchronize_writers before the instance goes. A
  // recorder keeps to the instance it was handed: the slot may empty meanwhile.
  // Always inline: the fentry path runs it on every traced call.
  template <typename Visit>
  [[gnu::always_inline]] void for_each_recorder(Visit visit) {
    u32 end = table_end_.load(MemoryOrder::kAcquire);
    for (u32 i = 0; i < end; ++i) {
      TraceInstance* instance = table_[i].load(MemoryOrder::kAcquire);
      if (instance) visit(*instance);
    }
  }
  // The instance published in table slot `slot` (TraceInstance::table_index), or null: for
  // a recorder that kept the slot (a hooked return), with interrupts masked.
  TraceInstance* recorder_at(u32 slot) {
    return slot < kMaxInstances ? table_[slot].load(MemoryOrder::kAcquire) : nullptr;
  }
  // Whether an instance other than the top one runs a tracer that hooks returns.
  bool instance_hooks_returns();
  // Whether any instance runs a tracer that calls for the fentry sites, or the profiler runs.
  bool any_traces_functions();

  // The graph function lists belong to the top instance, where the graph tracers run.
  FunctionFilter& graph_filter() { return graph_filter_; }
  FunctionFilter& graph_notrace() { return graph_notrace_; }

  // For the kernel's patcher and the function tracers.
  // The patcher: some instance whose tracer calls for the fentry sites wants `ip`, or the
  // profiler runs (it wants every site).
  bool function_site_wanted(u64 ip);
  // The one instance whose tracer calls for the fentry sites, when there is exactly one and
  // no profiler keeps every site live (the live sites are then its lists, and it need not
  // test them), as its table_index() + 1; else 0. A recorder compares it with one load.
  u32 sole_function_slot();
  // function_graph: a call to `ip` may root a graph (set_graph_function empty or contains
  // it) and is not excluded by set_graph_notrace.
  bool graph_should_trace(u64 ip) const;
  bool graph_excluded(u64 ip) const { return graph_notrace_.contains_address(ip); }
  // A site with a set_ftrace_filter probe in any instance must stay live whatever the
  // tracers.
  bool has_probe(u64 ip);
  // kprobe_events, dynamic_events: global, as in Linux (each instance enables them apart).
  ProbeEvents& probes() { return probes_; }
  // Runs each instance's set_ftrace_filter probes of the function at `site` against that
  // instance (its tracing_on, its events, its buffer).
  void run_probes(const RecordContext& ctx, const ProbeSite& site);
  // function_profile_enabled: the profiler, global as in Linux. Turning it on empties the
  // counts and makes every site live; off freezes them (once it returns, no recorder still
  // counts). ENOMEM when the tables cannot be allocated.
  FunctionProfiler& profiler() { return profiler_; }
  const FunctionProfiler& profiler() const { return profiler_; }
  Status set_function_profile(bool on);
  // Tells the platform the live call sites may have changed.
  void functions_changed();

  // The max-stack tracer (stack_trace, stack_max_size, stack_trace_filter and the
  // stack_tracer_enabled switch): global, beside whatever tracer runs.
  StackTracer& stack_tracer() { return stack_tracer_; }

  // Who a file write records as (trace_marker): the kernel supplies the writing task's
  // CPU and pid; without a source, CPU 0 and pid 0.
  void set_record_context_source(RecordContext (*source)()) { context_source_ = source; }
  RecordContext record_context() const {
    return context_source_ ? context_source_() : RecordContext{0, 0, 0, 0};
  }

 private:
  Result<TraceInstance*> add_instance(StringView name, bool is_top);

  Vector<OwnPtr<TraceInstance>> instances_;  // in creation order, for readdir
  Atomic<TraceInstance*> table_[kMaxInstances] = {};
  Atomic<u32> table_end_{0};  // one past the highest slot ever used
  u32 next_id_ = 1;
  RecordContext (*context_source_)() = nullptr;
  FunctionFilter graph_filter_{FunctionFilter::Flavor::kGraph};
  FunctionFilter graph_notrace_{FunctionFilter::Flavor::kGraphNotrace};
  ProbeEvents probes_;
  FunctionProfiler profiler_;
  StackTracer stack_tracer_;
};

// The one Tracing the kernel runs (set once at boot), for code with no other way to reach it
// (the patcher, tracepoints). Null until installed.
void install_tracing(Tracing* tracing);
Tracing* tracing();

}  // namespace tg::trace
