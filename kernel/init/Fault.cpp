#include "init/Fault.h"

#include "Console/Log.h"
#include "Lib/String.h"
#include "Memory/PageAllocator.h"

namespace {
// Below the kernel image and outside every mapping once boot drops the identity map.
constexpr unsigned long kUnmappedAddress = 0x1000;

__attribute__((noinline)) void fault_pagefault() {
  *reinterpret_cast<volatile unsigned long*>(kUnmappedAddress) = 0xdead;
}
__attribute__((noinline)) void fault_gpf() {
  *reinterpret_cast<volatile unsigned long*>(0x8000000000000000ul) = 0xdead;
}
__attribute__((noinline)) void fault_invalid_opcode() {
  asm volatile("ud2");
}
// In assembly: the compiler may legally rewrite 1/x without a division.
__attribute__((noinline)) void fault_divide() {
  asm volatile("xorl %%ecx, %%ecx; movl $1, %%eax; xorl %%edx, %%edx; divl %%ecx" ::
                   : "eax", "ecx", "edx");
}
// A page freed twice: free_pages panics with the page allocator's lock held, a state in
// which an ftrace dump (which formats, so allocates) must still complete.
__attribute__((noinline)) void fault_double_free_page() {
  void* page = alloc_pages(1);
  free_pages(page, 1);
  free_pages(page, 1);
}
__attribute__((noinline)) void fault_panic() {
  panic("deliberate panic (fault=panic)");
}

struct FaultKind {
  const char* name;
  void (*provoke)();
};
constexpr FaultKind kKinds[] = {
    {"pagefault", fault_pagefault},
    {"gpf", fault_gpf},
    {"invalid-opcode", fault_invalid_opcode},
    {"divide", fault_divide},
    {"panic", fault_panic},
    {"double-free-page", fault_double_free_page},
};
}  // namespace

void fault_inject(const char* kind) {
  for (const auto& entry : kKinds) {
    if (strcmp(entry.name, kind) != 0) continue;
    klog("fault: provoking %s", kind);
    entry.provoke();
    return;
  }
  klog("fault: unknown kind '%s'", kind);
}
