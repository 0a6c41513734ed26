#pragma once
#include "ring/Record.h"
#include "support/Atomic.h"
#include "support/Memory.h"
#include "support/Result.h"
#include "support/Vector.h"

namespace tg::ring {

// One decoded record as readers see it.
struct Entry {
  u64 timestamp;  // absolute, ns of the instance's trace clock
  i32 pid;        // task current on that CPU when it was written
  u32 cpu;
  RecordType type;
  const u8* record;  // the whole record, header included (valid until the cursor moves)
  u32 size;          // record size in bytes

  template <typename T>
  const T& as() const {
    return *reinterpret_cast<const T*>(record);
  }
};

// Exact accounting, as per_cpu/cpuN/stats prints it.
struct CpuStats {
  u64 entries;         // readable records still in the buffer (function, graph, event...)
  u64 overrun;         // lost to overwrite (or to a shrinking resize)
  u64 commit_overrun;  // always 0: a writer never laps itself
  u64 bytes;           // bytes of readable records
  u64 oldest_timestamp;
  u64 dropped;  // refused because the buffer was full and overwrite is off
  u64 read;     // consumed by trace_pipe
};

// Records readers are shown and the stats count: function, graph, event and irq records.
// kTimeStamp and kTask only carry the decoding state (time base, pid); kPadding is nothing.
constexpr bool counts_as_entry(RecordType type) {
  return type >= RecordType::kFunction && type <= RecordType::kIrqExit;
}

// One CPU's buffer: written without locks by its own CPU (never re-entered: the platform
// keeps interrupts off around a write), read from any CPU. Readers copy a page and validate
// the copy afterwards (a per-page sequence number), so a writer never waits for a reader.
// The design, its invariants and its accounting are described in docs/ring-buffer.md.
class CpuBuffer {
 public:
  static constexpr usize kMinPages = 2;
  // Far beyond any memory we have; keeps the page arithmetic free of overflow.
  static constexpr usize kMaxPages = usize{1} << 24;

  // `pages` pages of `page_size` bytes (valid_page_size).
  static Result<OwnPtr<CpuBuffer>> create(u32 cpu, usize pages, usize page_size = kPageSize);
  ~CpuBuffer();
  CpuBuffer(const CpuBuffer&) = delete;
  CpuBuffer& operator=(const CpuBuffer&) = delete;

