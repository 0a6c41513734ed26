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
  u64 comm[kCommLength / 8];  // the name's bytes, moved a word at a time
};

static_assert(kCommLength % 8 == 0);
constinit CommSlot g_slots[kMaxCommSlots] = {};
constinit usize g_comm_slots = kDefaultCommSlots;

constexpr i32 kWriting = -1;

// A tgid slot is one word, pid high and tgid low, so a reader never sees half of an update.
constexpr usize kTgidSlots = 1024;
constinit u64 g_tgids[kTgidSlots] = {};
constinit bool g_saving_tgids = false;

u64 pack_tgid(i32 pid, i32 tgid) {
  return (u64{static_cast<u32>(pid)} << 32) | static_cast<u32>(tgid);
}

CommSlot& slot_for(i32 pid) {
  return g_slots[static_cast<u32>(pid) % __atomic_load_n(&g_comm_slots, __ATOMIC_RELAXED)];
}

void forget_comms() {
  for (auto& slot : g_slots) __atomic_store_n(&slot.pid, 0, __ATOMIC_RELAXED);
}

}  // namespace

void save_comm(i32 pid, StringView comm) {
  if (pid <= 0) return;
  CommSlot& slot = slot_for(pid);
  __atomic_store_n(&slot.pid, kWriting, __ATOMIC_RELEASE);
  usize n = comm.size() < kCommLength - 1 ? comm.size() : kCommLength - 1;
  char bytes[kCommLength] = {};
  memcpy(bytes, comm.data(), n);
  for (usize i = 0; i < kCommLength / 8; ++i) {
    u64 word;
    memcpy(&word, bytes + i * 8, 8);
    __atomic_store_n(&slot.comm[i], word, __ATOMIC_RELAXED);
  }
  __atomic_store_n(&slot.pid, pid, __ATOMIC_RELEASE);
}

StringView find_comm(i32 pid, char (&out)[kCommLength]) {
  if (pid == 0) return "<idle>";
  const CommSlot& slot = slot_for(pid);
  if (__atomic_load_n(&slot.pid, __ATOMIC_ACQUIRE) != pid) return "<...>";
  for (usize i = 0; i < kCommLength / 8; ++i) {
    u64 word = __atomic_load_n(&slot.comm[i], __ATOMIC_RELAXED);
    memcpy(out + i * 8, &word, 8);
  }
  atomic_fence(MemoryOrder::kAcquire);
  if (__atomic_load_n(&slot.pid, __ATOMIC_RELAXED) != pid) return "<...>";
  out[kCommLength - 1] = '\0';
  usize length = 0;
  while (length < kCommLength && out[length]) ++length;
  return {out, length};
}

void start_saving_tgids() {
  __atomic_store_n(&g_saving_tgids, true, __ATOMIC_RELAXED);
}

void save_tgid(i32 pid, i32 tgid) {
  if (pid <= 0 || !__atomic_load_n(&g_saving_tgids, __ATOMIC_RELAXED)) return;
  __atomic_store_n(&g_tgids[static_cast<u32>(pid) % kTgidSlots], pack_tgid(pid, tgid),
                   __ATOMIC_RELAXED);
}

i32 find_tgid(i32 pid) {
  if (pid <= 0) return 0;
  u64 word = __atomic_load_n(&g_tgids[static_cast<u32>(pid) % kTgidSlots], __ATOMIC_RELAXED);
  if (static_cast<i32>(word >> 32) != pid) return 0;
  return static_cast<i32>(static_cast<u32>(word));
}

Status saved_tgids(Vector<SavedTgid>& out) {
  for (const u64& slot : g_tgids) {
    u64 word = __atomic_load_n(&slot, __ATOMIC_RELAXED);
    SavedTgid entry = {static_cast<i32>(word >> 32), static_cast<i32>(static_cast<u32>(word))};
    if (entry.pid <= 0 || entry.tgid == 0) continue;
    TRY(out.append(entry));
    for (usize i = out.size() - 1; i > 0 && out[i - 1].pid > out[i].pid; --i)
      swap(out[i - 1], out[i]);
  }
  return {};
}

usize saved_comms_size() {
  return __atomic_load_n(&g_comm_slots, __ATOMIC_RELAXED);
}

Status set_saved_comms_size(u64 slots) {
  if (slots == 0 || slots > kMaxCommSlots) return Errno::kInval;
  __atomic_store_n(&g_comm_slots, static_cast<usize>(slots), __ATOMIC_RELAXED);
  forget_comms();
  return {};
}

Status saved_comms(Vector<SavedComm>& out) {
  usize slots = saved_comms_size();
  for (usize i = 0; i < slots; ++i) {
    i32 pid = __atomic_load_n(&g_slots[i].pid, __ATOMIC_ACQUIRE);
    if (pid <= 0) continue;
    SavedComm entry{pid, {}};
    StringView comm = find_comm(pid, entry.comm);
    if (comm.data() != entry.comm) continue;  // rewritten meanwhile
    TRY(out.append(entry));
  }
  return {};
}

void clear_comms() {
  __atomic_store_n(&g_comm_slots, kDefaultCommSlots, __ATOMIC_RELAXED);
  forget_comms();
  for (u64& slot : g_tgids) __atomic_store_n(&slot, 0, __ATOMIC_RELAXED);
  __atomic_store_n(&g_saving_tgids, false, __ATOMIC_RELAXED);
}

}  // namespace tg::trace
