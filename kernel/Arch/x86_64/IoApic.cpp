#include "Arch/x86_64/IoApic.h"

#include "Arch/x86_64/Interrupts.h"
#include "Lib/SpinLock.h"
#include "Memory/Layout.h"

namespace {
constexpr u64 kIoApicPhys = 0xfec00000;
constexpr u32 kRedirectionBase = 0x10;
constexpr u64 kLevelTriggered = 1ul << 15;

SpinLock g_lock;

void write_register(u32 index, u32 value) {
  auto* base = phys_to_virt<volatile u32>(kIoApicPhys);
  base[0] = index;  // IOREGSEL
  base[4] = value;  // IOWIN at +0x10
}
}  // namespace

void ioapic_route(u32 pin, u32 apic_id) {
  // Level-triggered: the line stays asserted while the device has unacknowledged work,
  // so an event that arrives during the handler is not lost.
  u64 entry = (kVectorIrqBase + pin) | kLevelTriggered | (static_cast<u64>(apic_id) << 56);
  SpinLockGuard guard(g_lock);
  write_register(kRedirectionBase + 2 * pin + 1, static_cast<u32>(entry >> 32));
  write_register(kRedirectionBase + 2 * pin, static_cast<u32>(entry));
}
