#include "trace/Events.h"

#include "trace/EventPayloads.h"
#include "trace/RecordWriter.h"
#include "trace/Tracing.h"

namespace tg::trace {

namespace {

// An event is kept when its instance has it enabled and set_event_pid (empty: every task)
// lists the task recording it, or `other_pid`: Linux's scheduler probes keep a sched_switch
// when either side is listed and a wakeup when the woken task is.
// An event with triggers is seen even when it is not enabled (Linux's soft mode).
bool wanted(const TraceInstance& instance, u16 id, i32 pid, i32 other_pid) {
  if (!instance.event_enabled(id) && !instance.triggers().has(id)) return false;
  return instance.event_pid_allowed(pid) || instance.event_pid_allowed(other_pid);
}

bool wanted(const TraceInstance& instance, u16 id, const RecordContext& ctx) {
  return wanted(instance, id, ctx.pid, ctx.pid);
}

bool write_event(TraceInstance& instance, const RecordContext& ctx, const u8* payload,
                 usize payload_size);

// Fills the common header, runs the instance's filter on the finished payload and only then
// reserves ring space, so an event the filter rejects costs no buffer (Linux filters before
// committing too). The event's triggers run after, on the same payload, recorded or not.
bool commit_event(TraceInstance& instance, const RecordContext& ctx, u16 id, u8* payload,
                  usize payload_size) {
  EventCommon common = {id, ctx.flags, ctx.preempt, ctx.pid};
  memcpy(payload, &common, sizeof common);
  bool recorded = instance.event_enabled(id) && instance.event_passes(id, payload, payload_size) &&
                  write_event(instance, ctx, payload, payload_size);
  instance.triggers().fire(instance, ctx, id, payload, payload_size);
  return recorded;
}

bool write_event(TraceInstance& instance, const RecordContext& ctx, const u8* payload,
                 usize payload_size) {
  usize padded = (payload_size + 3) & ~usize{3};
  u32* record = begin_record(instance, ctx, ring::RecordType::kEvent,
                             sizeof(ring::EventRecord) + padded, instance.now());
  if (!record) return false;
  record_cast<ring::EventRecord>(record)->size = static_cast<u32>(payload_size);
  u8* destination = reinterpret_cast<u8*>(record) + sizeof(ring::EventRecord);
  memcpy(destination, payload, payload_size);
  memset(destination + payload_size, 0, padded - payload_size);
  end_record(instance, ctx);
  return true;
}

template <typename Payload>
bool commit_event(TraceInstance& instance, const RecordContext& ctx, u16 id, Payload& payload) {
  return commit_event(instance, ctx, id, reinterpret_cast<u8*>(&payload), sizeof payload);
}

void copy_comm(char (&destination)[16], StringView comm) {
  usize n = comm.size() < 15 ? comm.size() : 15;
  memcpy(destination, comm.data(), n);
  memset(destination + n, 0, 16 - n);
}

bool emit_wakeup(TraceInstance& instance, const RecordContext& ctx, u16 id, StringView comm,
                 i32 pid, i32 prio, i32 target_cpu) {
  if (!wanted(instance, id, ctx.pid, pid)) return false;
  SchedWakeupPayload payload{};
  copy_comm(payload.comm, comm);
  payload.pid = pid;
  payload.prio = prio;
  payload.target_cpu = target_cpu;
  return commit_event(instance, ctx, id, payload);
}

bool emit_process(TraceInstance& instance, const RecordContext& ctx, u16 id, StringView comm,
                  i32 pid, i32 prio) {
  if (!wanted(instance, id, ctx)) return false;
  SchedProcessPayload payload{};
  copy_comm(payload.comm, comm);
  payload.pid = pid;
  payload.prio = prio;
  return commit_event(instance, ctx, id, payload);
}

}  // namespace

bool emit_sched_process_fork(TraceInstance& instance, const RecordContext& ctx,
                             StringView parent_comm, i32 parent_pid, StringView child_comm,
                             i32 child_pid) {
  if (!wanted(instance, kEventSchedProcessFork, ctx)) return false;
  SchedProcessForkPayload payload{};
  copy_comm(payload.parent_comm, parent_comm);
  payload.parent_pid = parent_pid;
  copy_comm(payload.child_comm, child_comm);
  payload.child_pid = child_pid;
  return commit_event(instance, ctx, kEventSchedProcessFork, payload);
}

bool emit_sched_process_exit(TraceInstance& instance, const RecordContext& ctx, StringView comm,
                             i32 pid, i32 prio) {
  return emit_process(instance, ctx, kEventSchedProcessExit, comm, pid, prio);
}

bool emit_sched_process_free(TraceInstance& instance, const RecordContext& ctx, StringView comm,
                             i32 pid, i32 prio) {
  return emit_process(instance, ctx, kEventSchedProcessFree, comm, pid, prio);
}

bool emit_sched_switch(TraceInstance& instance, const RecordContext& ctx, StringView prev_comm,
                       i32 prev_pid, i32 prev_prio, i64 prev_state, StringView next_comm,
                       i32 next_pid, i32 next_prio) {
  if (!wanted(instance, kEventSchedSwitch, prev_pid, next_pid)) return false;
  SchedSwitchPayload payload{};
  copy_comm(payload.prev_comm, prev_comm);
  payload.prev_pid = prev_pid;
  payload.prev_prio = prev_prio;
  payload.prev_state = prev_state;
  copy_comm(payload.next_comm, next_comm);
  payload.next_pid = next_pid;
  payload.next_prio = next_prio;
  return commit_event(instance, ctx, kEventSchedSwitch, payload);
}

bool emit_sched_waking(TraceInstance& instance, const RecordContext& ctx, StringView comm, i32 pid,
                       i32 prio, i32 target_cpu) {
  return emit_wakeup(instance, ctx, kEventSchedWaking, comm, pid, prio, target_cpu);
}

bool emit_sched_wakeup(TraceInstance& instance, const RecordContext& ctx, StringView comm, i32 pid,
                       i32 prio, i32 target_cpu) {
  return emit_wakeup(instance, ctx, kEventSchedWakeup, comm, pid, prio, target_cpu);
}

bool emit_sched_wakeup_new(TraceInstance& instance, const RecordContext& ctx, StringView comm,
                           i32 pid, i32 prio, i32 target_cpu) {
  return emit_wakeup(instance, ctx, kEventSchedWakeupNew, comm, pid, prio, target_cpu);
}

bool emit_sched_migrate_task(TraceInstance& instance, const RecordContext& ctx, StringView comm,
                             i32 pid, i32 prio, i32 orig_cpu, i32 dest_cpu) {
  if (!wanted(instance, kEventSchedMigrateTask, ctx)) return false;
  SchedMigratePayload payload{};
  copy_comm(payload.comm, comm);
  payload.pid = pid;
  payload.prio = prio;
  payload.orig_cpu = orig_cpu;
  payload.dest_cpu = dest_cpu;
  return commit_event(instance, ctx, kEventSchedMigrateTask, payload);
}

bool emit_irq_handler_entry(TraceInstance& instance, const RecordContext& ctx, i32 irq,
                            StringView name) {
  if (!wanted(instance, kEventIrqHandlerEntry, ctx)) return false;
  // The name follows the fixed part, NUL-terminated, located by a __data_loc word.
  constexpr usize kMaxName = 255;
  usize length = (name.size() < kMaxName ? name.size() : kMaxName) + 1;
  u8 bytes[sizeof(IrqHandlerEntryPayload) + kMaxName + 1] = {};
  IrqHandlerEntryPayload payload{};
  payload.irq = irq;
  payload.name = static_cast<u32>(length << 16) | sizeof(IrqHandlerEntryPayload);
  memcpy(bytes, &payload, sizeof payload);
  memcpy(bytes + sizeof payload, name.data(), length - 1);
  return commit_event(instance, ctx, kEventIrqHandlerEntry, bytes, sizeof payload + length);
}

bool emit_irq_handler_exit(TraceInstance& instance, const RecordContext& ctx, i32 irq, i32 ret) {
  if (!wanted(instance, kEventIrqHandlerExit, ctx)) return false;
  IrqHandlerExitPayload payload{};
  payload.irq = irq;
  payload.ret = ret;
  return commit_event(instance, ctx, kEventIrqHandlerExit, payload);
}

bool emit_timer_expire_entry(TraceInstance& instance, const RecordContext& ctx, u64 timer, u64 now,
                             u64 function, u64 baseclk) {
  if (!wanted(instance, kEventTimerExpireEntry, ctx)) return false;
  TimerExpireEntryPayload payload{};
  payload.timer = timer;
  payload.now = now;
  payload.function = function;
  payload.baseclk = baseclk;
  return commit_event(instance, ctx, kEventTimerExpireEntry, payload);
}

bool emit_timer_expire_exit(TraceInstance& instance, const RecordContext& ctx, u64 timer) {
  if (!wanted(instance, kEventTimerExpireExit, ctx)) return false;
  TimerExpireExitPayload payload{};
  payload.timer = timer;
  return commit_event(instance, ctx, kEventTimerExpireExit, payload);
}

bool emit_kmalloc(TraceInstance& instance, const RecordContext& ctx, u64 call_site, u64 ptr,
                  u64 bytes_req, u64 bytes_alloc, u64 gfp_flags, i32 node) {
  if (!wanted(instance, kEventKmalloc, ctx)) return false;
  KmallocPayload payload{};
  payload.call_site = call_site;
  payload.ptr = ptr;
  payload.bytes_req = bytes_req;
  payload.bytes_alloc = bytes_alloc;
  payload.gfp_flags = gfp_flags;
  payload.node = node;
  return commit_event(instance, ctx, kEventKmalloc, payload);
}

bool emit_kfree(TraceInstance& instance, const RecordContext& ctx, u64 call_site, u64 ptr) {
  if (!wanted(instance, kEventKfree, ctx)) return false;
  KfreePayload payload{};
  payload.call_site = call_site;
  payload.ptr = ptr;
  return commit_event(instance, ctx, kEventKfree, payload);
}

bool emit_kmem_cache_alloc(TraceInstance& instance, const RecordContext& ctx, u64 call_site,
                           u64 ptr, u64 bytes_req, u64 bytes_alloc, u64 gfp_flags, i32 node,
                           bool accounted) {
  if (!wanted(instance, kEventKmemCacheAlloc, ctx)) return false;
  KmemCacheAllocPayload payload{};
  payload.call_site = call_site;
  payload.ptr = ptr;
  payload.bytes_req = bytes_req;
  payload.bytes_alloc = bytes_alloc;
  payload.gfp_flags = gfp_flags;
  payload.node = node;
  payload.accounted = accounted;
  return commit_event(instance, ctx, kEventKmemCacheAlloc, payload);
}

bool emit_kmem_cache_free(TraceInstance& instance, const RecordContext& ctx, u64 call_site, u64 ptr,
                          StringView name) {
  if (!wanted(instance, kEventKmemCacheFree, ctx)) return false;
  constexpr usize kMaxName = 255;
  usize length = (name.size() < kMaxName ? name.size() : kMaxName) + 1;
  KmemCacheFreePayload payload{};
  payload.call_site = call_site;
  payload.ptr = ptr;
  payload.name = static_cast<u32>(length << 16) | sizeof(KmemCacheFreePayload);
  u8 bytes[sizeof(KmemCacheFreePayload) + kMaxName + 1] = {};
  memcpy(bytes, &payload, sizeof payload);
  memcpy(bytes + sizeof payload, name.data(), length - 1);
  return commit_event(instance, ctx, kEventKmemCacheFree, bytes, sizeof payload + length);
}

}  // namespace tg::trace
