#pragma once
#include "support/Atomic.h"
#include "support/Memory.h"
#include "trace/ErrorLog.h"
#include "trace/EventCatalog.h"
#include "trace/EventState.h"
#include "trace/ProbeDefinition.h"
#include "trace/RecordContext.h"

namespace tg::trace {

class TraceInstance;
class Tracing;

// What a probe sees when it fires: the registers the trampolines saved, in the order they
// push them (r15 r14 r13 r12 rbx r11 r10 r9 r8 rdi rsi rdx rcx rax rbp), and where it is.
struct ProbeHit {
  const u64* registers;  // 15 saved registers
  u64 ip;                // the probed function
  u64 sp;                // $stack: at an entry, the slot holding the return address
  u64 ret_ip;            // return probes: where the function returns to
  u64 retval;            // return probes: %rax
  // Return probes: the argument registers (rdi rsi rdx rcx r8 r9) as the function's entry
  // saw them, and $stack there (the slot that held the return address); null / 0 when the
  // entry could not keep them.
  const u64* entry_args = nullptr;
  u64 entry_sp = 0;
};

// Copies the argument registers (rdi rsi rdx rcx r8 r9) out of a ProbeHit register block:
// what a return probe's entry keeps for its $argN (ProbeHit::entry_args).
void probe_entry_arguments(const u64* registers, u64 (&out)[6]);

// One dynamic event: its definition, the event it appears as under events/, and its hit
// counts (kprobe_profile).
class ProbeEvent {
 public:
  static Result<OwnPtr<ProbeEvent>> create(ProbeDefinition definition, u16 id);
  ProbeEvent() = default;

  const ProbeDefinition& definition() const { return definition_; }
  const EventDefinition& event() const { return event_; }
  u16 id() const { return event_.id; }
  u64 address() const { return definition_.address; }
  bool is_return() const { return is_return_probe(definition_.kind); }
  // A kprobe inside a function: a breakpoint, not the function's fentry site.
  // A kprobe anywhere but a function's fentry site (SYM+OFFS may name the next function's).
  bool at_breakpoint() const { return breakpoint_; }
  u64 hits() const { return hits_.load(MemoryOrder::kRelaxed); }
  u64 misses() const { return misses_.load(MemoryOrder::kRelaxed); }

  // From a recorder: counts the hit and records into every instance that has the event
  // enabled (and whose set_event_pid and filter admit it).
  void fire(Tracing& tracing, const RecordContext& ctx, const ProbeHit& hit);
  // The text after "name: " on a trace line.
  void print(const u8* payload, usize size, TextWriter& out) const;

  // Instances (table slots) that enabled it once: their buffers may hold its records.
  Atomic<u32> enabled_in{0};
  // Its slot in the recorders' table. An event with several probe points (Linux's
  // Create/append) is one ProbeEvent a point, each in its own slot, all with the event's id.
  u32 slot = 0;

 private:
  usize build_payload(const RecordContext& ctx, const ProbeHit& hit, u8* payload,
                      usize capacity) const;

  ProbeDefinition definition_;
  EventDefinition event_{};
  Vector<EventField> fields_;
  Vector<String> declarations_;
  String print_fmt_;
  bool breakpoint_ = false;
  u16 fixed_size_ = 0;  // common header + __probe_ip (+ __probe_ret_ip) + arguments
  Atomic<u64> hits_{0};
  Atomic<u64> misses_{0};
};

// kprobe_events and dynamic_events: every dynamic event, in creation order (as Linux lists
// them), and a fixed table recorders read.
//
// Lifetime (docs/lifetime.md): a probe is published in a slot of the table only once it is
// whole; removal empties the slot, re-patches, waits for synchronize_writers, clears the
// buffers that may hold its records (its id will be reused), then frees it.
class ProbeEvents {
 public:
  static constexpr usize kMaxProbes = EventState::kDynamicEventCount;
  // Event ids of probes: after the static catalog's, below TraceInstance::kMaxEventId.
  static constexpr u16 kFirstId = EventState::kFirstDynamicId;

  ProbeEvents() = default;
  ~ProbeEvents();
  ProbeEvents(const ProbeEvents&) = delete;
  ProbeEvents& operator=(const ProbeEvents&) = delete;