  // ---- writer side (the owning CPU only) ----
  // Reserves `size` bytes (header included, multiple of 4, <= data_size()) stamped with
  // `timestamp` for `pid`; writes a kTask record first when pid differs from the last one,
  // and a kTimeStamp record when the delta does not fit. Returns the record memory with
  // its header already written, or nullptr (dropped: full in stop mode, or disabled).
  // The memory is a per-CPU staging area the caller fills with plain stores; commit() copies
  // it into the page with atomic stores, so readers never race with the caller's stores.
  // Inline, with claim() doing the work: one call fewer on every record.
  u32* reserve(u64 timestamp, i32 pid, RecordType type, usize size) {
    u32* record = claim(timestamp, pid, type, size);
    if (!record) return nullptr;
    staging_[0] = *record;
    return staging_;
  }
  // Publishes the reserved record to readers.
  void commit();
  // reserve + copy + commit. `record` includes its header word (its delta bits are filled).
  bool write(u64 timestamp, i32 pid, const void* record, usize size);
  // write() for a record of fixed layout (function, graph), inline: its words go from the
  // caller's registers straight into the page, without the staging copy or a second call.
  // The words are `Record`'s, header first (ignored: claim() writes the header). Words, not
  // the struct: GCC fills a struct's byte fields with byte stores and copies it out with word
  // loads, each a store-forwarding stall.
  template <typename Record, usize kWords>
  TG_ALWAYS_INLINE bool write_fixed(u64 timestamp, i32 pid, RecordType type,
                                    const u32 (&words)[kWords]) {
    static_assert(sizeof(Record) == kWords * sizeof(u32) && kWords > 1);
    constexpr u32 kSize = sizeof(Record);
    // claim()'s common case (recording on, the same pid, a delta that fits and room left in
    // the current page: no kTask or kTimeStamp record, no new page), with every field read
    // once, before the page is written: a store into the page may alias them, so each
    // would otherwise be read again after it.
    u64 delta = timestamp - last_time_;  // a clock gone backwards wraps beyond kMaxDelta
    u32 offset = write_offset_;
    PageHeader* page = current_;
    PageSlot* slot = current_slot_;
    if (delta > kMaxDelta || pid != last_pid_ || offset + kSize > data_size_ ||
        disabled_.load(MemoryOrder::kRelaxed)) {
      u32* place = claim(timestamp, pid, type, kSize);
      if (!place) return false;
      pending_size_ = 0;  // nothing for commit(): the record is published here
      store_words<kWords>(place, words);
      publish(kSize, type);
      return true;
    }
    last_time_ = timestamp;
    write_offset_ = offset + kSize;
    u32* place = page_data(page) + offset / 4;
    __atomic_store_n(place, make_header(type, static_cast<u32>(delta)), __ATOMIC_RELAXED);
    store_words<kWords>(place, words);
    // The record becomes visible (as publish()).
    __atomic_store_n(&page->commit, offset + kSize, __ATOMIC_RELEASE);
    if (counts_as_entry(type))
      slot->counts.store(slot->counts.load(MemoryOrder::kRelaxed) + count_of(1, kSize),
                         MemoryOrder::kRelaxed);
    return true;
  }

  // ---- control (no concurrent writer: the caller disabled recording and synchronized;
  // ---- no reader inside peek/advance; cursors may stay open and resynchronize) ----
  void reset();                // drops everything, counters to 0 ("echo > trace")
  Status resize(usize pages);  // keeps the newest contents; the dropped oldest count as overrun
  // Rebuilds the ring with `pages` pages of `page_size` bytes (valid_page_size, else EINVAL),
  // dropping everything as reset() does, as Linux's ring_buffer_subbuf_order_set. A failed
  // allocation (ENOMEM) changes nothing.
  Status set_page_size(usize page_size, usize pages);
  void set_overwrite(bool overwrite);
  bool overwrite() const;
  usize pages() const;
  usize page_size() const { return page_size_; }
  // Bytes of records a page holds: page_size() minus the page header.
  u32 data_size() const { return data_size_; }
  CpuStats stats() const;
  u32 cpu() const;
  // For the one consuming reader: entries lost to overwrite since it last asked (Linux's
  // lost_events, which trace_pipe prints as "[LOST N EVENTS]" and raw pages flag).
  u64 take_lost() {
    u64 now = overrun_.load(MemoryOrder::kRelaxed);
    // Plain loads on the common path: nothing lost, nothing to write.
    if (now == reported_overrun_.load(MemoryOrder::kRelaxed)) return 0;
    return now - reported_overrun_.exchange(now, MemoryOrder::kRelaxed);
  }
  // Entries lost before what is written next, as a buffer rebuilt from another's raw pages
  // learns of them: counted as overrun, so take_lost() reports them in the same place.
  void note_lost(u64 count) { overrun_.fetch_add(count, MemoryOrder::kRelaxed); }
  // Recording on/off for this buffer (nestable, like Linux's record_disable).
  void disable_recording();
  void enable_recording();
  // The snapshot swap moves a buffer out of the live slot: whoever disabled the slot's
  // recording (tracing_cpumask) must keep it disabled, so the counts change places too.
  void exchange_recording_state(CpuBuffer& other);

  // ---- readers ----
  class Cursor;  // see below

