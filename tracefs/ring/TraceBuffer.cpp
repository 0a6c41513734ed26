#include "ring/RingBuffer.h"

namespace tg::ring {

Result<OwnPtr<TraceBuffer>> TraceBuffer::create(u32 cpu_count, usize pages_per_cpu,
                                                usize page_size) {
  void* memory = allocate(sizeof(TraceBuffer), alignof(TraceBuffer));
  if (!memory) return Errno::kNoMem;
  OwnPtr<TraceBuffer> buffer(new (memory) TraceBuffer());
  TRY(buffer->cpus_.reserve(cpu_count));
  for (u32 cpu = 0; cpu < cpu_count; ++cpu) {
    OwnPtr<CpuBuffer> one = TRY(CpuBuffer::create(cpu, pages_per_cpu, page_size));
    TRY(buffer->cpus_.append(move(one)));
  }
  return buffer;
}

u64 TraceBuffer::entries() const {
  u64 total = 0;
  for (const auto& cpu : cpus_) total += cpu->stats().entries;
  return total;
}

u64 TraceBuffer::entries_written() const {
  u64 total = 0;
  for (const auto& cpu : cpus_) {
    CpuStats stats = cpu->stats();
    total += stats.entries + stats.overrun;
  }
  return total;
}

void TraceBuffer::reset() {
  for (auto& cpu : cpus_) cpu->reset();
}

void TraceBuffer::reset_cpu(u32 cpu) {
  cpus_[cpu]->reset();
}

// Linux resizes CPU by CPU too: a failure leaves the CPUs before it resized.
Status TraceBuffer::resize(usize pages_per_cpu) {
  for (auto& cpu : cpus_) TRY(cpu->resize(pages_per_cpu));
  return {};
}

namespace {
// Pages of `new_size` bytes that hold the records `pages` pages of `old_size` bytes held.
usize pages_holding(usize pages, usize old_size, usize new_size) {
  usize bytes = pages * (old_size - kPageHeaderSize);
  usize data = new_size - kPageHeaderSize;
  return (bytes + data - 1) / data;
}
}  // namespace

Status TraceBuffer::set_page_size(usize page_size) {
  if (!valid_page_size(page_size)) return Errno::kInval;
  for (usize i = 0; i < cpus_.size(); ++i) {
    CpuBuffer& cpu = *cpus_[i];
    usize old_size = cpu.page_size();
    if (old_size == page_size) continue;
    Status status = cpu.set_page_size(page_size, pages_holding(cpu.pages(), old_size, page_size));
    if (status.ok()) continue;
    // Put the CPUs already rebuilt back to the old size (emptied, as they were).
    for (usize j = 0; j < i; ++j) {
      CpuBuffer& done = *cpus_[j];
      (void)done.set_page_size(old_size, pages_holding(done.pages(), page_size, old_size));
    }
    return status;
  }
  return {};
}

void TraceBuffer::set_overwrite(bool overwrite) {
  for (auto& cpu : cpus_) cpu->set_overwrite(overwrite);
}

void TraceBuffer::swap_cpu(u32 cpu, TraceBuffer& other) {
  cpus_[cpu]->exchange_recording_state(*other.cpus_[cpu]);
  cpus_[cpu].swap(other.cpus_[cpu]);
}

// ---- the merging iterator ----

TraceBuffer::Iterator::Iterator(TraceBuffer& buffer, bool consuming, i32 only_cpu) {
  if (!cursors_.reserve(buffer.cpu_count()).ok()) return;
  for (u32 cpu = 0; cpu < buffer.cpu_count(); ++cpu) {
    if (only_cpu >= 0 && static_cast<u32>(only_cpu) != cpu) continue;
    (void)cursors_.append(CpuBuffer::Cursor(buffer.cpu(cpu), consuming));
  }
}

// The oldest of every CPU's next entry; on equal timestamps the lower CPU goes first (the
// cursors are in CPU order and only a strictly older entry replaces the choice).
bool TraceBuffer::Iterator::peek(Entry& entry) {
  current_ = -1;
  Entry candidate;
  for (usize i = 0; i < cursors_.size(); ++i) {
    if (!cursors_[i].peek(candidate)) continue;
    if (current_ >= 0 && candidate.timestamp >= entry.timestamp) continue;
    entry = candidate;
    current_ = static_cast<i32>(i);
  }
  return current_ >= 0;
}

void TraceBuffer::Iterator::advance() {
  Entry entry;
  if (current_ < 0 && !peek(entry)) return;
  cursors_[static_cast<usize>(current_)].advance();
  current_ = -1;
}

bool TraceBuffer::Iterator::take_dropped(u32 cpu) {
  for (auto& cursor : cursors_) {
    if (cursor.cpu() == cpu) return cursor.take_dropped();
  }
  return false;
}

bool TraceBuffer::Iterator::peek_following_time(u64& timestamp) {
  bool found = false;
  Entry candidate;
  for (usize i = 0; i < cursors_.size(); ++i) {
    bool has = static_cast<i32>(i) == current_ ? cursors_[i].peek_after(candidate)
                                               : cursors_[i].peek(candidate);
    if (!has || (found && candidate.timestamp >= timestamp)) continue;
    timestamp = candidate.timestamp;
    found = true;
  }
  return found;
}

bool TraceBuffer::Iterator::peek_next_on_cpu(const Entry& entry, Entry& next) {
  for (auto& cursor : cursors_) {
    if (cursor.cpu() == entry.cpu) return cursor.peek_after(next);
  }
  return false;
}

}  // namespace tg::ring
