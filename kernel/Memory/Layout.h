#pragma once

#include "Lib/Types.h"

// Virtual memory layout (see docs/kernel.md):
//   0xffff800000000000 + p   direct map of physical memory, first 4 GiB (RAM and MMIO)
//   0xffffffff80000000 + p   the kernel image, loaded at physical 1 MiB
// The identity map that boot needs is removed once every CPU runs in the higher half.
constexpr u64 kDirectMapBase = 0xffff800000000000;
constexpr u64 kDirectMapSize = 4ul << 30;
constexpr u64 kKernelBase = 0xffffffff80000000;
constexpr size_t kPageSize = 4096;

template <typename T = void>
always_inline_notrace T* phys_to_virt(u64 phys) {
  return reinterpret_cast<T*>(phys + kDirectMapBase);
}

always_inline_notrace u64 virt_to_phys(const void* virt) {
  u64 address = reinterpret_cast<u64>(virt);
  return address >= kKernelBase ? address - kKernelBase : address - kDirectMapBase;
}

extern "C" char _kernel_start_phys[], _kernel_end_phys[], _kernel_end[];
