#pragma once

#include "Lib/Types.h"

// What the PVH boot protocol hands over: the RAM map and the command line.
struct MemoryRange {
  u64 base;
  u64 size;
};

constexpr size_t kMaxMemoryRanges = 32;

struct BootInfo {
  MemoryRange ram[kMaxMemoryRanges];
  size_t ram_count;
  u64 ram_total;
};

// Parses the hvm_start_info block at `start_info_phys` (identity-mapped during boot) and
// copies what the kernel keeps. Panics on a wrong magic: nothing else could have booted us.
void bootinfo_parse(u64 start_info_phys);
const BootInfo& boot_info();
