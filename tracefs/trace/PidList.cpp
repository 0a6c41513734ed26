#include "trace/PidList.h"

#include "Platform.h"
#include "support/Memory.h"
#include "support/Parse.h"
#include "support/TextWriter.h"

namespace tg::trace {

PidList::~PidList() {
  deallocate(current_.load(MemoryOrder::kRelaxed));
}

bool PidList::search(const Pids* pids, i32 pid) {
  const i32* values = pids->values();
  usize low = 0;
  usize high = pids->count;
  while (low < high) {
    usize mid = low + (high - low) / 2;
    if (values[mid] == pid) return true;
    if (values[mid] < pid)
      low = mid + 1;
    else
      high = mid;
  }
  return false;
}

void PidList::replace(Pids* next) {
  Pids* old = current_.load(MemoryOrder::kRelaxed);
  current_.store(next, MemoryOrder::kRelease);
  if (!old) return;
  synchronize_writers();
  deallocate(old);
}

void PidList::clear() {
  replace(nullptr);
}

Result<usize> PidList::write(StringView text) {
  // Validate every word first: a bad pid anywhere leaves the list as it was.
  Vector<i32> added;
  StringView rest = text;
  while (true) {
    Word word = next_word(rest);
    if (word.word.empty()) break;
    u64 pid = TRY(parse_unsigned(word.word));
    if (pid > kMaxPid) return Errno::kInval;
    TRY(added.append(static_cast<i32>(pid)));
    rest = rest.drop_front(word.consumed);
  }
  if (added.empty()) return text.size();

  const Pids* old = current_.load(MemoryOrder::kRelaxed);
  usize old_count = old ? old->count : 0;
  auto* next =
      static_cast<Pids*>(allocate(sizeof(Pids) + (old_count + added.size()) * sizeof(i32)));
  if (!next) return Errno::kNoMem;
  // Insertion into the copy keeps it sorted and free of repeats.
  i32* values = next->values();
  usize count = 0;
  auto insert = [&](i32 pid) {
    usize at = count;
    while (at > 0 && values[at - 1] > pid) --at;
    if (at > 0 && values[at - 1] == pid) return;
    for (usize i = count; i > at; --i) values[i] = values[i - 1];
    values[at] = pid;
    ++count;
  };
  for (usize i = 0; i < old_count; ++i) insert(old->values()[i]);
  for (i32 pid : added) insert(pid);
  next->count = count;
  replace(next);
  return text.size();
}

Status PidList::show(String& out, StringView when_empty) const {
  TextWriter writer(out);
  const Pids* pids = current_.load(MemoryOrder::kAcquire);
  if (!pids) writer.put(when_empty);
  for (usize i = 0; pids && i < pids->count; ++i)
    writer.dec(static_cast<u64>(pids->values()[i])).put('\n');
  return writer.ok() ? Status() : Status(Errno::kNoMem);
}

}  // namespace tg::trace
