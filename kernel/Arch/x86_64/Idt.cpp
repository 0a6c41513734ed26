#include "Arch/x86_64/Gdt.h"
#include "Arch/x86_64/Interrupts.h"

extern "C" const u64 interrupt_stub_table[256];

namespace {
struct packed_struct IdtGate {
  u16 offset_low;
  u16 selector;
  u8 ist;
  u8 type_attributes;
  u16 offset_middle;
  u32 offset_high;
  u32 reserved;
};
static_assert(sizeof(IdtGate) == 16);

struct packed_struct DescriptorPointer {
  u16 limit;
  u64 base;
};

constexpr u8 kInterruptGate = 0x8e;  // present, ring 0, interrupts masked on entry

alignas(16) IdtGate g_idt[256];

void set_gate(u8 vector, u64 handler, u8 ist) {
  g_idt[vector] = IdtGate{static_cast<u16>(handler),
                          kKernelCodeSelector,
                          ist,
                          kInterruptGate,
                          static_cast<u16>(handler >> 16),
                          static_cast<u32>(handler >> 32),
                          0};
}
}  // namespace

void idt_init() {
  for (unsigned vector = 0; vector < 256; ++vector) {
    set_gate(static_cast<u8>(vector), interrupt_stub_table[vector], 0);
  }
  set_gate(2, interrupt_stub_table[2], kIstNmi);
  set_gate(8, interrupt_stub_table[8], kIstDoubleFault);
}

void idt_load() {
  DescriptorPointer pointer{sizeof(g_idt) - 1, reinterpret_cast<u64>(g_idt)};
  asm volatile("lidt %0" : : "m"(pointer));
}
