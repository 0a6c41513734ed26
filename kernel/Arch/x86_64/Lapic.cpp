#include "Arch/x86_64/Lapic.h"

#include "Arch/x86_64/Cpu.h"
#include "Arch/x86_64/Interrupts.h"
#include "Console/Log.h"
#include "Memory/Layout.h"
#include "Time/Clock.h"

namespace {
constexpr u64 kLapicPhys = 0xfee00000;
constexpr u32 kRegId = 0x20;
constexpr u32 kRegTaskPriority = 0x80;
constexpr u32 kRegEoi = 0xb0;
constexpr u32 kRegSpurious = 0xf0;
constexpr u32 kRegIcrLow = 0x300;
constexpr u32 kRegIcrHigh = 0x310;
constexpr u32 kRegLvtTimer = 0x320;
constexpr u32 kRegTimerInitial = 0x380;
constexpr u32 kRegTimerCurrent = 0x390;
constexpr u32 kRegTimerDivide = 0x3e0;

constexpr u32 kIcrDeliveryPending = 1u << 12;
constexpr u32 kIcrAssert = 1u << 14;
constexpr u32 kIcrLevelTrigger = 1u << 15;
constexpr u32 kIcrInit = 5u << 8;
constexpr u32 kIcrStartup = 6u << 8;
constexpr u32 kTimerPeriodic = 1u << 17;
constexpr u32 kTimerMasked = 1u << 16;
constexpr u32 kDivideBy16 = 0x3;

// Timer counts per tick, measured once on the boot CPU; all CPUs share one bus clock.
u32 g_ticks_per_period;

always_inline_notrace volatile u32& reg(u32 offset) {
  return *phys_to_virt<volatile u32>(kLapicPhys + offset);
}

u32 calibrate_timer() {
  reg(kRegTimerDivide) = kDivideBy16;
  reg(kRegLvtTimer) = kTimerMasked | kVectorTimer;
  reg(kRegTimerInitial) = 0xffffffff;
  clock_delay_us(10000);
  u32 elapsed = 0xffffffff - reg(kRegTimerCurrent);
  reg(kRegTimerInitial) = 0;
  return elapsed / 10 * 1000 / kTickHz;
}

// The ICR is two registers; an interrupt between the writes could send its own IPI and
// retarget ours, hence the masking.
notrace void send_icr(u32 apic_id, u32 command) {
  u64 flags = local_irq_save();
  reg(kRegIcrHigh) = apic_id << 24;
  reg(kRegIcrLow) = command;
  while (reg(kRegIcrLow) & kIcrDeliveryPending) cpu_relax();
  local_irq_restore(flags);
}
}  // namespace

void lapic_init() {
  u64 base = rdmsr(MSR_APIC_BASE);
  wrmsr(MSR_APIC_BASE, base | (1ul << 11));  // global enable, xAPIC mode
  reg(kRegSpurious) = 0x100 | kVectorSpurious;
  reg(kRegTaskPriority) = 0;
  if (!g_ticks_per_period) {
    g_ticks_per_period = calibrate_timer();
    klog("lapic: timer %u counts per %u Hz tick", g_ticks_per_period, kTickHz);
  }
  reg(kRegTimerDivide) = kDivideBy16;
  reg(kRegLvtTimer) = kTimerPeriodic | kVectorTimer;
  reg(kRegTimerInitial) = g_ticks_per_period;
}

notrace u32 lapic_id() {
  return reg(kRegId) >> 24;
}

notrace void lapic_eoi() {
  reg(kRegEoi) = 0;
}

notrace void lapic_send_ipi(u32 apic_id, u8 vector) {
  send_icr(apic_id, kIcrAssert | vector);
}

void lapic_send_init(u32 apic_id) {
  send_icr(apic_id, kIcrInit | kIcrAssert | kIcrLevelTrigger);
}

void lapic_send_startup(u32 apic_id, u8 page) {
  send_icr(apic_id, kIcrStartup | page);
}
