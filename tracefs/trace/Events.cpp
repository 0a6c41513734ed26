#include "trace/Events.h"

#include "trace/EventPayloads.h"
#include "trace/RecordWriter.h"

namespace tg::trace {

namespace {

// Reserves an event record with room for `payload_size` bytes and fills the common header;
// returns the payload, or nullptr when the event is off or the buffer refused it.
u8* begin_event(TraceInstance& instance, const RecordContext& ctx, u16 id, usize payload_size) {
  if (!instance.event_enabled(id)) return nullptr;
  usize size = sizeof(ring::EventRecord) + ((payload_size + 3) & ~usize{3});
  u32* record = begin_record(instance, ctx, ring::RecordType::kEvent, size, instance.now());
  if (!record) return nullptr;
  record_cast<ring::EventRecord>(record)->size = static_cast<u32>(payload_size);
  u8* payload = reinterpret_cast<u8*>(record) + sizeof(ring::EventRecord);
  memset(payload, 0, size - sizeof(ring::EventRecord));
  EventCommon common = {id, ctx.flags, ctx.preempt, ctx.pid};
  memcpy(payload, &common, sizeof common);
  return payload;
}

template <typename Payload>
Payload* begin_payload(TraceInstance& instance, const RecordContext& ctx, u16 id) {
  // The record memory is only 4-byte aligned: payloads are built on the stack and copied.
  return reinterpret_cast<Payload*>(begin_event(instance, ctx, id, sizeof(Payload)));
}

template <typename Payload>
bool finish(TraceInstance& instance, const RecordContext& ctx, void* destination,
            Payload& payload) {
  // common was filled by begin_event; keep it.
  memcpy(&payload.common, destination, sizeof(EventCommon));
  memcpy(destination, &payload, sizeof(Payload));
  end_record(instance, ctx);
  return true;
}

void copy_comm(char (&destination)[16], StringView comm) {
  usize n = comm.size() < 15 ? comm.size() : 15;
  memcpy(destination, comm.data(), n);
  memset(destination + n, 0, 16 - n);
}

bool emit_wakeup(TraceInstance& instance, const RecordContext& ctx, u16 id, StringView comm,
                 i32 pid, i32 prio, i32 target_cpu) {
  auto* destination = begin_payload<SchedWakeupPayload>(instance, ctx, id);
  if (!destination) return false;
  SchedWakeupPayload payload{};
  copy_comm(payload.comm, comm);
  payload.pid = pid;
  payload.prio = prio;
  payload.target_cpu = target_cpu;
  return finish(instance, ctx, destination, payload);
}

}  // namespace

bool emit_sched_switch(TraceInstance& instance, const RecordContext& ctx, StringView prev_comm,
                       i32 prev_pid, i32 prev_prio, i64 prev_state, StringView next_comm,
                       i32 next_pid, i32 next_prio) {
  auto* destination = begin_payload<SchedSwitchPayload>(instance, ctx, kEventSchedSwitch);
  if (!destination) return false;
  SchedSwitchPayload payload{};
  copy_comm(payload.prev_comm, prev_comm);
  payload.prev_pid = prev_pid;
  payload.prev_prio = prev_prio;
  payload.prev_state = prev_state;
  copy_comm(payload.next_comm, next_comm);
  payload.next_pid = next_pid;
  payload.next_prio = next_prio;
  return finish(instance, ctx, destination, payload);
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
  auto* destination = begin_payload<SchedMigratePayload>(instance, ctx, kEventSchedMigrateTask);
  if (!destination) return false;
  SchedMigratePayload payload{};
  copy_comm(payload.comm, comm);
  payload.pid = pid;
  payload.prio = prio;
  payload.orig_cpu = orig_cpu;
  payload.dest_cpu = dest_cpu;
  return finish(instance, ctx, destination, payload);
}

bool emit_irq_handler_entry(TraceInstance& instance, const RecordContext& ctx, i32 irq,
                            StringView name) {
  // The name follows the fixed part, NUL-terminated, located by a __data_loc word.
  usize length = (name.size() < 255 ? name.size() : 255) + 1;
  usize payload_size = sizeof(IrqHandlerEntryPayload) + length;
  u8* destination = begin_event(instance, ctx, kEventIrqHandlerEntry, payload_size);
  if (!destination) return false;
  IrqHandlerEntryPayload payload{};
  memcpy(&payload.common, destination, sizeof(EventCommon));
  payload.irq = irq;
  payload.name = static_cast<u32>(length << 16) | sizeof(IrqHandlerEntryPayload);
  memcpy(destination, &payload, sizeof payload);
  memcpy(destination + sizeof payload, name.data(), length - 1);
  end_record(instance, ctx);
  return true;
}

bool emit_irq_handler_exit(TraceInstance& instance, const RecordContext& ctx, i32 irq, i32 ret) {
  auto* destination = begin_payload<IrqHandlerExitPayload>(instance, ctx, kEventIrqHandlerExit);
  if (!destination) return false;
  IrqHandlerExitPayload payload{};
  payload.irq = irq;
  payload.ret = ret;
  return finish(instance, ctx, destination, payload);
}

bool emit_timer_expire_entry(TraceInstance& instance, const RecordContext& ctx, u64 timer, u64 now,
                             u64 function, u64 baseclk) {
  auto* destination = begin_payload<TimerExpireEntryPayload>(instance, ctx, kEventTimerExpireEntry);
  if (!destination) return false;
  TimerExpireEntryPayload payload{};
  payload.timer = timer;
  payload.now = now;
  payload.function = function;
  payload.baseclk = baseclk;
  return finish(instance, ctx, destination, payload);
}

bool emit_timer_expire_exit(TraceInstance& instance, const RecordContext& ctx, u64 timer) {
  auto* destination = begin_payload<TimerExpireExitPayload>(instance, ctx, kEventTimerExpireExit);
  if (!destination) return false;
  TimerExpireExitPayload payload{};
  payload.timer = timer;
  return finish(instance, ctx, destination, payload);
}

bool emit_kmalloc(TraceInstance& instance, const RecordContext& ctx, u64 call_site, u64 ptr,
                  u64 bytes_req, u64 bytes_alloc, u64 gfp_flags, i32 node) {
  auto* destination = begin_payload<KmallocPayload>(instance, ctx, kEventKmalloc);
  if (!destination) return false;
  KmallocPayload payload{};
  payload.call_site = call_site;
  payload.ptr = ptr;
  payload.bytes_req = bytes_req;
  payload.bytes_alloc = bytes_alloc;
  payload.gfp_flags = gfp_flags;
  payload.node = node;
  return finish(instance, ctx, destination, payload);
}

bool emit_kfree(TraceInstance& instance, const RecordContext& ctx, u64 call_site, u64 ptr) {
  auto* destination = begin_payload<KfreePayload>(instance, ctx, kEventKfree);
  if (!destination) return false;
  KfreePayload payload{};
  payload.call_site = call_site;
  payload.ptr = ptr;
  return finish(instance, ctx, destination, payload);
}

}  // namespace tg::trace
