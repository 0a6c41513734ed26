#pragma once
#include "support/Atomic.h"
#include "support/Memory.h"
#include "support/Result.h"

namespace tg::trace {

// The hash table of a hist trigger, Linux's tracing_map in spirit: sized once when the trigger
// is created, then filled by recorders on any CPU without locks or allocation. Keys are the
// fixed-size compound keys of the spec; each entry has one sum per value (hitcount first).
// A key that finds no room is counted as dropped.
class HistTable {
 public:
  static Result<OwnPtr<HistTable>> create(u32 max_entries, u32 key_size, u32 sum_count);
  HistTable() = default;
  ~HistTable();
  HistTable(const HistTable&) = delete;
  HistTable& operator=(const HistTable&) = delete;

  // The sums of `key`'s entry (key_size bytes), made on first use; nullptr when the table is
  // full.
  Atomic<u64>* find_or_insert(const u8* key);
  // The sums of `key`'s entry if it has one (counted nowhere).
  Atomic<u64>* find(const u8* key) const;
  u32 key_size() const { return key_size_; }
  // Empties the table and its counters; no recorder may be inside find_or_insert.
  void clear();

  // Entries for readers: published slots in table order; `entry` is an index below capacity.
  u32 slot_count() const { return slot_count_; }
  // The entry a slot holds, or -1.
  i64 entry_at(u32 slot) const;
  const u8* key(u32 entry) const { return keys_ + static_cast<usize>(entry) * key_size_; }
  u64 sum(u32 entry, u32 index) const {
    return sums_[static_cast<usize>(entry) * sum_count_ + index].load(MemoryOrder::kRelaxed);
  }
  u64 hits() const { return hits_.load(MemoryOrder::kRelaxed); }
  u64 drops() const { return drops_.load(MemoryOrder::kRelaxed); }
  u32 capacity() const { return max_entries_; }

 private:
  struct Slot {
    Atomic<u32> hash;
    Atomic<u32> entry;  // index + 1 once the key is in place; 0 while it is being filled
  };
  Atomic<u64>* claim(Slot& slot, const u8* key);

  u32 max_entries_ = 0;
  u32 slot_count_ = 0;  // twice the entries, a power of two, as Linux's map_size
  u32 key_size_ = 0;
  u32 sum_count_ = 0;
  Slot* slots_ = nullptr;
  u8* keys_ = nullptr;
  Atomic<u64>* sums_ = nullptr;
  Atomic<u32> used_{0};
  Atomic<u64> hits_{0};
  Atomic<u64> drops_{0};
};

}  // namespace tg::trace
