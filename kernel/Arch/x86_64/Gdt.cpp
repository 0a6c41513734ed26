#include "Arch/x86_64/Gdt.h"

#include "Lib/String.h"

namespace {
struct packed_struct DescriptorPointer {
  u16 limit;
  u64 base;
};

constexpr u64 kCode64 = 0x00af9a000000ffff;  // present, ring 0, long mode, execute/read
constexpr u64 kData = 0x00cf92000000ffff;    // present, ring 0, read/write

void set_tss_descriptor(u64* slot, const Tss& tss) {
  u64 base = reinterpret_cast<u64>(&tss);
  u64 limit = sizeof(Tss) - 1;
  slot[0] =
      (limit & 0xffff) | ((base & 0xffffff) << 16) | (0x89ul << 40) | (((base >> 24) & 0xff) << 56);
  slot[1] = base >> 32;
}
}  // namespace

void gdt_install(CpuTables& tables) {
  memset(&tables.tss, 0, sizeof(tables.tss));
  tables.tss.ist[kIstDoubleFault - 1] =
      reinterpret_cast<u64>(tables.double_fault_stack + kIstStackSize);
  tables.tss.ist[kIstNmi - 1] = reinterpret_cast<u64>(tables.nmi_stack + kIstStackSize);
  tables.tss.iomap_base = sizeof(Tss);

  tables.gdt[0] = 0;
  tables.gdt[1] = kCode64;
  tables.gdt[2] = kData;
  set_tss_descriptor(&tables.gdt[3], tables.tss);

  DescriptorPointer pointer{sizeof(tables.gdt) - 1, reinterpret_cast<u64>(tables.gdt)};
  asm volatile(
      "lgdt %0\n"
      "mov %w1, %%ds\n"
      "mov %w1, %%es\n"
      "mov %w1, %%ss\n"
      "pushq %2\n"
      "leaq 1f(%%rip), %%rax\n"
      "pushq %%rax\n"
      "lretq\n"
      "1:\n"
      "ltr %w3\n"
      :
      : "m"(pointer), "r"(static_cast<u64>(kKernelDataSelector)),
        "i"(static_cast<u64>(kKernelCodeSelector)), "r"(static_cast<u64>(kTssSelector))
      : "rax", "memory");
}
