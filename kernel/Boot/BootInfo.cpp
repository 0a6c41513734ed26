#include "Boot/BootInfo.h"

#include "Boot/CommandLine.h"
#include "Console/Log.h"

namespace {
constexpr u32 kPvhMagic = 0x336ec578;
constexpr u32 kMemoryTypeRam = 1;

struct HvmStartInfo {
  u32 magic;
  u32 version;
  u32 flags;
  u32 nr_modules;
  u64 modlist_paddr;
  u64 cmdline_paddr;
  u64 rsdp_paddr;
  u64 memmap_paddr;
  u32 memmap_entries;
  u32 reserved;
};

struct HvmMemmapEntry {
  u64 addr;
  u64 size;
  u32 type;
  u32 reserved;
};

BootInfo g_boot_info;

void add_ram(u64 base, u64 size) {
  if (g_boot_info.ram_count == kMaxMemoryRanges) return;
  g_boot_info.ram[g_boot_info.ram_count++] = MemoryRange{base, size};
  g_boot_info.ram_total += size;
}
}  // namespace

void bootinfo_parse(u64 start_info_phys) {
  const auto* info = reinterpret_cast<const HvmStartInfo*>(start_info_phys);
  if (info->magic != kPvhMagic) panic("PVH start info has bad magic %x", info->magic);
  if (info->cmdline_paddr) cmdline_init(reinterpret_cast<const char*>(info->cmdline_paddr));
  if (info->version < 1 || !info->memmap_paddr) panic("PVH start info carries no memory map");

  const auto* map = reinterpret_cast<const HvmMemmapEntry*>(info->memmap_paddr);
  for (u32 i = 0; i < info->memmap_entries; ++i) {
    if (map[i].type == kMemoryTypeRam) add_ram(map[i].addr, map[i].size);
  }
}

const BootInfo& boot_info() {
  return g_boot_info;
}
