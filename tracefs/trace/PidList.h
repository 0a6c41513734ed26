#pragma once
#include "support/Result.h"
#include "support/String.h"
#include "support/Vector.h"

namespace tg::trace {

// set_ftrace_pid: the tasks the function tracers record (empty: every task). Sorted, so the
// recording side's test is a binary search.
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
  // "no pid" when empty, else one pid per line.
  Status show(String& out) const;

 private:
  Status insert(i32 pid);
  Vector<i32> pids_;
};

}  // namespace tg::trace
