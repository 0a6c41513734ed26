#include "trace/ProfileTable.h"

namespace tg::trace {

namespace {

// Fibonacci hashing, as Linux's hash_long: the high bits of ip times 2^64/phi.
constexpr u64 kGoldenRatio64 = 0x61c8864680b583ebull;

}  // namespace

Result<OwnPtr<ProfileTable>> ProfileTable::create(u32 capacity) {
  if (capacity == 0) capacity = 1;
  void* memory = allocate(sizeof(ProfileTable), alignof(ProfileTable));
  if (!memory) return Errno::kNoMem;
  OwnPtr<ProfileTable> table(new (memory) ProfileTable());
  u32 slots = 2;
  u32 bits = 1;
  while (slots < capacity * 2) {
    slots *= 2;
    ++bits;
  }
  table->records_ = static_cast<ProfileRecord*>(allocate(sizeof(ProfileRecord) * capacity));
  table->index_ = static_cast<Atomic<u32>*>(allocate(sizeof(Atomic<u32>) * slots));
  if (!table->records_ || !table->index_) return Errno::kNoMem;
  table->capacity_ = capacity;
  table->index_mask_ = slots - 1;
  table->index_shift_ = 64 - bits;
  table->reset();
  return table;
}

ProfileTable::~ProfileTable() {
  deallocate(records_);
  deallocate(index_);
}

u32 ProfileTable::slot_of(u64 ip) const {
  return static_cast<u32>((ip * kGoldenRatio64) >> index_shift_);
}

TG_HOT ProfileRecord* ProfileTable::find(u64 ip) const {
  for (u32 slot = slot_of(ip);; slot = (slot + 1) & index_mask_) {
    u32 entry = index_[slot].load(MemoryOrder::kRelaxed);
    if (entry == 0) return nullptr;
    ProfileRecord& record = records_[entry - 1];
    if (record.ip.load(MemoryOrder::kRelaxed) == ip) return &record;
  }
}

TG_HOT ProfileRecord* ProfileTable::find_or_add(u64 ip) {
  u32 slot = slot_of(ip);
  for (;; slot = (slot + 1) & index_mask_) {
    u32 entry = index_[slot].load(MemoryOrder::kRelaxed);
    if (entry == 0) break;
    ProfileRecord& record = records_[entry - 1];
    if (record.ip.load(MemoryOrder::kRelaxed) == ip) return &record;
  }
  // The index is twice the records, so a free slot is always found above while a record is.
  u32 used = count_.load(MemoryOrder::kRelaxed);
  if (used == capacity_) {
    misses_.store(misses_.load(MemoryOrder::kRelaxed) + 1, MemoryOrder::kRelaxed);
    return nullptr;
  }
  ProfileRecord& record = records_[used];
  record.ip.store(ip, MemoryOrder::kRelaxed);
  record.hits.store(0, MemoryOrder::kRelaxed);
  record.time.store(0, MemoryOrder::kRelaxed);
  record.time_squared.store(0, MemoryOrder::kRelaxed);
  index_[slot].store(used + 1, MemoryOrder::kRelaxed);
  // Publishes the record (its ip first) to readers on other CPUs.
  count_.store(used + 1, MemoryOrder::kRelease);
  return &record;
}

void ProfileTable::reset() {
  count_.store(0, MemoryOrder::kRelease);
  misses_.store(0, MemoryOrder::kRelaxed);
  memset(static_cast<void*>(index_), 0, sizeof(Atomic<u32>) * (index_mask_ + 1));
  memset(static_cast<void*>(records_), 0, sizeof(ProfileRecord) * capacity_);
}

}  // namespace tg::trace
