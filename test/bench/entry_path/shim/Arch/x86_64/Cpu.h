#pragma once
// Host stand-in for the kernel's flag helpers: pushf as in the kernel, without the cli and
// sti a user process may not execute; rdtsc as the kernel's.
#include "Lib/Types.h"

always_inline_notrace u64 local_save_flags() {
  u64 flags;
  asm volatile("pushfq; popq %0" : "=r"(flags) : : "memory");
  return flags;
}
always_inline_notrace u64 local_irq_save() {
  return local_save_flags();
}
always_inline_notrace u64 rdtsc() {
  u32 low, high;
  asm volatile("rdtsc" : "=a"(low), "=d"(high));
  return (static_cast<u64>(high) << 32) | low;
}
always_inline_notrace void local_irq_restore(u64) {
  asm volatile("" : : : "memory");
}
// The tracer's own save/restore (the kernel's raw_ versions report nothing to irqsoff).
always_inline_notrace u64 raw_local_irq_save() {
  return local_save_flags();
}
always_inline_notrace void raw_local_irq_restore(u64) {
  asm volatile("" : : : "memory");
}
