#pragma once
#include "trace/EventCatalog.h"

namespace tg::trace {

// Payload layouts in Linux's order and alignment: the offsets the `format` files print are
// the offsets of these members (checked below), so trace-cmd reads our records as Linux's.
struct SchedSwitchPayload {
  EventCommon common;
  char prev_comm[16];
  i32 prev_pid;
  i32 prev_prio;
  i64 prev_state;
  char next_comm[16];
  i32 next_pid;
  i32 next_prio;
};
static_assert(sizeof(SchedSwitchPayload) == 64);
static_assert(__builtin_offsetof(SchedSwitchPayload, prev_state) == 32);
static_assert(__builtin_offsetof(SchedSwitchPayload, next_prio) == 60);

struct SchedWakeupPayload {
  EventCommon common;
  char comm[16];
  i32 pid;
  i32 prio;
  i32 target_cpu;
};
static_assert(__builtin_offsetof(SchedWakeupPayload, target_cpu) == 32);

struct SchedMigratePayload {
  EventCommon common;
  char comm[16];
  i32 pid;
  i32 prio;
  i32 orig_cpu;
  i32 dest_cpu;
};
static_assert(__builtin_offsetof(SchedMigratePayload, dest_cpu) == 36);

// `name` is a __data_loc: (length << 16) | offset of the string inside the payload.
struct IrqHandlerEntryPayload {
  EventCommon common;
  i32 irq;
  u32 name;
};
static_assert(sizeof(IrqHandlerEntryPayload) == 16);

struct IrqHandlerExitPayload {
  EventCommon common;
  i32 irq;
  i32 ret;
};

struct TimerExpireEntryPayload {
  EventCommon common;
  u64 timer;
  u64 now;
  u64 function;
  u64 baseclk;
};
static_assert(__builtin_offsetof(TimerExpireEntryPayload, baseclk) == 32);

struct TimerExpireExitPayload {
  EventCommon common;
  u64 timer;
};

struct KmallocPayload {
  EventCommon common;
  u64 call_site;
  u64 ptr;
  u64 bytes_req;
  u64 bytes_alloc;
  u64 gfp_flags;
  i32 node;
};
static_assert(__builtin_offsetof(KmallocPayload, node) == 48);

struct KfreePayload {
  EventCommon common;
  u64 call_site;
  u64 ptr;
};

// sched_process_exit and sched_process_free share Linux's sched_process_template.
struct SchedProcessPayload {
  EventCommon common;
  char comm[16];
  i32 pid;
  i32 prio;
};
static_assert(sizeof(SchedProcessPayload) == 32);

struct SchedProcessForkPayload {
  EventCommon common;
  char parent_comm[16];
  i32 parent_pid;
  char child_comm[16];
  i32 child_pid;
};
static_assert(__builtin_offsetof(SchedProcessForkPayload, child_comm) == 28);
static_assert(__builtin_offsetof(SchedProcessForkPayload, child_pid) == 44);

struct KmemCacheAllocPayload {
  EventCommon common;
  u64 call_site;
  u64 ptr;
  u64 bytes_req;
  u64 bytes_alloc;
  u64 gfp_flags;
  i32 node;
  bool accounted;
};
static_assert(__builtin_offsetof(KmemCacheAllocPayload, accounted) == 52);

// `name` is a __data_loc, as in IrqHandlerEntryPayload: the cache's name follows.
struct KmemCacheFreePayload {
  EventCommon common;
  u64 call_site;
  u64 ptr;
  u32 name;
} __attribute__((packed));
static_assert(sizeof(KmemCacheFreePayload) == 28);

// ftrace:context_switch and ftrace:wakeup, the latency tracers' records of a switch onto
// the task they measure and of its wakeup (Linux's ctx_switch_entry). Prios in Linux's
// numbering, states as task_state_index.
struct CtxSwitchPayload {
  EventCommon common;
  u32 prev_pid;
  u32 next_pid;
  u32 next_cpu;
  u8 prev_prio;
  u8 prev_state;
  u8 next_prio;
  u8 next_state;
};
static_assert(sizeof(CtxSwitchPayload) == 24);
static_assert(__builtin_offsetof(CtxSwitchPayload, next_state) == 23);

// ftrace:print, the trace_marker entry: the text follows, newline-terminated and NUL-ended.
struct PrintPayload {
  EventCommon common;
  u64 ip;
};
static_assert(sizeof(PrintPayload) == 16);

}  // namespace tg::trace
