#pragma once
#include "ring/Record.h"
#include "support/Types.h"

namespace tg::trace {

// Who is recording, as the caller (the kernel's trampoline or tracepoint) knows it: the CPU it
// runs on, the current pid, Linux's TRACE_FLAG_* bits and the preempt / migrate-disable depths
// (ring::TraceFlag). The recorders take it by reference and never look anything up.
struct RecordContext {
  u32 cpu;
  i32 pid;
  u8 flags;
  u8 preempt;
};

}  // namespace tg::trace
