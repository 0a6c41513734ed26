#pragma once
#include "support/Atomic.h"
#include "support/Result.h"
#include "support/String.h"
#include "support/Vector.h"

namespace tg::trace {

// set_ftrace_pid and set_event_pid: the tasks the function tracers, or the events, record
// (empty: every task). Recorders on any CPU test it while a file write changes it, so the
// list is an immutable sorted array published through one pointer: a write builds a new
// one, publishes it, waits for the platform's synchronize_writers (no recorder still
// reads the old one) and frees the old. A test is one load and a binary search.
class PidList {
 public:
  // Linux's PID_MAX_LIMIT: larger numbers are not pids.
  static constexpr u64 kMaxPid = 4194304;

  PidList() = default;
  ~PidList();
  PidList(const PidList&) = delete;
  PidList& operator=(const PidList&) = delete;

  // One write: every whitespace-separated decimal pid is added; a bad one -> EINVAL and
  // nothing changes. Returns the bytes consumed (all of them).
  Result<usize> write(StringView text);
  void clear();
  bool empty() const { return current_.load(MemoryOrder::kAcquire) == nullptr; }
  // Inline, as recorders call them on every event; an empty list is one load.
  bool contains(i32 pid) const {
    const Pids* pids = current_.load(MemoryOrder::kAcquire);
    return pids && search(pids, pid);
  }
  // Empty list: every pid passes.
  bool allows(i32 pid) const {
    const Pids* pids = current_.load(MemoryOrder::kAcquire);
    return !pids || search(pids, pid);
  }
  // One pid per line; `when_empty` for an empty list (set_ftrace_pid says "no pid\n",
  // set_event_pid nothing).
  Status show(String& out, StringView when_empty) const;

 private:
  // `count` sorted, distinct pids follow the header.
  struct Pids {
    usize count;
    const i32* values() const { return reinterpret_cast<const i32*>(this + 1); }
    i32* values() { return reinterpret_cast<i32*>(this + 1); }
  };
  static bool search(const Pids* pids, i32 pid);
  // Publishes `next` (nullptr: empty) and frees what it replaces once no recorder can
  // still be reading it.
  void replace(Pids* next);

  Atomic<Pids*> current_{nullptr};
};

}  // namespace tg::trace
