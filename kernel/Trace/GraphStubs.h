#pragma once

#include "Lib/Types.h"

// Per-site stubs for the calls whose returns a tracer hooks (ftrace_entry.S lays one out):
// the site jumps to its stub, which calls the function, so that neither the function's
// return nor the stub's is mispredicted as a return swapped for return_to_handler is.
// There is room for kGraphStubs; sites beyond keep calling ftrace_caller.
constexpr u32 kGraphStubs = 1024;
constexpr u32 kGraphStubSize = 32;

// Writes stub `index` for the function at `function` (its fentry site) and gives its address,
// or 0 when `index` is beyond the room. Done once a site, before any site jumps to it: a stub
// never changes afterwards, so a task still inside one always returns through it.
u64 graph_stub_write(u32 index, u64 function);

// Whether `address` is where a stub's function returns (it holds the stack slot of a hooked
// return while the function runs, as return_to_handler does).
bool graph_stub_is_return(u64 address);

// A stub's call of ftrace_stub_caller leaves its own return address in the trampoline's frame:
// the address a plain call of ftrace_caller would have left (function + 5), or `address`
// unchanged when it is not one.
u64 graph_stub_site_return(u64 address);
