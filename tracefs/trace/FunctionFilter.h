#pragma once
#include "Platform.h"
#include "support/Atomic.h"
#include "support/Result.h"
#include "support/String.h"
#include "support/Vector.h"

namespace tg::trace {

// One function list file: set_ftrace_filter, set_ftrace_notrace, set_graph_function or
// set_graph_notrace. A bit per entry of the platform's symbol table (so a lookup by address
// is a binary search and a bit test), plus, for set_ftrace_filter, the `func:traceon[:N]` /
// `func:traceoff[:N]` probes Linux lists after the names.
//
// Recorders on every CPU test the list while a file write changes it, so the list is an
// immutable snapshot published through one pointer (as PidList): a change copies the
// snapshot, edits the copy, publishes it and frees the old one once the platform's
// synchronize_writers says no recorder still reads it. Only a probe's count changes, through
// a counter the snapshots share. Changes themselves come from file writes, one at a time.
class FunctionFilter {
 public:
  enum class Flavor { kFilter, kNotrace, kGraph, kGraphNotrace };
  explicit FunctionFilter(Flavor flavor) : flavor_(flavor) {}
  ~FunctionFilter();
  FunctionFilter(const FunctionFilter&) = delete;
  FunctionFilter& operator=(const FunctionFilter&) = delete;

  // One word of a write: `name`, a glob, `!glob` to remove, or `glob:command[:count]`.
  // Nothing matches -> EINVAL and nothing changes.
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

  // Probes: what a hit of `ip` does to tracing_on. Returns false when `ip` has no probe (or
  // its count ran out); else sets `turn_on` and consumes one count.
  bool has_probes() const;
  bool probe_hit(u64 ip, bool& turn_on);
  bool has_probe_at(u64 ip) const;

 private:
  // A probe's count lives outside the snapshots, shared by every snapshot that carries the
  // probe unchanged: while an old and a new snapshot are both live (until
  // synchronize_writers), a hit through either spends the same count.
  using Counter = Atomic<i64>;  // -1: unlimited
  struct Probe {
    u32 symbol;
    bool turn_on;
    i64 remaining;              // for a probe this write set (shared == nullptr)
    Counter* shared = nullptr;  // the count of a probe carried over unchanged
  };
  struct LiveProbe {
    u32 symbol;
    bool turn_on;
    Counter* remaining;
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
  Status apply_probe(Draft& draft, StringView glob, StringView command, StringView count,
                     bool remove);
  const Snapshot* live() const { return live_.load(MemoryOrder::kAcquire); }

  Flavor flavor_;
  Atomic<Snapshot*> live_{nullptr};
};

// The symbol-table entry containing `ip`, or -1.
isize symbol_index(u64 ip);

}  // namespace tg::trace
