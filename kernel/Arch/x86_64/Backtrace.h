#pragma once

#include "Lib/Types.h"

// The fatal paths' evidence, printed with klog_emergency (no lock, no allocation).

// "RIP: 0008:ffffffff80113d96 fault_pagefault+0x6/0x17": where a fault happened, raw and in
// Linux's symbol+offset/size form.
void dump_instruction_pointer(u64 cs, u64 rip);

// "Call trace:", then innermost first one line per return address, raw and symbolized:
// "  [<ffffffff80111aaf>] task_bootstrap+0x1f/0x24". The saved frame pointers starting at
// `rbp` are the reliable frames. With `rsp` (the stack pointer at a fault), the words
// between it and the first frame are scanned too, and a kernel text address among them
// prints with Linux's "? " (the caller of code that had not set up its frame yet, or a
// stale value: the unwinder cannot tell which).
void dump_backtrace(u64 rbp, u64 rsp = 0);
