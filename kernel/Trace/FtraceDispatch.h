#pragma once

#include "Lib/Types.h"

// Called from ftrace_caller (ftrace_entry.S) for every live call site without a probe:
// dispatches to the stack tracer, the function profiler, the graph tracer of the top instance
// and every instance running the function tracer.
// `parent_slot` holds the traced function's return address; the graph tracers replace it
// with return_to_handler. `frame` is the traced function's caller's frame (its saved %rbp).
extern "C" void ftrace_dispatch(u64 ip, u64* parent_slot, u64 frame);
// Called from ftrace_regs_caller for the sites that carry a probe: fires the probes, then
// does what ftrace_dispatch does. `registers` is the block the trampoline saved (tracefs
// ProbeHit order), what kprobes fetch their arguments from.
extern "C" void ftrace_regs_dispatch(u64 ip, u64* parent_slot, const u64* registers);
// Called from return_to_handler and return_to_regs_handler: records the return and gives back
// the real return address. `registers` is return_to_regs_handler's block (null from
// return_to_handler, which saves only the return value): the frames of return probes, which
// read it, return through return_to_regs_handler. `tsc` is the TSC the hook read first: the
// return's time.
extern "C" u64 ftrace_graph_return(u64 retval, const u64* registers, u64 tsc);
extern "C" void return_to_handler();
extern "C" void return_to_regs_handler();
// Whether `address` is one of the two return hooks or a site stub's return point (a hooked
// return slot holds it).
bool ftrace_is_return_hook(u64 address);

// The real return address behind `address` read from the current function's own return slot
// (__builtin_return_address(0)): a hooked slot holds a return hook, and the function's frames
// are on top of the task's shadow stack (Linux's ftrace_graph_ret_addr does the same for its
// unwinder; its kmem events print return_to_handler as the call site instead).
u64 ftrace_graph_ret_addr(u64 address);

void ftrace_dispatch_init();

struct ShadowFrame;
// Whether the function profiler pushed `frame` (its calltime is on the local trace clock).
bool ftrace_is_profiler_frame(const ShadowFrame& frame);
// A frame of the instances' function_graph tracers (its calltime is a TSC).
bool ftrace_is_instance_graph_frame(const ShadowFrame& frame);

struct FtraceStats {
  u64 shadow_overflows;  // calls left unhooked because a shadow stack was full
  u64 recursion_misses;  // entries dropped because the tracer was already busy on that CPU
};
FtraceStats ftrace_stats();
