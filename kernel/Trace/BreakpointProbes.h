#pragma once

#include "Lib/Types.h"
#include "support/Errno.h"

namespace tg::trace {
class Tracing;
}

// kprobes inside a function (`p SYM+offs`): an int3 over the probed instruction. The #BP
// handler fires the probes with the trap frame's registers, then runs the displaced
// instruction out of line: copied into this CPU's slot, single-stepped with TF and
// interrupts off, after which the #DB handler resumes at the instruction that follows.
// Breakpoints are written and restored by the code patcher, inside stop_machine.

// Installs the #BP and #DB handlers.
void breakpoint_probes_init();

// The platform's check_probe_point: walks the function from its entry with the instruction
// decoder (reading the bytes breakpoints replaced, not the int3s).
tg::Errno breakpoint_check_point(u64 function, u32 size, u64 address);

// From patcher_update, before stop_machine: the breakpoints the published probes want.
void breakpoints_plan(tg::trace::Tracing& tracing);
// Inside stop_machine: writes and restores the int3 bytes. Returns how many changed.
u32 breakpoints_rewrite();
