#pragma once
// Host stand-in for the kernel's Task: the pid and the shadow stack the return hooks use.
#include "Arch/x86_64/PerCpu.h"
#include "Trace/ShadowStack.h"

struct Task {
  i32 pid;
  ShadowStack shadow_stack;
};
