#pragma once
#include "support/StringView.h"
#include "trace/EventCatalog.h"
#include "trace/RecordContext.h"

namespace tg::trace {

class TraceInstance;

// The tracepoints the kernel calls. Each records only when the instance has the event
// enabled (TraceInstance::event_enabled) and is recording; returns whether it wrote. Comms
// are cut to 15 bytes, as TASK_COMM_LEN does.
bool emit_sched_switch(TraceInstance& instance, const RecordContext& ctx, StringView prev_comm,
                       i32 prev_pid, i32 prev_prio, i64 prev_state, StringView next_comm,
                       i32 next_pid, i32 next_prio);
// sched_waking: a wakeup begins, recorded by the waker before the task is runnable again.
bool emit_sched_waking(TraceInstance& instance, const RecordContext& ctx, StringView comm, i32 pid,
                       i32 prio, i32 target_cpu);
bool emit_sched_wakeup(TraceInstance& instance, const RecordContext& ctx, StringView comm, i32 pid,
                       i32 prio, i32 target_cpu);
bool emit_sched_wakeup_new(TraceInstance& instance, const RecordContext& ctx, StringView comm,
                           i32 pid, i32 prio, i32 target_cpu);
bool emit_sched_migrate_task(TraceInstance& instance, const RecordContext& ctx, StringView comm,
                             i32 pid, i32 prio, i32 orig_cpu, i32 dest_cpu);
bool emit_sched_process_fork(TraceInstance& instance, const RecordContext& ctx,
                             StringView parent_comm, i32 parent_pid, StringView child_comm,
                             i32 child_pid);
bool emit_sched_process_exit(TraceInstance& instance, const RecordContext& ctx, StringView comm,
                             i32 pid, i32 prio);
bool emit_sched_process_free(TraceInstance& instance, const RecordContext& ctx, StringView comm,
                             i32 pid, i32 prio);
bool emit_irq_handler_entry(TraceInstance& instance, const RecordContext& ctx, i32 irq,
                            StringView name);
bool emit_irq_handler_exit(TraceInstance& instance, const RecordContext& ctx, i32 irq, i32 ret);
bool emit_timer_expire_entry(TraceInstance& instance, const RecordContext& ctx, u64 timer, u64 now,
                             u64 function, u64 baseclk);
bool emit_timer_expire_exit(TraceInstance& instance, const RecordContext& ctx, u64 timer);
bool emit_kmalloc(TraceInstance& instance, const RecordContext& ctx, u64 call_site, u64 ptr,
                  u64 bytes_req, u64 bytes_alloc, u64 gfp_flags, i32 node);
bool emit_kfree(TraceInstance& instance, const RecordContext& ctx, u64 call_site, u64 ptr);
bool emit_kmem_cache_alloc(TraceInstance& instance, const RecordContext& ctx, u64 call_site,
                           u64 ptr, u64 bytes_req, u64 bytes_alloc, u64 gfp_flags, i32 node,
                           bool accounted);
bool emit_kmem_cache_free(TraceInstance& instance, const RecordContext& ctx, u64 call_site, u64 ptr,
                          StringView name);

}  // namespace tg::trace
