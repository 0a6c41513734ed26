#pragma once
// Host stand-in for the kernel's Task: the pid, the stack the stack tracer measures and the
// shadow stack the return hooks use.
#include "Arch/x86_64/PerCpu.h"
#include "Trace/ShadowStack.h"

constexpr size_t kTaskStackPages = 4;

struct Task {
  i32 pid;
  u8* stack;
  ShadowStack shadow_stack;
};
