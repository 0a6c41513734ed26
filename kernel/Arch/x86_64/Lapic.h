#pragma once

#include "Lib/Types.h"

// The local APIC in xAPIC (MMIO) mode: timer, EOI and inter-processor interrupts.
void lapic_init();  // per CPU: enable, periodic timer at kTickHz
u32 lapic_id();
void lapic_eoi();
void lapic_send_ipi(u32 apic_id, u8 vector);
void lapic_send_init(u32 apic_id);
void lapic_send_startup(u32 apic_id, u8 page);

constexpr u32 kTickHz = 1000;
