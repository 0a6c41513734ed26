#pragma once
#include "support/StringView.h"
#include "support/Types.h"

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
// Forgets every name (tests).
void clear_comms();

}  // namespace tg::trace
