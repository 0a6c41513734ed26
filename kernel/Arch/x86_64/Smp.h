#pragma once

#include "Lib/Types.h"

// Starts every application processor with INIT-SIPI-SIPI through a real-mode trampoline
// below 1 MiB, waits for each to come online, then drops the boot identity map.
// Returns the number of CPUs online.
u32 smp_boot();
