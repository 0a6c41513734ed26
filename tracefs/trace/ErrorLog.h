#pragma once
#include "support/Result.h"
#include "support/String.h"

namespace tg::trace {

// error_log: the last few parse errors of an instance, each with the command and a caret
// under the offending position, as Linux's tracing_log_err keeps them.
class ErrorLog {
 public:
  static constexpr usize kMaxEntries = 8;

  // `where` names the parser ("event filter parse error"); `caret` is a column of `command`.
  void add(u64 timestamp_ns, StringView where, StringView message, StringView command, usize caret);
  void clear();
  usize size() const { return count_; }
  Status show(String& out) const;

 private:
  struct Entry {
    u64 timestamp_ns = 0;
    String where;
    String message;
    String command;
    usize caret = 0;
  };
  // A ring of the newest entries; the oldest is overwritten when full.
  Entry entries_[kMaxEntries];
  usize first_ = 0;
  usize count_ = 0;
};

}  // namespace tg::trace
