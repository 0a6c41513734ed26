#pragma once

#include "Lib/Types.h"

// The trace clock: the TSC, calibrated once against the PIT at boot and scaled to
// nanoseconds since that calibration. Monotonic and comparable across CPUs (QEMU gives
// every vCPU the same TSC; real hardware needs an invariant TSC, checked at boot).
void clock_init();

// 0 until clock_init has run.
u64 clock_ns();
u64 clock_cycles_to_ns(u64 cycles);
u64 clock_tsc_khz();

// Busy-waits; for boot code that runs before timers and the scheduler exist.
void clock_delay_us(u64 microseconds);
