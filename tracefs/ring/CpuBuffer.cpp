#include "ring/RingBuffer.h"

namespace tg::ring {

namespace {

constexpr auto kRelaxed = MemoryOrder::kRelaxed;
constexpr auto kAcquire = MemoryOrder::kAcquire;
constexpr auto kRelease = MemoryOrder::kRelease;

// The page header's fields are shared with readers: always accessed atomically.
u32 load_commit(const PageHeader* page, MemoryOrder order) {
  return __atomic_load_n(&page->commit, static_cast<int>(order));
}
void store_commit(PageHeader* page, u32 commit, MemoryOrder order) {
  __atomic_store_n(&page->commit, commit, static_cast<int>(order));
}

// Single-writer counters: a plain load and store, no locked instruction on the hot path.
void bump(Atomic<u64>& counter, u64 delta) {
  counter.store(counter.load(kRelaxed) + delta, kRelaxed);
}

PageHeader* allocate_page(usize size) {
  return static_cast<PageHeader*>(allocate(size, 64));
}

// Bits for a count up to `value` (the head's entries and bytes of one page).
u32 bit_width(u32 value) {
  return 32 - static_cast<u32>(__builtin_clz(value));
}

}  // namespace

Result<OwnPtr<CpuBuffer>> CpuBuffer::create(u32 cpu, usize pages, usize page_size) {
  void* memory = allocate(sizeof(CpuBuffer), alignof(CpuBuffer));
  if (!memory) return Errno::kNoMem;
  OwnPtr<CpuBuffer> buffer(new (memory) CpuBuffer(cpu));
  // Empty (reset): the oldest page (1) lies past the writer's page (0); page 0 is never
  // used, which lets cursors use 0 as "no page".
  TRY(buffer->set_page_size(page_size, pages));
  return buffer;
}

CpuBuffer::~CpuBuffer() {
  for (usize i = 0; i < page_count_; ++i) deallocate(slots_[i].page);
  deallocate(slots_);
  deallocate(staging_);
}

// ---- writer ----

// The small steps of a write, inlined into claim() and commit().
[[gnu::always_inline]] inline void CpuBuffer::write_words(const void* words, usize bytes) {
  atomic_store_words(page_data(current_) + write_offset_ / 4, static_cast<const u32*>(words),
                     bytes / 4);
  write_offset_ += static_cast<u32>(bytes);
}

TG_HOT void CpuBuffer::commit() {
  if (!pending_size_) return;
  atomic_store_words(page_data(current_) + pending_offset_ / 4, staging_, pending_size_ / 4);
  u32 size = pending_size_;
  pending_size_ = 0;
  publish(size, pending_type_);
}

TG_HOT bool CpuBuffer::write(u64 timestamp, i32 pid, const void* record, usize size) {
  const u32* words = static_cast<const u32*>(record);
  u32* place = claim(timestamp, pid, header_type(words[0]), size);
  if (!place) return false;
  // The header word claim() stored stays; the rest comes from the caller.
  atomic_store_words(place + 1, words + 1, size / 4 - 1);
  pending_size_ = 0;
  publish(size, header_type(words[0]));
  return true;
}

// Finds room for a record of `size` bytes in the current page (or a new one), writes the
// kTimeStamp/kTask records it needs in front of it and its header word. The bookkeeping
// records are published together with the record, so a page never ends with them and every
// page starts with an entry (a new page's header carries the time base and the pid).
TG_HOT u32* CpuBuffer::claim(u64 timestamp, i32 pid, RecordType type, usize size) {
  if (disabled_.load(kRelaxed)) return nullptr;
  if (size < sizeof(u32) || size > data_size_ || size % sizeof(u32)) {
    count_dropped();
    return nullptr;
  }
  bool new_time = timestamp < last_time_ || timestamp - last_time_ > kMaxDelta;
  bool new_pid = pid != last_pid_;
  usize needed =
      size + (new_time ? sizeof(TimeStampRecord) : 0) + (new_pid ? sizeof(TaskRecord) : 0);
  if (write_offset_ + needed > data_size_) {
    if (!start_page(timestamp, pid)) {
      count_dropped();
      return nullptr;
    }
  } else {
    if (new_time) {
      TimeStampRecord stamp{make_header(RecordType::kTimeStamp, 0), static_cast<u32>(timestamp),
                            static_cast<u32>(timestamp >> 32)};
      write_words(&stamp, sizeof(stamp));
      last_time_ = timestamp;
    }
    if (new_pid) {
      TaskRecord task{make_header(RecordType::kTask, 0), pid};
      write_words(&task, sizeof(task));
      last_pid_ = pid;
    }
  }
  u32* place = page_data(current_) + write_offset_ / 4;
  __atomic_store_n(place, make_header(type, static_cast<u32>(timestamp - last_time_)),
                   __ATOMIC_RELAXED);
  last_time_ = timestamp;
  pending_offset_ = write_offset_;
  pending_size_ = static_cast<u32>(size);
  pending_type_ = type;
  return place;
}

void CpuBuffer::count_dropped() {
  dropped_.fetch_add(1, kRelaxed);
}

// Moves the writer to logical page tail + 1. The slot is first marked kNoPage (a seqlock's
// "write in progress"), then rewritten, then given its new number: a reader that copied any
// word of the new contents sees the number change when it validates.
TG_HOT bool CpuBuffer::start_page(u64 timestamp, i32 pid) {
  u64 next = tail_.load(kRelaxed) + 1;
  if (!take_free_page(next)) return false;
  PageSlot& slot = slot_for(next);
  slot.sequence.store(kNoPage, kRelaxed);
  atomic_fence(MemoryOrder::kRelease);
  PageHeader* page = slot.page;
  __atomic_store_n(&page->timestamp, timestamp, __ATOMIC_RELAXED);
  __atomic_store_n(&page->pid, pid, __ATOMIC_RELAXED);
  store_commit(page, 0, kRelaxed);
  slot.counts.store(0, kRelaxed);
  // The page left behind counts in the totals from now on; stats() takes the new one's
  // counts through the tail, so both change together under the fold sequence.
  u32 sequence = fold_sequence_.load(kRelaxed);
  fold_sequence_.store(sequence + 1, kRelaxed);
  atomic_fence(MemoryOrder::kRelease);
  fold_current_page();
  slot.sequence.store(next, kRelease);
  // Releasing the tail also tells readers the previous page's commit is final.
  tail_.store(next, kRelease);
  fold_sequence_.store(sequence + 2, kRelease);
  current_ = page;
  current_slot_ = &slot;
  write_offset_ = 0;
  last_time_ = timestamp;
  last_pid_ = pid;
  return true;
}

// The counts of the page the writer leaves join the totals (start_page, under the fold
// sequence; resize, with no writer).
void CpuBuffer::fold_current_page() {
  if (!current_slot_) return;
  written_.store(written_.load(kRelaxed) + current_slot_->entries(), kRelaxed);
  written_bytes_.store(written_bytes_.load(kRelaxed) + current_slot_->entry_bytes(), kRelaxed);
}

// Makes sure logical page `next` has a slot: free when fewer than page_count_ pages are in
// use; otherwise the oldest page is taken over (overwrite mode, its unread entries become
// overrun) or the write is refused (stop mode).
TG_HOT bool CpuBuffer::take_free_page(u64 next) {
  for (;;) {
    u64 head = head_.load(kAcquire);
    u64 oldest = head_page(head);
    if (next - oldest < page_count_) return true;
    if (!overwrite_.load(kRelaxed)) return false;
    const PageSlot& victim = slot_for(oldest);
    if (head_.compare_exchange(head, pack_head(oldest + 1, 0, 0), MemoryOrder::kAcqRel)) {
      bump(overrun_, victim.entries() - head_entries(head));
      bump(overrun_bytes_, victim.entry_bytes() - head_bytes(head));
      return true;
    }
    // The consumer moved the head meanwhile: look again.
  }
}

// ---- readers' page copy ----

bool CpuBuffer::copy_page(u64 page, u32 from, u32* data, PageCopy& copy) const {
  const PageSlot& slot = slot_for(page);
  if (slot.sequence.load(kAcquire) != page) return false;
  // The tail is read before the commit: if the writer had moved on, the commit is final.
  copy.complete = page < tail_.load(kAcquire);
  const PageHeader* header = slot.page;
  u32 commit = load_commit(header, kAcquire);
  if (commit < from || commit > data_size_) return false;
  copy.commit = commit;
  copy.timestamp = __atomic_load_n(&header->timestamp, __ATOMIC_RELAXED);
  copy.pid = __atomic_load_n(&header->pid, __ATOMIC_RELAXED);
  atomic_copy_words(data + from / 4, page_data(slot.page) + from / 4, (commit - from) / 4);
  atomic_fence(kAcquire);
  return slot.sequence.load(kRelaxed) == page;
}

// ---- control ----

void CpuBuffer::reset() {
  // Cursors that still hold a page number find its slot invalid and resynchronize at the
  // (empty) head. Page numbers keep growing, so no old number becomes valid again.
  for (usize i = 0; i < page_count_; ++i) slots_[i].sequence.store(kNoPage, kRelease);
  u64 tail = tail_.load(kRelaxed);
  head_.store(pack_head(tail + 1, 0, 0), kRelease);
  write_offset_ = data_size_;
  pending_size_ = 0;
  // The page being written goes with the rest: nothing of it joins the totals.
  if (current_slot_) current_slot_->counts.store(0, kRelaxed);
  written_.store(0, kRelaxed);
  written_bytes_.store(0, kRelaxed);
  overrun_.store(0, kRelaxed);
  overrun_bytes_.store(0, kRelaxed);
  reported_overrun_.store(0, kRelaxed);
  read_.store(0, kRelaxed);
  read_bytes_.store(0, kRelaxed);
  dropped_.store(0, kRelaxed);
}

Status CpuBuffer::resize(usize pages) {
  if (pages < kMinPages) pages = kMinPages;
  if (pages > kMaxPages) return Errno::kNoMem;
  if (pages == page_count_) return {};

  // Allocate everything first: a failed resize changes nothing.
  auto* slots = static_cast<PageSlot*>(allocate(pages * sizeof(PageSlot), alignof(PageSlot)));
  if (!slots) return Errno::kNoMem;
  usize fresh_count = pages > page_count_ ? pages - page_count_ : 0;
  for (usize i = 0; i < pages; ++i) new (&slots[i]) PageSlot{nullptr, {kNoPage}, {0}};
  for (usize i = 0; i < fresh_count; ++i) {
    slots[i].page = allocate_page(page_size_);
    if (slots[i].page) continue;
    for (usize j = 0; j < i; ++j) deallocate(slots[j].page);
    deallocate(slots);
    return Errno::kNoMem;
  }
  // Fresh pages parked in slots[0..fresh_count); collect them as spares.
  Vector<PageHeader*> spares;
  if (!spares.reserve(fresh_count + page_count_).ok()) {
    for (usize i = 0; i < fresh_count; ++i) deallocate(slots[i].page);
    deallocate(slots);
    return Errno::kNoMem;
  }
  for (usize i = 0; i < fresh_count; ++i) {
    (void)spares.append(slots[i].page);
    slots[i].page = nullptr;
  }

  // Keep the newest pages that fit; the dropped ones' unread entries are overrun.
  u64 tail = tail_.load(kRelaxed);
  u64 head = head_.load(kRelaxed);
  u64 oldest = head_page(head);
  u64 live = oldest <= tail ? tail - oldest + 1 : 0;
  u64 first_kept = live > pages ? tail + 1 - pages : oldest;
  for (u64 page = oldest; page < first_kept; ++page) {
    const PageSlot& dropped = slot_for(page);
    u32 read_entries = page == oldest ? head_entries(head) : 0;
    u32 read_bytes = page == oldest ? head_bytes(head) : 0;
    bump(overrun_, dropped.entries() - read_entries);
    bump(overrun_bytes_, dropped.entry_bytes() - read_bytes);
  }
  bool current_kept = false;
  for (usize i = 0; i < page_count_; ++i) {
    PageSlot& old = slots_[i];
    u64 page = old.sequence.load(kRelaxed);
    bool kept = page != kNoPage && page >= first_kept && page <= tail;
    if (!kept) {
      (void)spares.append(old.page);
      continue;
    }
    PageSlot& moved = slots[page % pages];
    moved.page = old.page;
    moved.sequence.store(page, kRelaxed);
    moved.counts.store(old.counts.load(kRelaxed), kRelaxed);
    if (old.page == current_) {
      current_slot_ = &moved;
      current_kept = true;
    }
  }
  // A current page not kept (nothing live) leaves its counts in the totals.
  if (!current_kept) {
    fold_current_page();
    current_slot_ = nullptr;
  }
  usize next_spare = 0;
  for (usize i = 0; i < pages; ++i) {
    if (!slots[i].page) slots[i].page = spares[next_spare++];
  }
  for (; next_spare < spares.size(); ++next_spare) deallocate(spares[next_spare]);

  deallocate(slots_);
  slots_ = slots;
  page_count_ = pages;
  if (first_kept != oldest) head_.store(pack_head(first_kept, 0, 0), kRelease);
  // Without a live page the writer starts a new one at its next record.
  if (live == 0) write_offset_ = data_size_;
  return {};
}

Status CpuBuffer::set_page_size(usize page_size, usize pages) {
  if (!valid_page_size(page_size)) return Errno::kInval;
  if (pages < kMinPages) pages = kMinPages;
  if (pages > kMaxPages) return Errno::kNoMem;
  usize data_size = page_size - kPageHeaderSize;

  // Allocate everything first: a failed rebuild changes nothing.
  auto* slots = static_cast<PageSlot*>(allocate(pages * sizeof(PageSlot), alignof(PageSlot)));
  auto* staging = static_cast<u32*>(allocate(data_size));
  usize allocated = 0;
  if (slots && staging) {
    for (; allocated < pages; ++allocated) {
      PageHeader* page = allocate_page(page_size);
      if (!page) break;
      new (&slots[allocated]) PageSlot{page, {kNoPage}, {0}};
    }
  }
  if (allocated < pages) {
    for (usize i = 0; i < allocated; ++i) deallocate(slots[i].page);
    deallocate(slots);
    deallocate(staging);
    return Errno::kNoMem;
  }

  for (usize i = 0; i < page_count_; ++i) deallocate(slots_[i].page);
  deallocate(slots_);
  deallocate(staging_);
  slots_ = slots;
  staging_ = staging;
  page_count_ = pages;
  page_size_ = static_cast<u32>(page_size);
  data_size_ = static_cast<u32>(data_size);
  count_bits_ = bit_width(data_size_);
  current_ = nullptr;
  current_slot_ = nullptr;
  reset();
  return {};
}

void CpuBuffer::set_overwrite(bool overwrite) {
  overwrite_.store(overwrite, kRelaxed);
}
bool CpuBuffer::overwrite() const {
  return overwrite_.load(kRelaxed);
}
usize CpuBuffer::pages() const {
  return page_count_;
}
u32 CpuBuffer::cpu() const {
  return cpu_;
}
void CpuBuffer::disable_recording() {
  disabled_.fetch_add(1, kRelaxed);
}
void CpuBuffer::enable_recording() {
  disabled_.fetch_sub(1, kRelaxed);
}
void CpuBuffer::exchange_recording_state(CpuBuffer& other) {
  u32 mine = disabled_.load(kRelaxed);
  disabled_.store(other.disabled_.load(kRelaxed), kRelaxed);
  other.disabled_.store(mine, kRelaxed);
}

CpuStats CpuBuffer::stats() const {
  CpuStats stats{};
  u64 overrun = overrun_.load(kRelaxed);
  u64 read = read_.load(kRelaxed);
  // The totals of the pages left behind and the counts of the page being written, read
  // together (the fold sequence): the writer moves one into the other on a new page.
  u64 written;
  u64 written_bytes;
  for (;;) {
    u32 sequence = fold_sequence_.load(kAcquire);
    if (sequence & 1) continue;
    written = written_.load(kRelaxed);
    written_bytes = written_bytes_.load(kRelaxed);
    const PageSlot& current = slot_for(tail_.load(kRelaxed));
    // Only the page the writer holds has counts not yet in the totals.
    if (current.sequence.load(kRelaxed) == tail_.load(kRelaxed)) {
      written += current.entries();
      written_bytes += current.entry_bytes();
    }
    atomic_fence(MemoryOrder::kAcquire);
    if (fold_sequence_.load(kRelaxed) == sequence) break;
  }
  stats.entries = written - overrun - read;
  stats.overrun = overrun;
  stats.bytes = written_bytes - overrun_bytes_.load(kRelaxed) - read_bytes_.load(kRelaxed);
  stats.dropped = dropped_.load(kRelaxed);
  stats.read = read;
  // The oldest entry's time needs decoding: a throwaway non-consuming cursor finds it.
  Cursor probe(const_cast<CpuBuffer&>(*this), false);
  Entry oldest;
  if (stats.entries && probe.peek(oldest)) stats.oldest_timestamp = oldest.timestamp;
  return stats;
}

}  // namespace tg::ring
