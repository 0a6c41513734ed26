#include "Arch/x86_64/DebugExit.h"

#include "Arch/x86_64/Cpu.h"

constexpr u16 kDebugExitPort = 0xf4;

notrace void qemu_exit(ExitCode code) {
  outl(kDebugExitPort, static_cast<u32>(code));
  // Without the device (a launcher that forgot it) the best left is to stop this CPU.
  for (;;) asm volatile("cli; hlt");
}
