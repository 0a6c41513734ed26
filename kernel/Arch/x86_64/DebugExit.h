#pragma once

#include "Lib/Types.h"

// QEMU's isa-debug-exit (iobase 0xf4) ends the emulator with status (value << 1) | 1, so a
// test sees the guest's verdict as QEMU's exit status without parsing anything.
enum class ExitCode : u8 {
  Success = 0,  // QEMU exits 1; scripts/guest reports 0
  Failure = 1,  // QEMU exits 3: panic, exception, failed self-check
};

noreturn_fn void qemu_exit(ExitCode code);
