#pragma once
#include "support/Memory.h"
#include "support/Result.h"
#include "support/Vector.h"
#include "trace/CpuMask.h"
#include "trace/ErrorLog.h"
#include "trace/EventState.h"
#include "trace/FunctionFilter.h"
#include "trace/PidList.h"
#include "trace/RecordContext.h"
#include "trace/TraceInstance.h"

namespace tg::trace {

// Everything tracefs serves: the top instance, the instances/ made with mkdir, the graph
// function lists (global, as in Linux) and each instance's files' state (function lists,
// event filters, pid lists, error log). The kernel's patcher asks it which call sites are live.
class Tracing {
 public:
  static Result<OwnPtr<Tracing>> create();
  Tracing() = default;
  ~Tracing();
  Tracing(const Tracing&) = delete;
  Tracing& operator=(const Tracing&) = delete;

  TraceInstance& top() { return *slots_[0]->instance; }

  // At most this many instances, the top one included (mkdir beyond it is ENOSPC).
  static constexpr usize kMaxInstances = 32;

  // instances/: mkdir and rmdir. EEXIST, ENOENT, EBUSY (open files), EINVAL (bad name).
  Result<TraceInstance*> create_instance(StringView name);
  Status remove_instance(StringView name);
  // Every instance (the top one first), and lookups by the id the file tree keeps.
  usize instance_count() const { return slots_.size(); }
  TraceInstance& instance_at(usize index) { return *slots_[index]->instance; }
  u32 id_at(usize index) const { return slots_[index]->id; }
  TraceInstance* find(u32 id);
  TraceInstance* find(StringView name);
  u32 id_of(const TraceInstance& instance) const;

  // Runs `visit` on every instance, from any context: what recorders (an fentry site, a
  // tracepoint, an interrupt) use, with interrupts masked. mkdir fills a slot of a fixed
  // table only once the instance is whole; rmdir empties it and waits for the platform's
  // synchronize_writers before the instance goes, so no recorder can hold a stale one.
  template <typename Visit>
  void for_each_recorder(Visit visit) {
    u32 end = table_end_.load(MemoryOrder::kAcquire);
    for (u32 i = 0; i < end; ++i) {
      Slot* slot = table_[i].load(MemoryOrder::kAcquire);
      if (slot) visit(*slot->instance);
    }
  }
  // Whether any instance runs a tracer that calls for the fentry sites.
  bool any_traces_functions();

  // The per-instance state of the files.
  EventState& events(const TraceInstance& instance) { return *slot_of(instance).events; }
  PidList& ftrace_pids(const TraceInstance& instance) { return slot_of(instance).pids; }
  ErrorLog& error_log(const TraceInstance& instance) { return slot_of(instance).error_log; }
  PidList& event_pids(const TraceInstance& instance) { return slot_of(instance).event_pids; }
  // set_ftrace_notrace_pid and set_event_notrace_pid: tasks never recorded.
  PidList& ftrace_notrace_pids(const TraceInstance& instance) {
    return slot_of(instance).notrace_pids;
  }
  PidList& event_notrace_pids(const TraceInstance& instance) {
    return slot_of(instance).event_notrace_pids;
  }
  const CpuMask& cpumask(const TraceInstance& instance) { return slot_of(instance).cpumask; }
  // tracing_cpumask: the CPUs that leave the mask stop recording into the instance's buffer.
  void set_cpumask(TraceInstance& instance, const CpuMask& mask) {
    apply_cpumask(instance.buffer(), slot_of(instance).cpumask, mask);
    slot_of(instance).cpumask = mask;
  }

  // The function lists. set_ftrace_filter and set_ftrace_notrace belong to each instance,
  // as in Linux; the graph lists to the top one, where the graph tracers run.
  FunctionFilter& ftrace_filter(const TraceInstance& instance) {
    return slot_of(instance).ftrace_filter;
  }
  FunctionFilter& ftrace_notrace(const TraceInstance& instance) {
    return slot_of(instance).ftrace_notrace;
  }
  FunctionFilter& graph_filter() { return graph_filter_; }
  FunctionFilter& graph_notrace() { return graph_notrace_; }

