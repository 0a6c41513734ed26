#pragma once

#include "Arch/x86_64/Cpu.h"
#include "Lib/Types.h"

// The trace clock: the TSC, calibrated once against the PIT at boot and scaled to
// nanoseconds since that calibration. Monotonic and comparable across CPUs (QEMU gives
// every vCPU the same TSC; real hardware needs an invariant TSC, checked at boot).
void clock_init();

namespace clock_detail {
extern u64 g_tsc_base;
// ns = (cycles * g_mult) >> 32; a 128-bit product keeps full precision with no overflow.
extern u64 g_mult;
}  // namespace clock_detail

// Inline: every trace record reads the clock.
always_inline_notrace u64 clock_cycles_to_ns(u64 cycles) {
  return static_cast<u64>((static_cast<unsigned __int128>(cycles) * clock_detail::g_mult) >> 32);
}
// The clock at a TSC value read earlier (the fentry path reads it first thing). 0 until
// clock_init has run, as clock_ns(): g_mult is 0 until then.
always_inline_notrace u64 clock_tsc_to_ns(u64 tsc) {
  return clock_cycles_to_ns(tsc - clock_detail::g_tsc_base);
}
// 0 until clock_init has run (g_mult is 0 until then).
always_inline_notrace u64 clock_ns() {
  return clock_cycles_to_ns(rdtsc() - clock_detail::g_tsc_base);
}
u64 clock_tsc_khz();

// Busy-waits; for boot code that runs before timers and the scheduler exist.
void clock_delay_us(u64 microseconds);
