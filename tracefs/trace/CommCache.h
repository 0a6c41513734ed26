#pragma once
#include "support/Result.h"
#include "support/StringView.h"
#include "support/Types.h"
#include "support/Vector.h"

namespace tg::trace {

// pid -> comm, as Linux's saved_cmdlines: the kernel saves the name of the task it switches
// to, the formatters look names up when they print. A table indexed by pid modulo its size
// (saved_cmdlines_size): a slot holds the last pid that hashed there, so an old pid may read
// back as unknown (`<...>`), never as another task's name.
inline constexpr usize kCommLength = 16;
inline constexpr usize kDefaultCommSlots = 6552;  // what Linux shows by default
inline constexpr usize kMaxCommSlots = 32768;     // Linux's PID_MAX_DEFAULT, its upper bound

void save_comm(i32 pid, StringView comm);
// saved_cmdlines_size: how many slots are in use. Setting it (1 .. kMaxCommSlots, else
// EINVAL) forgets every name, as Linux starts a new buffer.
usize saved_comms_size();
Status set_saved_comms_size(u64 slots);
// saved_cmdlines: every known pid with its comm, in slot order.
struct SavedComm {
  i32 pid;
  char comm[kCommLength];
};
Status saved_comms(Vector<SavedComm>& out);
// Copies the comm of `pid` into `out` (NUL-terminated) and returns its view, or "<...>" when
// unknown; pid 0 is "<idle>" as in Linux.
StringView find_comm(i32 pid, char (&out)[kCommLength]);
// pid -> tgid, as Linux's tgid_map: the kernel tells the tgid of the tasks it switches to (in
// tracegate every task is its own process). Like Linux, nothing is kept until record-tgid
// has been set once (start_saving_tgids); the same hashed table keeps the last pid per slot.
void start_saving_tgids();
void save_tgid(i32 pid, i32 tgid);
// The tgid of `pid`, or 0 when unknown (pid 0 is never saved, as in Linux).
i32 find_tgid(i32 pid);
// saved_tgids: every known pid with its tgid, by ascending pid.
struct SavedTgid {
  i32 pid;
  i32 tgid;
};
Status saved_tgids(Vector<SavedTgid>& out);

// Forgets every name and tgid, stops saving tgids and restores the default size (tests).
void clear_comms();

}  // namespace tg::trace
