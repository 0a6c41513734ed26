#pragma once
#include "trace/Tracer.h"

namespace tg::trace {

// irqsoff, preemptoff and preemptirqsoff (Linux's trace_irqsoff.c): the longest stretch a CPU
// ran with interrupts masked, with preemption disabled, or with either, from the kernel's own
// interrupt-flag and preemption-count primitives. The functions run meanwhile on that CPU are
// recorded (options/function-trace); a new maximum swaps that CPU's buffer into the max
// buffer, and `trace` shows it in the latency format with where it started and ended and the
// stack at its end. One instance at a time runs any of the three (EBUSY in a second).
extern const Tracer kIrqsoffTracer;
extern const Tracer kPreemptoffTracer;
extern const Tracer kPreemptirqsoffTracer;

}  // namespace tg::trace
