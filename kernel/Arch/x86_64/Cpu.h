#pragma once

#include "Lib/Types.h"

// Thin wrappers over single instructions. always_inline + notrace: the tracer runs through
// several of these (interrupt masking, the TSC), and an out-of-line copy would get an
// fentry site of its own.

always_inline_notrace void outb(u16 port, u8 value) {
  asm volatile("outb %0, %1" : : "a"(value), "Nd"(port));
}
always_inline_notrace void outw(u16 port, u16 value) {
  asm volatile("outw %0, %1" : : "a"(value), "Nd"(port));
}
always_inline_notrace void outl(u16 port, u32 value) {
  asm volatile("outl %0, %1" : : "a"(value), "Nd"(port));
}
always_inline_notrace u8 inb(u16 port) {
  u8 value;
  asm volatile("inb %1, %0" : "=a"(value) : "Nd"(port));
  return value;
}

always_inline_notrace u64 rdmsr(u32 msr) {
  u32 low, high;
  asm volatile("rdmsr" : "=a"(low), "=d"(high) : "c"(msr));
  return (static_cast<u64>(high) << 32) | low;
}
always_inline_notrace void wrmsr(u32 msr, u64 value) {
  asm volatile("wrmsr"
               :
               : "c"(msr), "a"(static_cast<u32>(value)), "d"(static_cast<u32>(value >> 32)));
}

always_inline_notrace u64 rdtsc() {
  u32 low, high;
  asm volatile("rdtsc" : "=a"(low), "=d"(high));
  return (static_cast<u64>(high) << 32) | low;
}

struct CpuidResult {
  u32 eax, ebx, ecx, edx;
};
always_inline_notrace CpuidResult cpuid(u32 leaf, u32 subleaf = 0) {
  CpuidResult r;
  asm volatile("cpuid"
               : "=a"(r.eax), "=b"(r.ebx), "=c"(r.ecx), "=d"(r.edx)
               : "a"(leaf), "c"(subleaf));
  return r;
}

always_inline_notrace u64 read_cr2() {
  u64 value;
  asm volatile("mov %%cr2, %0" : "=r"(value));
  return value;
}
always_inline_notrace u64 read_cr3() {
  u64 value;
  asm volatile("mov %%cr3, %0" : "=r"(value));
  return value;
}
always_inline_notrace void write_cr3(u64 value) {
  asm volatile("mov %0, %%cr3" : : "r"(value) : "memory");
}

always_inline_notrace void cpu_relax() {
  asm volatile("pause" ::: "memory");
}
always_inline_notrace void compiler_barrier() {
  asm volatile("" ::: "memory");
}

// The interrupt flag, raw: what the tracer's own code uses (and the code that reports).
always_inline_notrace void raw_local_irq_disable() {
  asm volatile("cli" ::: "memory");
}
always_inline_notrace void raw_local_irq_enable() {
  asm volatile("sti" ::: "memory");
}

always_inline_notrace u64 local_save_flags() {
  u64 flags;
  asm volatile("pushfq; popq %0" : "=r"(flags) : : "memory");
  return flags;
}
constexpr u64 kFlagsIf = 1ul << 9;
always_inline_notrace bool irqs_disabled() {
  return !(local_save_flags() & kFlagsIf);
}
always_inline_notrace u64 raw_local_irq_save() {
  u64 flags = local_save_flags();
  raw_local_irq_disable();
  return flags;
}
always_inline_notrace void raw_local_irq_restore(u64 flags) {
  if (flags & kFlagsIf) raw_local_irq_enable();
}

// While a latency tracer (irqsoff, preemptirqsoff) runs, the kernel's own save/restore
// primitives report each change of the flag, as Linux's trace_hardirqs_off/on: off once
// interrupts are masked, on before they are unmasked (kernel/Trace/KernelEvents.cpp).
extern bool g_trace_irqflags;
extern "C" void trace_hardirqs_off();
extern "C" void trace_hardirqs_on();

always_inline_notrace void local_irq_disable() {
  if (__builtin_expect(g_trace_irqflags, false)) {
    bool was_enabled = !irqs_disabled();
    raw_local_irq_disable();
    if (was_enabled) trace_hardirqs_off();
    return;
  }
  raw_local_irq_disable();
}
always_inline_notrace void local_irq_enable() {
  if (__builtin_expect(g_trace_irqflags, false) && irqs_disabled()) trace_hardirqs_on();
  raw_local_irq_enable();
}

// Linux's names: save-and-disable, then restore exactly what was there.
always_inline_notrace u64 local_irq_save() {
  u64 flags = raw_local_irq_save();
  if (__builtin_expect(g_trace_irqflags, false) && (flags & kFlagsIf)) trace_hardirqs_off();
  return flags;
}
always_inline_notrace void local_irq_restore(u64 flags) {
  if (flags & kFlagsIf) local_irq_enable();
}

// Halt until the next interrupt; sti's one-instruction shadow makes "sti; hlt" race-free.
// The masked stretch before it ends here (Linux leaves the idle wait out of irqsoff).
always_inline_notrace void safe_halt() {
  if (__builtin_expect(g_trace_irqflags, false)) trace_hardirqs_on();
  asm volatile("sti; hlt" ::: "memory");
}

constexpr u32 MSR_EFER = 0xc0000080;
constexpr u32 MSR_GS_BASE = 0xc0000101;
constexpr u32 MSR_APIC_BASE = 0x1b;
