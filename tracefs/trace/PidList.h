#pragma once
#include "support/Result.h"
#include "support/String.h"
#include "support/Vector.h"

namespace tg::trace {

// set_ftrace_pid and set_event_pid: the tasks the function tracers, or the events, record
// (empty: every task). Sorted, so the recording side's test is a binary search.
class PidList {
 public:
  // Linux's PID_MAX_LIMIT: larger numbers are not pids.
  static constexpr u64 kMaxPid = 4194304;

  // One write: every whitespace-separated decimal pid is added; a bad one -> EINVAL and
  // nothing changes. Returns the bytes consumed (all of them).
  Result<usize> write(StringView text);
  void clear() { pids_.clear(); }
  bool empty() const { return pids_.empty(); }
  bool contains(i32 pid) const;
  // Empty list: every pid passes.
  bool allows(i32 pid) const { return pids_.empty() || contains(pid); }
  // One pid per line; `when_empty` for an empty list (set_ftrace_pid says "no pid\n",
  // set_event_pid nothing).
  Status show(String& out, StringView when_empty) const;

 private:
  Status insert(i32 pid);
  Vector<i32> pids_;
};

}  // namespace tg::trace
