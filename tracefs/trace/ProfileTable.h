#pragma once
#include "support/Atomic.h"
#include "support/Memory.h"
#include "support/Result.h"

namespace tg::trace {

// What the function profiler keeps about one function on one CPU, as Linux's
// ftrace_profile: hits, and the total and summed squares of the calls' times (ns).
struct ProfileRecord {
  Atomic<u64> ip;
  Atomic<u64> hits;
  Atomic<u64> time;
  Atomic<u64> time_squared;
};

// One CPU's profile: a fixed array of records, in the order their functions were first hit,
// and an open-addressed index over them by ip. Everything is allocated at creation; the hot
// path only finds or claims a record, and counts a miss when all are taken.
//
// Only the owning CPU writes, with interrupts masked; readers on any CPU see a record once
// count() covers it (its ip was stored before). The values are relaxed atomics: a reader may
// see a hit whose time is not added yet, never a torn number.
class ProfileTable {
 public:
  static Result<OwnPtr<ProfileTable>> create(u32 capacity);
  ~ProfileTable();
  ProfileTable(const ProfileTable&) = delete;
  ProfileTable& operator=(const ProfileTable&) = delete;

  // Hot path, on the owning CPU.
  ProfileRecord* find(u64 ip) const;
  // The record of `ip`, claiming a free one the first time; null (and a miss) when full.
  ProfileRecord* find_or_add(u64 ip);

  // Control path, while nothing records: forgets every function.
  void reset();

  // Readers: records [0, count()) are in use.
  u32 count() const { return count_.load(MemoryOrder::kAcquire); }
  const ProfileRecord& record(u32 index) const { return records_[index]; }
  u32 capacity() const { return capacity_; }
  u64 misses() const { return misses_.load(MemoryOrder::kRelaxed); }

 private:
  ProfileTable() = default;
  u32 slot_of(u64 ip) const;

  ProfileRecord* records_ = nullptr;
  // Record index + 1 per slot, 0 when free; twice the capacity, a power of two.
  Atomic<u32>* index_ = nullptr;
  u32 capacity_ = 0;
  u32 index_mask_ = 0;
  u32 index_shift_ = 0;
  Atomic<u32> count_{0};
  Atomic<u64> misses_{0};
};

}  // namespace tg::trace