  // One write of kprobe_events or dynamic_events: lines, `#` comments, `-:` removals.
  // Returns the bytes consumed (whole lines; a last line without newline counts).
  Result<usize> write(Tracing& tracing, StringView data, ProbeSyntax syntax, ErrorLog& log,
                      u64 now_ns);
  // `>`: removes every probe of the file's kind; EBUSY (and nothing removed) if any is
  // enabled in some instance.
  Status clear(Tracing& tracing, ProbeSyntax syntax);
  Status show(ProbeSyntax syntax, String& out) const;
  Status show_profile(String& out) const;

  usize count() const { return probes_.size(); }
  ProbeEvent& at(usize index) { return *probes_[index]; }
  const ProbeEvent& at(usize index) const { return *probes_[index]; }
  // The event with this id (its first probe point), or null.
  ProbeEvent* find(u16 id) const;
  ProbeEvent* find(StringView group, StringView event) const;
  // Whether `probe` is its event's first point: lists of events name each event once.
  bool is_first_point(const ProbeEvent& probe) const { return find(probe.id()) == &probe; }

  // events/: the groups in order of their first probe, and the probes of each.
  usize group_count() const;
  bool has_group(StringView group) const;
  StringView group_name(usize group) const;
  usize group_size(usize group) const;
  ProbeEvent* group_member(usize group, usize index) const;

  // Enabling through events/.../enable or set_event: marks the instance.
  // Enabling an event (any of its points) enables every point of it.
  void set_enabled(TraceInstance& instance, ProbeEvent& probe, bool on);
  bool enabled_anywhere(Tracing& tracing, const ProbeEvent& probe) const;

  // For the kernel's patcher and dispatch.
  bool any() const { return published_.load(MemoryOrder::kAcquire) != 0; }
  bool has_probe_at(u64 ip) const;
  bool has_return_probe_at(u64 ip) const;
  // Calls `visit(address)` for every published probe inside a function (where the kernel
  // keeps a breakpoint).
  template <typename Visit>
  void for_each_breakpoint(Visit&& visit) const {
    u32 end = table_end_.load(MemoryOrder::kAcquire);
    for (u32 i = 0; i < end; ++i) {
      ProbeEvent* probe = table_[i].load(MemoryOrder::kAcquire);
      if (probe && probe->at_breakpoint()) visit(probe->address());
    }
  }
  // Fires every entry (or return) probe at `ip`. From recorders only.
  void fire(Tracing& tracing, const RecordContext& ctx, const ProbeHit& hit, bool returning);
  // Tracepoint probes: whether any is published, and firing those on the tracepoint that
  // records event `event`, with its `count` arguments as $arg1.. and `site` (where the kernel
  // hit the tracepoint) as __probe_ip. From recorders only.
  bool any_tracepoint_probes() const { return tracepoint_probes_.load(MemoryOrder::kRelaxed); }
  void fire_tracepoint(Tracing& tracing, const RecordContext& ctx, u16 event, const u64* args,
                       usize count, u64 site);

 private:
  // A new event, or (with `event`) one more probe point of that event.
  Status add(Tracing& tracing, ProbeDefinition definition, ProbeEvent* event);
  // Why a definition naming an existing event cannot become another of its points (Linux's
  // append checks), logged; or nothing.
  Status check_append(const ProbeEvent& event, const ProbeDefinition& definition, StringView line,
                      ErrorLog& log, u64 now_ns) const;
  Status remove(Tracing& tracing, const ProbeRemoval& removal, ProbeSyntax syntax);
  void release(Tracing& tracing, usize index);
  Status run_line(Tracing& tracing, StringView line, ProbeSyntax syntax, ErrorLog& log, u64 now_ns);

  Vector<OwnPtr<ProbeEvent>> probes_;
  Atomic<ProbeEvent*> table_[kMaxProbes] = {};
  // Each event id's first point (what find(id) returns), by id - kFirstId.
  Atomic<ProbeEvent*> by_id_[kMaxProbes] = {};
  Atomic<u32> published_{0};
  Atomic<u32> tracepoint_probes_{0};
  Atomic<u32> table_end_{0};  // one past the highest slot in use: recorders scan no further
};

// "%-44s %15lu %15lu" of kprobe_profile, for one probe.
void print_probe_profile_line(const ProbeEvent& probe, TextWriter& out);

}  // namespace tg::trace
