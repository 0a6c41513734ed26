#pragma once

#include "Lib/Types.h"

// The stack image interrupt_common builds: general registers (pushed by the stub, r15
// last), the vector and error code, then what the CPU pushed.
struct TrapFrame {
  u64 r15, r14, r13, r12, r11, r10, r9, r8;
  u64 rbp, rdi, rsi, rdx, rcx, rbx, rax;
  u64 vector;
  u64 error_code;
  u64 rip, cs, rflags, rsp, ss;
};
static_assert(sizeof(TrapFrame) == 22 * 8);
