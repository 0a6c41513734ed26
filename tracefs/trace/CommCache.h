#pragma once
#include "support/Result.h"
#include "support/StringView.h"
#include "support/Types.h"
#include "support/Vector.h"

namespace tg::trace {

// pid -> comm, as Linux's saved_cmdlines: the kernel saves the name of the task it switches
// to, the formatters look names up when they print. A fixed table indexed by pid: a slot
// holds the last pid that hashed there, so an old pid may read back as unknown (`<...>`),
// never as another task's name.
inline constexpr usize kCommLength = 16;
inline constexpr usize kCommSlots = 1024;

void save_comm(i32 pid, StringView comm);
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

// Forgets every name and tgid, and stops saving tgids (tests).
void clear_comms();

}  // namespace tg::trace
