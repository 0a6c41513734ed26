// Kernel side of the platform tracefs runs on (see TracingSetup.cpp).
#include "Arch/x86_64/PerCpu.h"
#include "Memory/Heap.h"
#include "Services/ServiceBridge.h"
#include "Tasks/Task.h"
#include "Time/Clock.h"

void* kernel_allocate(unsigned long size) {
  return kmalloc(size);
}

void kernel_free(void* pointer) {
  kfree(pointer);
}

unsigned kernel_cpu_count() {
  return g_cpus_online;
}

unsigned long kernel_clock_ns() {
  return clock_ns();
}

unsigned kernel_current_cpu() {
  return this_cpu_id();
}

int kernel_current_pid() {
  return current_task()->pid;
}
