#pragma once
#include "Platform.h"
#include "support/Atomic.h"
#include "support/Result.h"
#include "support/String.h"
#include "support/Vector.h"

namespace tg::trace {

// The symbol-table entry containing `ip`, or -1.
isize symbol_index(u64 ip);

// One function list file: set_ftrace_filter, set_ftrace_notrace, set_graph_function,
// set_graph_notrace or stack_trace_filter. A bit per entry of the platform's symbol table (so a
// lookup by address is a binary search and a bit test), plus, for set_ftrace_filter, the function
// probes
// (`func:traceon[:N]`, `func:stacktrace`, `func:enable_event:sys:event[:N]`, ...) Linux lists
// after the names, and the `func:mod:module` entries it keeps for modules not loaded.
//
// Recorders on every CPU test the list while a file write changes it, so the list is an
// immutable snapshot published through one pointer (as PidList): a change copies the
// snapshot, edits the copy, publishes it and frees the old one once the platform's
// synchronize_writers says no recorder still reads it. Only a probe's count changes, through
// a counter the snapshots share. Changes themselves come from file writes, one at a time.
class FunctionFilter {
 public:
  // kStack: stack_trace_filter, set_ftrace_filter's grammar without the commands.
  enum class Flavor { kFilter, kNotrace, kGraph, kGraphNotrace, kStack };
  // What a probe does when its function is called.
  enum class Command : u8 { kTraceOn, kTraceOff, kStackTrace, kEnableEvent, kDisableEvent };
  // The owner of a set_ftrace_filter's probes: told when an enable_event/disable_event probe
  // on event `id` comes and goes (Linux puts the event in "soft mode" meanwhile).
  struct EventProbeOwner {
    void* context;
    void (*attach)(void* context, u16 id, bool attached);
  };
  explicit FunctionFilter(Flavor flavor, EventProbeOwner owner = {})
      : flavor_(flavor), owner_(owner) {}
  ~FunctionFilter();
  FunctionFilter(const FunctionFilter&) = delete;
  FunctionFilter& operator=(const FunctionFilter&) = delete;

  // One word of a write: `name`, a glob, `!glob` to remove, `glob:command[:args][:count]`, or
  // `glob:mod:module`. Nothing matches -> EINVAL and nothing changes.
  Status apply_word(StringView word);
  // `>` at open: the names go, the probes stay (as Linux keeps func:traceon probes).
  Status clear_names();

  bool empty() const {
    const Snapshot* current = live();
    return !current || current->selected == 0;
  }
  // Whether `ip` (an absolute address inside a function) is in the list. Inline, as
  // recorders call them: an empty list is one load.
  bool contains_address(u64 ip) const {
    const Snapshot* current = live();
    return current && current->selected != 0 && lookup(current, ip);
  }
  // A filter's test: an empty list admits every function, else `ip` must be in it.
  bool admits(u64 ip) const {
    const Snapshot* current = live();
    return !current || current->selected == 0 || lookup(current, ip);
  }

  // The file's text: one name per line, then the probes, or the "####" line when empty.
  Status show(String& out) const;

  bool has_probes() const;
  bool has_probe_at(u64 ip) const;
  // Runs the probes of `ip`. `applies(command, event)` says whether the probe would change
  // anything now: as in Linux, only then is one count spent (a traceoff probe spends none
  // while tracing is off), and `act(command, event)` runs. Several CPUs may hit a counted
  // probe at once: each takes one count or none.
  template <typename Applies, typename Act>
  void run_probes(u64 ip, Applies&& applies, Act&& act) {
    Snapshot* current = live_.load(MemoryOrder::kAcquire);
    if (!current || current->probe_count == 0) return;
    isize index = symbol_index(ip);
    for (usize p = 0; p < current->probe_count; ++p) {
      LiveProbe& probe = current->probes()[p];
      if (static_cast<isize>(probe.symbol) != index || !applies(probe.command, probe.event))
        continue;
      if (take_count(*probe.remaining)) act(probe.command, probe.event);
    }
  }

 private:
  // A probe's count lives outside the snapshots, shared by every snapshot that carries the
  // probe unchanged: while an old and a new snapshot are both live (until
  // synchronize_writers), a hit through either spends the same count.
  using Counter = Atomic<i64>;  // -1: unlimited
  struct Probe {
    u32 symbol;
    Command command;
    u16 event;                  // enable_event/disable_event: the event's id
    bool counted;               // written with a count: a probe apart from the uncounted one
    i64 remaining;              // for a probe this write set (shared == nullptr)
    Counter* shared = nullptr;  // the count of a probe carried over unchanged
  };
  struct LiveProbe {
    u32 symbol;
    Command command;
    u16 event;
    bool counted;
    Counter* remaining;
  };
  // `name:mod:module` for a module that is not loaded (none ever is here): kept and listed
  // as Linux caches it, matching nothing.
  struct ModuleEntry {
    String function;
    String module;
  };
  // What recorders read: `words` words of bits, then `probe_count` probes.
  struct Snapshot {
    usize selected;
    usize words;
    usize probe_count;
    const u64* bits() const { return reinterpret_cast<const u64*>(this + 1); }
    u64* bits() { return reinterpret_cast<u64*>(this + 1); }
    LiveProbe* probes() { return reinterpret_cast<LiveProbe*>(bits() + words); }
    const LiveProbe* probes() const { return reinterpret_cast<const LiveProbe*>(bits() + words); }
    bool has_bit(usize index) const {
      return index / 64 < words && ((bits()[index / 64] >> (index % 64)) & 1);
    }
  };
  // A mutable copy of the snapshot, edited by one write and then published.
  struct Draft {
    Vector<u64> bits;
    usize selected = 0;
    Vector<Probe> probes;
    void set_bit(usize index, bool on);
  };

  static bool lookup(const Snapshot* snapshot, u64 ip);
  Status make_draft(Draft& draft) const;
  Status publish(const Draft& draft);
  static void free_snapshot(Snapshot* snapshot, const Snapshot* keeping);
  Status apply_names(Draft& draft, StringView glob, bool remove);
  Status apply_probe(Draft& draft, StringView glob, StringView rest, bool remove);
  Status apply_module(StringView glob, StringView module, bool remove);
  static bool take_count(Counter& remaining);
  void notify_event_probe(u16 event, bool attached);
  const Snapshot* live() const { return live_.load(MemoryOrder::kAcquire); }

  Flavor flavor_;
  EventProbeOwner owner_;
  Atomic<Snapshot*> live_{nullptr};
  // Changed and read by file operations only (one at a time): recorders never see them.
  Vector<ModuleEntry> modules_;
};

}  // namespace tg::trace
