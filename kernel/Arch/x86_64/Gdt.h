#pragma once

#include "Lib/Types.h"

constexpr u16 kKernelCodeSelector = 0x08;
constexpr u16 kKernelDataSelector = 0x10;
constexpr u16 kTssSelector = 0x18;

// Interrupt stack table slots: faults that may arrive on a broken stack get a fresh one.
constexpr u8 kIstDoubleFault = 1;
constexpr u8 kIstNmi = 2;
constexpr size_t kIstStackSize = 8192;

struct packed_struct Tss {
  u32 reserved0;
  u64 rsp[3];
  u64 reserved1;
  u64 ist[7];
  u64 reserved2;
  u16 reserved3;
  u16 iomap_base;
};
static_assert(sizeof(Tss) == 104);

// Each CPU owns its GDT (the TSS descriptor's busy bit is per CPU) and its IST stacks.
struct CpuTables {
  u64 gdt[5];
  Tss tss;
  alignas(16) u8 double_fault_stack[kIstStackSize];
  alignas(16) u8 nmi_stack[kIstStackSize];
};

void gdt_install(CpuTables& tables);
