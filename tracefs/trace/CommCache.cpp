#include "trace/CommCache.h"

#include "support/Atomic.h"
#include "support/Memory.h"

namespace tg::trace {

namespace {

// A slot is written by one CPU at a time (its own context switch) but may be read by a
// formatter on another: the pid is invalidated around the copy, and the reader checks it on
// both sides of its own copy, like a sequence count.
struct CommSlot {
  i32 pid;
  char comm[kCommLength];
};

constinit CommSlot g_slots[kCommSlots] = {};

constexpr i32 kWriting = -1;

CommSlot& slot_for(i32 pid) {
  return g_slots[static_cast<u32>(pid) % kCommSlots];
}

}  // namespace

void save_comm(i32 pid, StringView comm) {
  if (pid <= 0) return;
  CommSlot& slot = slot_for(pid);
  __atomic_store_n(&slot.pid, kWriting, __ATOMIC_RELEASE);
  usize n = comm.size() < kCommLength - 1 ? comm.size() : kCommLength - 1;
  for (usize i = 0; i < kCommLength; ++i)
    __atomic_store_n(&slot.comm[i], i < n ? comm[i] : '\0', __ATOMIC_RELAXED);
  __atomic_store_n(&slot.pid, pid, __ATOMIC_RELEASE);
}

StringView find_comm(i32 pid, char (&out)[kCommLength]) {
  if (pid == 0) return "<idle>";
  const CommSlot& slot = slot_for(pid);
  if (__atomic_load_n(&slot.pid, __ATOMIC_ACQUIRE) != pid) return "<...>";
  for (usize i = 0; i < kCommLength; ++i) out[i] = __atomic_load_n(&slot.comm[i], __ATOMIC_RELAXED);
  atomic_fence(MemoryOrder::kAcquire);
  if (__atomic_load_n(&slot.pid, __ATOMIC_RELAXED) != pid) return "<...>";
  out[kCommLength - 1] = '\0';
  usize length = 0;
  while (length < kCommLength && out[length]) ++length;
  return {out, length};
}

void clear_comms() {
  for (auto& slot : g_slots) __atomic_store_n(&slot.pid, 0, __ATOMIC_RELAXED);
}

}  // namespace tg::trace
