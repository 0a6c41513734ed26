#pragma once

#include "Lib/Types.h"

// Brings tracing up on the boot CPU, right after the heap: the tracefs core with the
// kernel's platform, the file tree, the call-site patcher, the tracepoints, then the boot
// parameters (ftrace=, ftrace_filter=, trace_event=, trace_buf_size= ...) applied through
// the files. Before SMP, so `ftrace=` traces the rest of the boot.
void tracing_init();
bool tracing_ready();
