#pragma once

#include "Lib/Types.h"

// Tracepoints the kernel's subsystems call where Linux has its events (kmem, timer). Each
// is one load and a predicted branch until tracing is up; the slow path records into every
// instance that has the event enabled (Trace/KernelEvents.cpp). The scheduler and the
// interrupt path are reached through their own hook tables instead.
struct Timer;
struct Task;
class KmemCache;

extern bool g_tracepoints_ready;

void trace_kmalloc_slow(u64 call_site, const void* pointer, size_t requested, size_t allocated);
void trace_kfree_slow(u64 call_site, const void* pointer);
void trace_timer_expire_entry_slow(const Timer* timer, u64 function);
void trace_timer_expire_exit_slow(const Timer* timer);
void trace_sched_wakeup_new_slow(const char* comm, i32 pid, u32 cpu);
void trace_sched_process_fork_slow(const Task* parent, const Task* child);
void trace_sched_process_exit_slow(const Task* task);
void trace_sched_process_free_slow(const Task* task);
void trace_kmem_cache_alloc_slow(u64 call_site, const void* pointer, const KmemCache* cache);
void trace_kmem_cache_free_slow(u64 call_site, const void* pointer, const KmemCache* cache);

always_inline_notrace void trace_kmalloc(u64 call_site, const void* pointer, size_t requested,
                                         size_t allocated) {
  if (unlikely(__atomic_load_n(&g_tracepoints_ready, __ATOMIC_RELAXED)))
    trace_kmalloc_slow(call_site, pointer, requested, allocated);
}
always_inline_notrace void trace_kfree(u64 call_site, const void* pointer) {
  if (unlikely(__atomic_load_n(&g_tracepoints_ready, __ATOMIC_RELAXED)))
    trace_kfree_slow(call_site, pointer);
}
always_inline_notrace void trace_timer_expire_entry(const Timer* timer, u64 function) {
  if (unlikely(__atomic_load_n(&g_tracepoints_ready, __ATOMIC_RELAXED)))
    trace_timer_expire_entry_slow(timer, function);
}
always_inline_notrace void trace_timer_expire_exit(const Timer* timer) {
  if (unlikely(__atomic_load_n(&g_tracepoints_ready, __ATOMIC_RELAXED)))
    trace_timer_expire_exit_slow(timer);
}
always_inline_notrace void trace_sched_wakeup_new(const char* comm, i32 pid, u32 cpu) {
  if (unlikely(__atomic_load_n(&g_tracepoints_ready, __ATOMIC_RELAXED)))
    trace_sched_wakeup_new_slow(comm, pid, cpu);
}
always_inline_notrace void trace_sched_process_fork(const Task* parent, const Task* child) {
  if (unlikely(__atomic_load_n(&g_tracepoints_ready, __ATOMIC_RELAXED)))
    trace_sched_process_fork_slow(parent, child);
}
always_inline_notrace void trace_sched_process_exit(const Task* task) {
  if (unlikely(__atomic_load_n(&g_tracepoints_ready, __ATOMIC_RELAXED)))
    trace_sched_process_exit_slow(task);
}
always_inline_notrace void trace_sched_process_free(const Task* task) {
  if (unlikely(__atomic_load_n(&g_tracepoints_ready, __ATOMIC_RELAXED)))
    trace_sched_process_free_slow(task);
}
always_inline_notrace void trace_kmem_cache_alloc(u64 call_site, const void* pointer,
                                                  const KmemCache* cache) {
  if (unlikely(__atomic_load_n(&g_tracepoints_ready, __ATOMIC_RELAXED)))
    trace_kmem_cache_alloc_slow(call_site, pointer, cache);
}
always_inline_notrace void trace_kmem_cache_free(u64 call_site, const void* pointer,
                                                 const KmemCache* cache) {
  if (unlikely(__atomic_load_n(&g_tracepoints_ready, __ATOMIC_RELAXED)))
    trace_kmem_cache_free_slow(call_site, pointer, cache);
}
