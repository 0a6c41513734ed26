#pragma once

#include "Lib/Types.h"

// Fills in tracefs's Platform seam for the kernel: allocator (the kernel heap), CPU count,
// text base, symbol table, clocks, and the hooks (functions_changed re-patches the call
// sites, synchronize_writers is an RCU grace period (Tasks/Rcu.h), wake_readers calls whatever the
// file server registered).
void kernel_platform_install(u32 cpu_count);

// The 9P server (or anyone serving tracefs files) registers what a wake_readers should do:
// retry parked trace_pipe reads. Called from any context, including interrupt handlers
// (a trace_marker write, a workload finishing); it must not sleep. nullptr removes it.
void trace_set_reader_waker(void (*waker)());

// From here on, tracefs allocates from a static reserve instead of the kernel heap: what
// ftrace_dump_on_oops switches to before it formats, so that a fault taken with a heap or
// page-allocator lock held cannot hang the dump. Blocks the heap gave out earlier and
// freed afterwards are left alone (the kernel is going down).
void tracer_use_emergency_allocator();
