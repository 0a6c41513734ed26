#pragma once

#include "Arch/x86_64/Cpu.h"
#include "Arch/x86_64/Gdt.h"
#include "Lib/Types.h"

struct Task;
struct RunQueue;

constexpr u32 kMaxCpus = 8;

// One per CPU, reached through GS. The first fields sit at fixed offsets because the
// accessors below read them with a single gs-relative load: no lock, no preemption window.
struct PerCpu {
  PerCpu* self;       // 0
  u32 cpu_id;         // 8
  u32 apic_id;        // 12
  Task* current;      // 16
  u32 preempt_count;  // 24
  u32 irq_depth;      // 28
  u32 need_resched;   // 32
  u32 online;         // 36
  Task* idle_task;
  RunQueue* run_queue;
  u64 ticks;
  u64 irq_count;
  CpuTables tables;
};

static_assert(__builtin_offsetof(PerCpu, cpu_id) == 8);
static_assert(__builtin_offsetof(PerCpu, current) == 16);
static_assert(__builtin_offsetof(PerCpu, preempt_count) == 24);
static_assert(__builtin_offsetof(PerCpu, irq_depth) == 28);
static_assert(__builtin_offsetof(PerCpu, need_resched) == 32);

extern PerCpu g_per_cpu[kMaxCpus];
extern u32 g_cpus_online;

// Points GS at this CPU's block; the first thing each CPU does in C++.
void percpu_install(u32 cpu_id, u32 apic_id);

always_inline_notrace PerCpu* this_cpu() {
  PerCpu* self;
  asm volatile("mov %%gs:0, %0" : "=r"(self));
  return self;
}
always_inline_notrace u32 this_cpu_id() {
  u32 id;
  asm volatile("movl %%gs:8, %0" : "=r"(id));
  return id;
}
always_inline_notrace Task* current_task() {
  Task* task;
  asm volatile("mov %%gs:16, %0" : "=r"(task));
  return task;
}
always_inline_notrace bool in_interrupt() {
  u32 depth;
  asm volatile("movl %%gs:28, %0" : "=r"(depth));
  return depth != 0;
}

// While a latency tracer follows the preemption count (preemptoff, preemptirqsoff), its
// first increment and its last decrement are reported, as Linux's trace_preempt_off/on
// (kernel/Trace/KernelEvents.cpp): the site is the function that disabled or enables
// preemption and its caller.
extern bool g_trace_preempt;
extern "C" void trace_preempt_off();
void trace_preempt_on(u64 ip, u64 parent_ip, u64 frame);
// A hard interrupt's entry (or exit) with preemption enabled: Linux counts the interrupt in
// the preemption count, so it opens (or closes) a preempt-off stretch.
extern "C" void trace_preempt_irq_edge(bool entry);

// Pins the caller to its CPU without masking interrupts (as Linux's preempt_disable).
always_inline_notrace void preempt_disable() {
  asm volatile("incl %%gs:24" ::: "memory");
  if (__builtin_expect(g_trace_preempt, false)) trace_preempt_off();
}
void preempt_enable();
