#pragma once

#include "Lib/Types.h"

// QEMU's firmware configuration device (I/O ports 0x510/0x511). On microvm without ACPI or
// an MP table it is the one place that states how many CPUs the machine has.
bool fw_cfg_present();
// The CPU count QEMU was started with; 0 when fw_cfg is absent.
u32 fw_cfg_cpu_count();
