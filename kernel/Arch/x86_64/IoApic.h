#pragma once

#include "Lib/Types.h"

// The I/O APIC at its fixed microvm address. Device lines (virtio-mmio) are routed to CPU 0
// as level-triggered, active-high interrupts on vector kVectorIrqBase + pin.
void ioapic_route(u32 pin, u32 apic_id);