 private:
  // One ring slot. `sequence` is the logical page number the slot's page currently holds
  // (kNoPage while the writer rewrites it): the readers' validation key.
  struct PageSlot {
    PageHeader* page;
    Atomic<u64> sequence;
    // The entries written to this page (high half) and their bytes (low half): written by
    // the writer alone, read by stats() for the page being written.
    Atomic<u64> counts;
    u32 entries() const { return static_cast<u32>(counts.load(MemoryOrder::kRelaxed) >> 32); }
    u32 entry_bytes() const { return static_cast<u32>(counts.load(MemoryOrder::kRelaxed)); }
  };
  static constexpr u64 count_of(u32 entries, usize bytes) {
    return u64{entries} << 32 | static_cast<u32>(bytes);
  }
  static constexpr u64 kNoPage = ~u64{0};

  CpuBuffer(u32 cpu) : cpu_(cpu) {}
  // head_ packs the oldest logical page with the entries and entry bytes of that page a
  // consuming reader has already read; the two counts take count_bits_ each (enough for the
  // data size), the page number the rest: 2^45 bytes of trace or more before it wraps.
  u64 pack_head(u64 page, u32 entries, u32 bytes) const {
    return (page << (2 * count_bits_)) | (u64{bytes} << count_bits_) | entries;
  }
  u64 head_page(u64 head) const { return head >> (2 * count_bits_); }
  u32 head_entries(u64 head) const { return static_cast<u32>(head & count_mask()); }
  u32 head_bytes(u64 head) const { return static_cast<u32>((head >> count_bits_) & count_mask()); }
  u64 count_mask() const { return (u64{1} << count_bits_) - 1; }
  PageSlot& slot_for(u64 page) const { return slots_[page % page_count_]; }
  u32* page_data(PageHeader* page) const { return reinterpret_cast<u32*>(page + 1); }
  u32* claim(u64 timestamp, i32 pid, RecordType type, usize size);
  // A fixed record's words after its header (claim() or write_fixed() stored that).
  template <usize kWords>
  TG_ALWAYS_INLINE static void store_words(u32* place, const u32 (&words)[kWords]) {
#pragma GCC unroll 8
    for (usize i = 1; i < kWords; ++i) __atomic_store_n(&place[i], words[i], __ATOMIC_RELAXED);
  }
  bool start_page(u64 timestamp, i32 pid);
  void fold_current_page();
  bool take_free_page(u64 next);
  // The record at write_offset_ (and the bookkeeping before it) becomes visible: `commit` is
  // released after every word of it was stored. write_fixed() does the same inline, with the
  // fields it has read.
  TG_ALWAYS_INLINE void publish(usize size, RecordType type) {
    write_offset_ += static_cast<u32>(size);
    __atomic_store_n(&current_->commit, write_offset_, __ATOMIC_RELEASE);
    if (!counts_as_entry(type)) return;
    // One add counts the entry and its bytes (the page's; the buffer's totals take them
    // when the writer leaves the page, see fold_current_page).
    PageSlot& slot = *current_slot_;
    slot.counts.store(slot.counts.load(MemoryOrder::kRelaxed) + count_of(1, size),
                      MemoryOrder::kRelaxed);
  }
  void write_words(const void* words, usize bytes);
  void count_dropped();
  // Copies the committed words of logical page `page` from byte `from` on into `data` (at the
  // same offsets); false when the slot does not hold that page (any more).
  struct PageCopy {
    u64 timestamp;
    i32 pid;
    u32 commit;
    bool complete;  // the writer has moved on: `commit` is final
  };
  bool copy_page(u64 page, u32 from, u32* data, PageCopy& copy) const;

  u32 cpu_;
  usize page_count_ = 0;
  u32 page_size_ = 0;
  u32 data_size_ = 0;
  u32 count_bits_ = 0;
  PageSlot* slots_ = nullptr;

  // The shared positions. tail_: logical page the writer fills. head_: oldest page still in
  // the ring, packed with how many of its entries (and bytes) a consuming reader has read;
  // writer (overwrite) and consumer both move it by compare-exchange, so every entry is
  // counted exactly once, as read or as overrun. Empty ring: head page == tail + 1.
  Atomic<u64> tail_{0};
  Atomic<u64> head_{0};

