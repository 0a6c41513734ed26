#pragma once

#include "Lib/Types.h"

// Starts every application processor with INIT-SIPI-SIPI through a real-mode trampoline
// below 1 MiB, waits for each to come online, then drops the boot identity map.
// Returns the number of CPUs online.
u32 smp_boot();

// How many CPUs QEMU was started with (fw_cfg, else `smp=` on the command line, else 1),
// at most kMaxCpus: what smp_boot brings up, and what tracing sizes its per-CPU buffers
// for before any AP runs.
u32 smp_cpus_expected();
