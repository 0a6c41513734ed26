#include "trace/ErrorLog.h"

#include "support/TextWriter.h"

namespace tg::trace {

namespace {

constexpr StringView kCommandPrefix = "  Command: ";

void assign(String& target, StringView text) {
  target.clear();
  // An entry that cannot be stored in full is kept truncated rather than lost.
  (void)target.append(text);
}

}  // namespace

void ErrorLog::add(u64 timestamp_ns, StringView where, StringView message, StringView command,
                   usize caret) {
  usize slot = (first_ + count_) % kMaxEntries;
  if (count_ == kMaxEntries)
    first_ = (first_ + 1) % kMaxEntries;
  else
    ++count_;
  Entry& entry = entries_[slot];
  entry.timestamp_ns = timestamp_ns;
  assign(entry.where, where);
  assign(entry.message, message);
  assign(entry.command, command);
  entry.caret = caret;
}

void ErrorLog::clear() {
  first_ = 0;
  count_ = 0;
}

Status ErrorLog::show(String& out) const {
  TextWriter writer(out);
  for (usize i = 0; i < count_; ++i) {
    const Entry& entry = entries_[(first_ + i) % kMaxEntries];
    writer.put('[').seconds_usecs(entry.timestamp_ns).put("] ");
    writer.put(entry.where.view()).put(": error: ").put(entry.message.view()).put('\n');
    writer.put(kCommandPrefix).put(entry.command.view()).put('\n');
    writer.repeat(' ', kCommandPrefix.size() + entry.caret).put("^\n");
  }
  return writer.ok() ? Status() : Status(Errno::kNoMem);
}

}  // namespace tg::trace