  // Writer-private state.
  PageHeader* current_ = nullptr;
  PageSlot* current_slot_ = nullptr;
  u32 write_offset_ = 0;  // data_size_ when full: the first record starts a page
  u64 last_time_ = 0;
  i32 last_pid_ = 0;
  u32 pending_offset_ = 0;
  u32 pending_size_ = 0;
  RecordType pending_type_ = RecordType::kPadding;
  u32* staging_ = nullptr;

  // Totals since the last reset; entries = written - overrun - read. written_ and
  // written_bytes_ hold the pages the writer has left; stats() adds the one it is writing.
  // fold_sequence_ is odd while the writer moves a page's counts into them (a seqlock).
  Atomic<u64> written_{0};
  Atomic<u64> written_bytes_{0};
  Atomic<u32> fold_sequence_{0};
  Atomic<u64> overrun_{0};
  Atomic<u64> overrun_bytes_{0};
  Atomic<u64> read_{0};
  Atomic<u64> read_bytes_{0};
  Atomic<u64> dropped_{0};
  Atomic<u64> reported_overrun_{0};  // overrun_ as take_lost() last saw it

  Atomic<u32> disabled_{0};
  Atomic<bool> overwrite_{true};
};

// Iterates one CPU's records, oldest first. A consuming cursor (trace_pipe) also removes what
// it passes; a non-consuming one (trace) leaves the buffer as it is. A cursor reads its own
// copy of one page, so an Entry stays valid until advance() moves past it.
class CpuBuffer::Cursor {
 public:
  Cursor(CpuBuffer& buffer, bool consuming);
  ~Cursor();
  Cursor(Cursor&& other);
  Cursor(const Cursor&) = delete;
  Cursor& operator=(const Cursor&) = delete;
  Cursor& operator=(Cursor&&) = delete;

  // The next readable record, or false when the reader has caught up with the writer.
  // Overwritten data is skipped (the overrun counter tells how much).
  bool peek(Entry& entry);
  void advance();
  // The record after the one peek() returns, without moving (function_graph's leaf check).
  bool peek_after(Entry& next);

  // Batched consumption (trace_pipe_raw claims a page's worth of records at once): with
  // deferred claims, advance() passes records without claiming them from the head, except
  // at the end of a page, and claim() claims all the passed ones in one step.
  void defer_claims() { defer_claims_ = true; }
  // True when every record passed is claimed (advance() or peek() may have claimed them on
  // leaving a page): what was made of them is safe to keep.
  bool all_claimed() const { return page_ == 0 || entries_passed_ == claimed_entries_; }
  // Claims what was passed; false when the writer overwrote records passed since the last
  // successful claim first (they count as overrun: the caller drops what it made of them).
  bool claim();
  // Whether records passed and not yet claimed were lost to the writer since the last call
  // (peek or advance found the head moved): the caller drops what it made of them at once.
  bool take_lost_claim();
  // A non-consuming cursor: whether the writer overwrote records it had not read yet since
  // the last call, so it skipped ahead (Linux's ring_buffer_iter_dropped; `trace` prints
  // "CPU:N [LOST EVENTS]" before that CPU's next entry).
  bool take_dropped() {
    bool dropped = dropped_;
    dropped_ = false;
    return dropped;
  }
  u32 cpu() const { return buffer_->cpu_; }

 private:
  // Decoding state at a record boundary of the copied page.
  struct Position {
    u32 offset;
    u64 time;
    i32 pid;
  };
  bool ensure_buffers();
  u32* allocate_copy();
  bool start_at_head();
  bool load_page(u64 page, u32 skip_entries);
  bool refresh();
  bool next_page();
  bool find_entry(const u32* data, u32 commit, Position& at, Entry& entry) const;
  bool claim_passed(u64 desired, u32 entries, u32 bytes);
  bool peek_in_next_page(Entry& next);
  // Before a non-consuming cursor skips to the head: the skip dropped records when the
  // writer overwrote some since the cursor last looked (a consumer moving the head drops
  // none).
  void note_skip();

