#include "ring/RingBuffer.h"

namespace tg::ring {

namespace {

constexpr auto kAcquire = MemoryOrder::kAcquire;

}  // namespace

CpuBuffer::Cursor::Cursor(CpuBuffer& buffer, bool consuming)
    : buffer_(&buffer),
      consuming_(consuming),
      overrun_seen_(buffer.overrun_.load(MemoryOrder::kRelaxed)) {}

CpuBuffer::Cursor::~Cursor() {
  deallocate(copy_);
  deallocate(lookahead_);
}

CpuBuffer::Cursor::Cursor(Cursor&& other)
    : buffer_(other.buffer_),
      consuming_(other.consuming_),
      copy_(other.copy_),
      lookahead_(other.lookahead_),
      copy_size_(other.copy_size_),
      page_(other.page_),
      copy_state_(other.copy_state_),
      position_(other.position_),
      entries_passed_(other.entries_passed_),
      bytes_passed_(other.bytes_passed_),
      claimed_entries_(other.claimed_entries_),
      claimed_bytes_(other.claimed_bytes_),
      defer_claims_(other.defer_claims_),
      lost_claim_(other.lost_claim_),
      dropped_(other.dropped_),
      overrun_seen_(other.overrun_seen_),
      has_entry_(other.has_entry_),
      entry_(other.entry_),
      entry_end_(other.entry_end_) {
  other.copy_ = nullptr;
  other.lookahead_ = nullptr;
  other.page_ = 0;
  other.has_entry_ = false;
}

u32* CpuBuffer::Cursor::allocate_copy() {
  return static_cast<u32*>(allocate(copy_size_, 64));
}

// The page copy is allocated on first use: constructing a cursor cannot fail, and an
// allocation failure reads as an empty buffer. When the buffer's pages changed size
// (buffer_subbuf_size_kb, which also emptied it), the copies go and the cursor starts over.
bool CpuBuffer::Cursor::ensure_buffers() {
  if (copy_size_ != buffer_->data_size_) {
    deallocate(copy_);
    deallocate(lookahead_);
    copy_ = lookahead_ = nullptr;
    copy_size_ = buffer_->data_size_;
    page_ = 0;
    has_entry_ = false;
  }
  if (!copy_) copy_ = allocate_copy();
  return copy_ != nullptr;
}

// Scans from `at` to the next entry, applying the kTimeStamp/kTask records on the way.
// On success `at` is the entry's own position (time and pid included) and `entry` is filled.
bool CpuBuffer::Cursor::find_entry(const u32* data, u32 commit, Position& at, Entry& entry) const {
  while (at.offset + sizeof(u32) <= commit) {
    const u32* word = data + at.offset / 4;
    u32 header = word[0];
    u32 next = at.offset + 2 * sizeof(u32) <= commit ? word[1] : 0;
    usize size = record_size(header, next);
    // A size of 0 is padding (or garbage): nothing more in this page.
    if (size == 0 || at.offset + size > commit) return false;
    RecordType type = header_type(header);
    if (type == RecordType::kTimeStamp) {
      at.time = word[1] | (u64{word[2]} << 32);
    } else {
      at.time += header_delta(header);
    }
    if (type == RecordType::kTask) at.pid = static_cast<i32>(word[1]);
    if (counts_as_entry(type)) {
      entry = {at.time,
               at.pid,
               buffer_->cpu_,
               type,
               reinterpret_cast<const u8*>(word),
               static_cast<u32>(size)};
      return true;
    }
    at.offset += static_cast<u32>(size);
  }
  return false;
}

// Copies logical page `page` and moves past its first `skip_entries` entries (those a
// consuming reader already read).
bool CpuBuffer::Cursor::load_page(u64 page, u32 skip_entries) {
  has_entry_ = false;
  page_ = 0;
  if (!buffer_->copy_page(page, 0, copy_, copy_state_)) return false;
  page_ = page;
  position_ = {0, copy_state_.timestamp, copy_state_.pid};
  entries_passed_ = 0;
  bytes_passed_ = 0;
  Entry skipped;
  while (entries_passed_ < skip_entries &&
         find_entry(copy_, copy_state_.commit, position_, skipped)) {
    position_.offset += skipped.size;
    entries_passed_++;
    bytes_passed_ += skipped.size;
  }
  claimed_entries_ = entries_passed_;
  claimed_bytes_ = bytes_passed_;
  return true;
}

// Moves the head from what this cursor last claimed to `desired`, counting the records
// passed since (up to `entries` and `bytes` of the page) as read.
bool CpuBuffer::Cursor::claim_passed(u64 desired, u32 entries, u32 bytes) {
  u64 expected = buffer_->pack_head(page_, claimed_entries_, claimed_bytes_);
  if (!buffer_->head_.compare_exchange(expected, desired, MemoryOrder::kAcqRel)) {
    if (entries != claimed_entries_) lost_claim_ = true;
    return false;
  }
  buffer_->read_.fetch_add(entries - claimed_entries_, MemoryOrder::kRelaxed);
  buffer_->read_bytes_.fetch_add(bytes - claimed_bytes_, MemoryOrder::kRelaxed);
  claimed_entries_ = entries;
  claimed_bytes_ = bytes;
  return true;
}

// (Re)starts at the oldest unread record: at open, after reset, or when the writer
// overwrote the page this cursor was in. False when the buffer is empty.
bool CpuBuffer::Cursor::start_at_head() {
  for (;;) {
    u64 head = buffer_->head_.load(kAcquire);
    u64 oldest = buffer_->head_page(head);
    if (oldest > buffer_->tail_.load(kAcquire)) {
      page_ = 0;
      has_entry_ = false;
      return false;
    }
    if (load_page(oldest, buffer_->head_entries(head))) return true;
    // Overwritten between reading the head and copying the page: the head moved on.
  }
}

// Copies what the writer committed to the current page since the last copy. Earlier words
// are left alone, so entries already handed out stay valid.
bool CpuBuffer::Cursor::refresh() {
  PageCopy update;
  if (!buffer_->copy_page(page_, copy_state_.commit, copy_, update)) return false;
  copy_state_.commit = update.commit;
  copy_state_.complete = update.complete;
  return true;
}

// Leaves a finished, complete page. A consuming cursor frees it for the writer (stop mode)
// by moving the head; if the writer took it over first, the cursor resynchronizes.
bool CpuBuffer::Cursor::next_page() {
  u64 next = page_ + 1;
  if (consuming_ && !claim_passed(buffer_->pack_head(next, 0, 0), entries_passed_, bytes_passed_))
    return start_at_head();
  else if (buffer_->head_page(buffer_->head_.load(kAcquire)) > next) {
    note_skip();
    return start_at_head();
  }
  if (load_page(next, 0)) return true;
  note_skip();
  return start_at_head();
}

void CpuBuffer::Cursor::note_skip() {
  if (consuming_) return;  // the overrun counter speaks for a consumer (take_lost)
  u64 overrun = buffer_->overrun_.load(MemoryOrder::kRelaxed);
  if (overrun != overrun_seen_) dropped_ = true;
  overrun_seen_ = overrun;
}

bool CpuBuffer::Cursor::peek(Entry& entry) {
  if (has_entry_) {
    entry = entry_;
    return true;
  }
  if (!ensure_buffers()) return false;
  if (page_ == 0 && !start_at_head()) return false;
  for (;;) {
    // A consuming cursor reads only at the head: if the writer took its page over since the
    // copy, what it holds is overrun and it starts again at the new head.
    if (consuming_ && buffer_->head_.load(kAcquire) !=
                          buffer_->pack_head(page_, claimed_entries_, claimed_bytes_)) {
      if (entries_passed_ != claimed_entries_) lost_claim_ = true;
      if (!start_at_head()) return false;
    }
    Position at = position_;
    if (find_entry(copy_, copy_state_.commit, at, entry_)) {
      position_ = at;
      entry_end_ = at.offset + entry_.size;
      has_entry_ = true;
      entry = entry_;
      return true;
    }
    if (!copy_state_.complete) {
      u32 known = copy_state_.commit;
      if (!refresh()) {
        // The writer took the page over between the head check above and this copy: what
        // was passed and not yet claimed went with it, as in the check above.
        if (consuming_ && entries_passed_ != claimed_entries_) lost_claim_ = true;
        note_skip();
        if (!start_at_head()) return false;
        continue;
      }
      if (copy_state_.commit != known) continue;
      // Caught up with the writer, which is still on this page.
      if (!copy_state_.complete) return false;
    }
    if (!next_page()) return false;
  }
}

void CpuBuffer::Cursor::advance() {
  Entry entry;
  if (!has_entry_ && !peek(entry)) return;
  has_entry_ = false;
  u32 size = entry_.size;
  u32 entries = entries_passed_ + 1;
  u32 bytes = bytes_passed_ + size;
  if (consuming_) {
    // Claim the entry from the head (with deferred claims, only at the end of the page);
    // past the last entry of a complete page, free the page in the same step. Failing means
    // the writer overwrote the page first: the entries count as overrun and the cursor
    // restarts at the new head.
    bool page_done = copy_state_.complete && entry_end_ >= copy_state_.commit;
    if (page_done || !defer_claims_) {
      u64 desired = page_done ? buffer_->pack_head(page_ + 1, 0, 0)
                              : buffer_->pack_head(page_, entries, bytes);
      if (!claim_passed(desired, entries, bytes) || page_done) {
        page_ = 0;
        return;
      }
    }
  }
  position_.offset = entry_end_;
  entries_passed_ = entries;
  bytes_passed_ = bytes;
}

bool CpuBuffer::Cursor::claim() {
  bool kept = !lost_claim_;
  lost_claim_ = false;
  if (page_ != 0 && entries_passed_ != claimed_entries_ &&
      !claim_passed(buffer_->pack_head(page_, entries_passed_, bytes_passed_), entries_passed_,
                    bytes_passed_)) {
    lost_claim_ = false;
    page_ = 0;
    has_entry_ = false;
    kept = false;
  }
  return kept;
}

bool CpuBuffer::Cursor::take_lost_claim() {
  bool lost = lost_claim_;
  lost_claim_ = false;
  return lost;
}

// The first entry of the page after the current one, copied aside so that the current
// entry stays valid.
bool CpuBuffer::Cursor::peek_in_next_page(Entry& next) {
  if (!lookahead_) lookahead_ = allocate_copy();
  if (!lookahead_) return false;
  PageCopy copy;
  if (!buffer_->copy_page(page_ + 1, 0, lookahead_, copy)) return false;
  Position at{0, copy.timestamp, copy.pid};
  return find_entry(lookahead_, copy.commit, at, next);
}

bool CpuBuffer::Cursor::peek_after(Entry& next) {
  Entry current;
  if (!peek(current)) return false;
  Position at = position_;
  at.offset = entry_end_;
  if (find_entry(copy_, copy_state_.commit, at, next)) return true;
  if (!copy_state_.complete) {
    if (!refresh()) return false;
    if (find_entry(copy_, copy_state_.commit, at, next)) return true;
    if (!copy_state_.complete) return false;
  }
  return peek_in_next_page(next);
}

}  // namespace tg::ring
