#include "Time/Clock.h"

#include "Arch/x86_64/Cpu.h"
#include "Console/Log.h"

namespace clock_detail {
u64 g_tsc_base;
u64 g_mult;
}  // namespace clock_detail

using clock_detail::g_mult;
using clock_detail::g_tsc_base;

namespace {
constexpr u16 kPitChannel0 = 0x40;
constexpr u16 kPitCommand = 0x43;
constexpr u64 kPitHz = 1193182;
constexpr u64 kCalibrationMs = 10;

u64 g_tsc_khz;

u16 pit_read_count() {
  outb(kPitCommand, 0x00);  // latch channel 0
  u8 low = inb(kPitChannel0);
  u8 high = inb(kPitChannel0);
  return static_cast<u16>(low | (high << 8));
}

// Counts TSC cycles across kCalibrationMs of PIT time. The PIT is polled, never enabled as
// an interrupt source. Returns 0 if the PIT does not count (no PIT on this machine).
u64 measure_tsc_khz_with_pit() {
  outb(kPitCommand, 0x30);  // channel 0, lobyte/hibyte, mode 0
  outb(kPitChannel0, 0xff);
  outb(kPitChannel0, 0xff);
  constexpr u64 target_ticks = kPitHz * kCalibrationMs / 1000;
  u16 start = pit_read_count();
  u64 tsc_start = rdtsc();
  u64 give_up = tsc_start + 20000000000ul;
  for (;;) {
    u16 now = pit_read_count();
    u64 tsc_now = rdtsc();
    u64 elapsed = static_cast<u16>(start - now);
    if (elapsed >= target_ticks) {
      return (tsc_now - tsc_start) * kPitHz / (elapsed * 1000);
    }
    if (tsc_now > give_up) return 0;
  }
}

// CPUID 0x15/0x16 name the TSC frequency on recent Intel parts and some hypervisors.
u64 tsc_khz_from_cpuid() {
  if (cpuid(0).eax < 0x16) return 0;
  CpuidResult leaf15 = cpuid(0x15);
  if (leaf15.eax && leaf15.ebx && leaf15.ecx) {
    return static_cast<u64>(leaf15.ecx) * leaf15.ebx / leaf15.eax / 1000;
  }
  return static_cast<u64>(cpuid(0x16).eax & 0xffff) * 1000;
}
}  // namespace

void clock_init() {
  u64 khz = measure_tsc_khz_with_pit();
  const char* source = "PIT";
  if (!khz) {
    khz = tsc_khz_from_cpuid();
    source = "CPUID";
  }
  if (!khz) panic("clock: cannot calibrate the TSC (no PIT, no CPUID frequency)");
  bool invariant = cpuid(0x80000000).eax >= 0x80000007 && (cpuid(0x80000007).edx & (1u << 8));
  g_mult = (1000000ul << 32) / khz;
  g_tsc_khz = khz;
  g_tsc_base = rdtsc();
  klog("clock: TSC %lu.%03lu MHz (calibrated by %s%s)", khz / 1000, khz % 1000, source,
       invariant ? ", invariant" : "");
}

u64 clock_tsc_khz() {
  return g_tsc_khz;
}

void clock_delay_us(u64 microseconds) {
  u64 end = clock_ns() + microseconds * 1000;
  while (clock_ns() < end) cpu_relax();
}
