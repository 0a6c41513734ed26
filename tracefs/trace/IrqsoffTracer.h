#pragma once
#include "trace/Tracer.h"

namespace tg::trace {

// irqsoff (Linux's trace_irqsoff.c): the longest stretch a CPU ran with interrupts masked,
// from the kernel's own save/restore primitives and its interrupt entry and exit. The
// functions run meanwhile on that CPU are recorded (options/function-trace); a new maximum
// swaps that CPU's buffer into the max buffer, and `trace` shows it in the latency format
// with where it started and ended and the stack at its end. (preemptoff and preemptirqsoff,
// which also follow the preemption count, are not there yet.)
extern const Tracer kIrqsoffTracer;

}  // namespace tg::trace
