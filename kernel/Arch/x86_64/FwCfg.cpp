#include "Arch/x86_64/FwCfg.h"

#include "Arch/x86_64/Cpu.h"

namespace {
constexpr u16 kSelectorPort = 0x510;
constexpr u16 kDataPort = 0x511;
constexpr u16 kKeySignature = 0x00;
constexpr u16 kKeyCpuCount = 0x05;

void select(u16 key) {
  outw(kSelectorPort, key);
}
}  // namespace

bool fw_cfg_present() {
  select(kKeySignature);
  const char expected[] = "QEMU";
  for (int i = 0; i < 4; ++i) {
    if (inb(kDataPort) != static_cast<u8>(expected[i])) return false;
  }
  return true;
}

u32 fw_cfg_cpu_count() {
  if (!fw_cfg_present()) return 0;
  select(kKeyCpuCount);
  u32 low = inb(kDataPort);
  u32 high = inb(kDataPort);
  return low | (high << 8);
}