  // For the kernel's patcher and the function tracers.
  // `instance`'s function tracer wants a call to `ip`: in its set_ftrace_filter (or that is
  // empty) and not in its set_ftrace_notrace.
  bool wants_function(const TraceInstance& instance, u64 ip) const {
    const Slot& slot = slot_of(instance);
    return slot.ftrace_filter.admits(ip) && !slot.ftrace_notrace.contains_address(ip);
  }
  // The patcher: some instance whose tracer calls for the fentry sites wants `ip`.
  bool function_site_wanted(u64 ip);
  // The one instance whose tracer calls for the fentry sites, when there is exactly one (the
  // live sites are then its lists, and it need not test them), as its table_index() + 1;
  // else 0. A recorder compares it with one load, without reaching the instance's slot.
  u32 sole_function_slot();
  // function_graph: a call to `ip` may root a graph (set_graph_function empty or contains
  // it) and is not excluded by set_graph_notrace.
  bool graph_should_trace(u64 ip) const;
  bool graph_excluded(u64 ip) const { return graph_notrace_.contains_address(ip); }
  // A site with a func:traceon/traceoff probe in any instance must stay live whatever the
  // tracers.
  bool has_probe(u64 ip);
  // Runs each instance's probes of `ip` against that instance's tracing_on.
  void run_probes(u64 ip);
  // `instance`'s set_ftrace_pid (empty: every task) lists `pid` and its
  // set_ftrace_notrace_pid does not.
  bool pid_allowed(const TraceInstance& instance, i32 pid) {
    const Slot& slot = slot_of(instance);
    return slot.pids.allows(pid) && !slot.notrace_pids.contains(pid);
  }
  // Likewise for events: set_event_pid and set_event_notrace_pid.
  bool event_pid_allowed(const TraceInstance& instance, i32 pid) const {
    const Slot& slot = slot_of(instance);
    return slot.event_pids.allows(pid) && !slot.event_notrace_pids.contains(pid);
  }
  // An event emitter's filter check: whether `instance`'s filter for event `id` lets this
  // payload (common header first, Linux layout) be recorded. Call it inside the record
  // write (see EventState::matches).
  bool event_passes(const TraceInstance& instance, u16 id, const u8* payload, usize size) const {
    return slot_of(instance).events->matches_id(id, payload, size);
  }
  // Tells the platform the live call sites may have changed.
  void functions_changed();

  // Who a file write records as (trace_marker): the kernel supplies the writing task's
  // CPU and pid; without a source, CPU 0 and pid 0.
  void set_record_context_source(RecordContext (*source)()) { context_source_ = source; }
  RecordContext record_context() const {
    return context_source_ ? context_source_() : RecordContext{0, 0, 0, 0};
  }

 private:
  struct Slot {
    OwnPtr<TraceInstance> instance;
    u32 id = 0;
    OwnPtr<EventState> events;
    PidList pids;
    ErrorLog error_log;
    PidList event_pids;
    PidList notrace_pids;
    PidList event_notrace_pids;
    CpuMask cpumask = CpuMask::all(platform().cpu_count);
    FunctionFilter ftrace_filter{FunctionFilter::Flavor::kFilter};
    FunctionFilter ftrace_notrace{FunctionFilter::Flavor::kNotrace};
  };
  Result<OwnPtr<Slot>> make_slot(StringView name, bool is_top);
  // O(1) and safe from a recorder: the instance knows its index in table_.
  Slot& slot_of(const TraceInstance& instance) {
    return *table_[instance.table_index()].load(MemoryOrder::kRelaxed);
  }
  const Slot& slot_of(const TraceInstance& instance) const {
    return *table_[instance.table_index()].load(MemoryOrder::kRelaxed);
  }

  Vector<OwnPtr<Slot>> slots_;  // in creation order, for readdir
  Atomic<Slot*> table_[kMaxInstances] = {};
  Atomic<u32> table_end_{0};  // one past the highest slot ever used
  u32 next_id_ = 1;
  RecordContext (*context_source_)() = nullptr;
  FunctionFilter graph_filter_{FunctionFilter::Flavor::kGraph};
  FunctionFilter graph_notrace_{FunctionFilter::Flavor::kGraphNotrace};
};

// The one Tracing the kernel runs (set once at boot), for code with no other way to reach it
// (the patcher, tracepoints). Null until installed.
void install_tracing(Tracing* tracing);
Tracing* tracing();

}  // namespace tg::trace
