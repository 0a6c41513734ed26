#include "trace/PidList.h"

#include "support/Parse.h"
#include "support/TextWriter.h"

namespace tg::trace {

bool PidList::contains(i32 pid) const {
  usize low = 0;
  usize high = pids_.size();
  while (low < high) {
    usize mid = low + (high - low) / 2;
    if (pids_[mid] == pid) return true;
    if (pids_[mid] < pid)
      low = mid + 1;
    else
      high = mid;
  }
  return false;
}

Status PidList::insert(i32 pid) {
  if (contains(pid)) return {};
  TRY(pids_.append(pid));
  for (usize i = pids_.size() - 1; i > 0 && pids_[i - 1] > pids_[i]; --i)
    swap(pids_[i - 1], pids_[i]);
  return {};
}

Result<usize> PidList::write(StringView text) {
  // Validate every word first: a bad pid anywhere leaves the list as it was.
  StringView rest = text;
  while (true) {
    Word word = next_word(rest);
    if (word.word.empty()) break;
    u64 pid = TRY(parse_unsigned(word.word));
    if (pid > kMaxPid) return Errno::kInval;
    rest = rest.drop_front(word.consumed);
  }
  rest = text;
  while (true) {
    Word word = next_word(rest);
    if (word.word.empty()) break;
    TRY(insert(static_cast<i32>(parse_unsigned(word.word).value())));
    rest = rest.drop_front(word.consumed);
  }
  return text.size();
}

Status PidList::show(String& out, StringView when_empty) const {
  TextWriter writer(out);
  if (pids_.empty()) writer.put(when_empty);
  for (i32 pid : pids_) writer.dec(static_cast<u64>(pid)).put('\n');
  return writer.ok() ? Status() : Status(Errno::kNoMem);
}

}  // namespace tg::trace