  CpuBuffer* buffer_;
  bool consuming_;
  u32* copy_ = nullptr;       // the current page's data, as copied
  u32* lookahead_ = nullptr;  // the next page, for peek_after
  u32 copy_size_ = 0;         // bytes of copy_ and lookahead_: the buffer's data size
  u64 page_ = 0;              // logical page in copy_; 0: none (pages start at 1)
  PageCopy copy_state_{};
  Position position_{};     // before the next unread record
  u32 entries_passed_ = 0;  // entries of this page before position_
  u32 bytes_passed_ = 0;
  u32 claimed_entries_ = 0;  // of entries_passed_, those the head has taken
  u32 claimed_bytes_ = 0;
  bool defer_claims_ = false;
  bool lost_claim_ = false;
  bool dropped_ = false;
  u64 overrun_seen_ = 0;    // the buffer's overrun when the cursor started or last skipped
  bool has_entry_ = false;  // entry_ is the peeked record, ending at entry_end_
  Entry entry_{};
  u32 entry_end_ = 0;
};

// All CPUs' buffers of one trace instance, and the iterator that merges them by timestamp.
class TraceBuffer {
 public:
  static Result<OwnPtr<TraceBuffer>> create(u32 cpu_count, usize pages_per_cpu,
                                            usize page_size = kPageSize);
  u32 cpu_count() const { return static_cast<u32>(cpus_.size()); }
  CpuBuffer& cpu(u32 index) { return *cpus_[index]; }

  // Sums for the "entries-in-buffer/entries-written" header line: entries still readable
  // and entries + overrun.
  u64 entries() const;
  u64 entries_written() const;
  void reset();
  void reset_cpu(u32 cpu);
  // Every CPU at once (buffer_size_kb, options/overwrite).
  Status resize(usize pages_per_cpu);
  // buffer_subbuf_size_kb: every CPU's pages become `page_size` bytes and their number
  // changes so that each CPU keeps (at least) the bytes of records it held, as Linux's
  // ring_buffer_subbuf_order_set; the contents are dropped. On failure no CPU changes
  // size (those already rebuilt go back to the old size, empty).
  Status set_page_size(usize page_size);
  usize page_size() const { return cpus_.size() ? cpus_[0]->page_size() : kPageSize; }
  void set_overwrite(bool overwrite);
  // The snapshot swap: this buffer's CPU `cpu` and `other`'s change places (Linux's
  // update_max_tr). The caller has disabled recording on both and waited out the writers.
  void swap_cpu(u32 cpu, TraceBuffer& other);

  // Merged, time-ordered view over every CPU (or one CPU, for per_cpu/cpuN files).
  class Iterator {
   public:
    Iterator(TraceBuffer& buffer, bool consuming, i32 only_cpu = -1);
    bool peek(Entry& entry);
    void advance();
    // The record after `entry` on the same CPU (function_graph's leaf detection). `entry`
    // must be the one peek() returned last.
    bool peek_next_on_cpu(const Entry& entry, Entry& next);
    // The timestamp of the record that follows the one peek() returned last, on any CPU
    // (the latency format's delay column); false when it is the last.
    bool peek_following_time(u64& timestamp);
    // A non-consuming view: whether `cpu`'s cursor dropped records since the last call.
    bool take_dropped(u32 cpu);

   private:
    Vector<CpuBuffer::Cursor> cursors_;
    i32 current_ = -1;  // index in cursors_ of the entry peek() returned
  };

 private:
  TraceBuffer() = default;
  Vector<OwnPtr<CpuBuffer>> cpus_;
};

}  // namespace tg::ring
