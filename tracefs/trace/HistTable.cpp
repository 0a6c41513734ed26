#include "trace/HistTable.h"

namespace tg::trace {

namespace {

// FNV-1a over the key; 0 marks a free slot, so it is never a hash.
u32 hash_key(const u8* key, u32 size) {
  u32 hash = 2166136261u;
  for (u32 i = 0; i < size; ++i) hash = (hash ^ key[i]) * 16777619u;
  return hash ? hash : 1;
}

template <typename T>
T* allocate_zeroed(usize count) {
  usize bytes = count * sizeof(T);
  void* memory = allocate(bytes ? bytes : 1);
  if (memory) memset(memory, 0, bytes);
  return static_cast<T*>(memory);
}

}  // namespace

Result<OwnPtr<HistTable>> HistTable::create(u32 max_entries, u32 key_size, u32 sum_count) {
  OwnPtr<HistTable> table(tg::create<HistTable>());
  if (!table) return Errno::kNoMem;
  table->max_entries_ = max_entries;
  table->slot_count_ = max_entries * 2;
  table->key_size_ = key_size;
  table->sum_count_ = sum_count;
  table->slots_ = allocate_zeroed<Slot>(table->slot_count_);
  table->keys_ = allocate_zeroed<u8>(static_cast<usize>(max_entries) * key_size);
  table->sums_ = allocate_zeroed<Atomic<u64>>(static_cast<usize>(max_entries) * sum_count);
  if (!table->slots_ || !table->keys_ || !table->sums_) return Errno::kNoMem;
  return table;
}

HistTable::~HistTable() {
  deallocate(slots_);
  deallocate(keys_);
  deallocate(sums_);
}

Atomic<u64>* HistTable::find_or_insert(const u8* key) {
  u32 hash = hash_key(key, key_size_);
  u32 mask = slot_count_ - 1;
  u32 index = hash & mask;
  // A slot whose key another CPU is still copying is looked at again, a bounded number of
  // times (Linux's dup_try).
  u32 retries = 0;
  for (u32 probes = 0; probes < slot_count_;) {
    Slot& slot = slots_[index];
    u32 seen = slot.hash.load(MemoryOrder::kAcquire);
    if (seen == 0) {
      u32 expected = 0;
      if (slot.hash.compare_exchange(expected, hash, MemoryOrder::kAcqRel)) return claim(slot, key);
      continue;
    }
    if (seen == hash) {
      u32 entry = slot.entry.load(MemoryOrder::kAcquire);
      if (entry == 0) {
        if (++retries > slot_count_) break;
        continue;
      }
      if (memcmp(this->key(entry - 1), key, key_size_) == 0) {
        hits_.fetch_add(1, MemoryOrder::kRelaxed);
        return &sums_[static_cast<usize>(entry - 1) * sum_count_];
      }
    }
    index = (index + 1) & mask;
    ++probes;
  }
  drops_.fetch_add(1, MemoryOrder::kRelaxed);
  return nullptr;
}

Atomic<u64>* HistTable::find(const u8* key) const {
  u32 hash = hash_key(key, key_size_);
  u32 mask = slot_count_ - 1;
  u32 index = hash & mask;
  for (u32 probes = 0; probes < slot_count_; ++probes, index = (index + 1) & mask) {
    u32 seen = slots_[index].hash.load(MemoryOrder::kAcquire);
    if (seen == 0) return nullptr;
    if (seen != hash) continue;
    u32 entry = slots_[index].entry.load(MemoryOrder::kAcquire);
    if (entry && memcmp(this->key(entry - 1), key, key_size_) == 0)
      return &sums_[static_cast<usize>(entry - 1) * sum_count_];
  }
  return nullptr;
}

// The slot is ours: take the next free entry, copy the key, then publish it.
Atomic<u64>* HistTable::claim(Slot& slot, const u8* key) {
  u32 entry = used_.load(MemoryOrder::kRelaxed) < max_entries_ ? used_.fetch_add(1) : max_entries_;
  if (entry >= max_entries_) {
    slot.hash.store(0, MemoryOrder::kRelease);
    drops_.fetch_add(1, MemoryOrder::kRelaxed);
    return nullptr;
  }
  memcpy(keys_ + static_cast<usize>(entry) * key_size_, key, key_size_);
  slot.entry.store(entry + 1, MemoryOrder::kRelease);
  hits_.fetch_add(1, MemoryOrder::kRelaxed);
  return &sums_[static_cast<usize>(entry) * sum_count_];
}

void HistTable::clear() {
  memset(static_cast<void*>(slots_), 0, sizeof(Slot) * slot_count_);
  memset(keys_, 0, static_cast<usize>(max_entries_) * key_size_);
  memset(static_cast<void*>(sums_), 0, sizeof(Atomic<u64>) * max_entries_ * sum_count_);
  used_.store(0);
  hits_.store(0);
  drops_.store(0);
}

i64 HistTable::entry_at(u32 slot) const {
  if (slots_[slot].hash.load(MemoryOrder::kAcquire) == 0) return -1;
  u32 entry = slots_[slot].entry.load(MemoryOrder::kAcquire);
  return entry ? static_cast<i64>(entry - 1) : -1;
}

}  // namespace tg::trace
