#pragma once

#include "Lib/Types.h"

// Called from ftrace_caller (ftrace_entry.S) for every live call site: dispatches to the
// probes, the stack tracer, the function profiler, the graph tracer of the top instance and
// every instance running the function tracer.
// `parent_slot` holds the traced function's return address; the graph tracers replace it
// with return_to_handler. `registers` is the block the trampoline saved (tracefs ProbeHit
// order), what kprobes fetch their arguments from.
extern "C" void ftrace_dispatch(u64 ip, u64* parent_slot, const u64* registers);
// Called from return_to_handler: records the return and gives back the real return address.
extern "C" u64 ftrace_graph_return(u64 retval, const u64* registers);
extern "C" void return_to_handler();

void ftrace_dispatch_init();

struct ShadowFrame;
// Whether the function profiler pushed `frame` (its calltime is on the local trace clock).
bool ftrace_is_profiler_frame(const ShadowFrame& frame);

struct FtraceStats {
  u64 shadow_overflows;  // calls left unhooked because a shadow stack was full
  u64 recursion_misses;  // entries dropped because the tracer was already busy on that CPU
};
FtraceStats ftrace_stats();
