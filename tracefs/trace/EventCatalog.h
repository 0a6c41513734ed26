#pragma once
#include "support/Span.h"
#include "support/StringView.h"
#include "support/TextWriter.h"

namespace tg::trace {

// One field of an event's payload, as its `format` file lists it. `declaration` is the C
// declaration Linux prints ("char prev_comm[16]", "__data_loc char[] name").
struct EventField {
  StringView declaration;
  u16 offset;
  u16 size;
  bool is_signed;
};

// Every payload starts with Linux's 8-byte common header.
struct EventCommon {
  u16 type;
  u8 flags;
  u8 preempt_count;
  i32 pid;
};
static_assert(sizeof(EventCommon) == 8);

struct EventPrintContext {
  bool sym_offset;
  bool sym_addr;
};

// A tracepoint the kernel can emit (or an ftrace-internal record type, which has a format
// and an id for trace-cmd but no enable file).
struct EventDefinition {
  StringView system;
  StringView name;
  u16 id;
  Span<const EventField> fields;  // after the common ones
  StringView print_fmt;
  u16 payload_size;  // fixed part, common header included
  bool ftrace_internal;
  // The text after "name: " on a trace line, from a payload of `size` bytes.
  void (*print)(const u8* payload, usize size, const EventPrintContext& context, TextWriter& out);
};

// Ids the kernel and the ftrace internal records use.
enum EventId : u16 {
  kEventFunction = 1,
  kEventContextSwitch = 2,
  kEventWakeup = 3,
  kEventKernelStack = 4,
  kEventPrint = 5,
  kEventFuncgraphExit = 10,
  kEventFuncgraphEntry = 11,
  kEventIrqHandlerEntry = 140,
  kEventIrqHandlerExit = 141,
  kEventSchedWakeup = 370,
  kEventSchedWakeupNew = 371,
  kEventSchedSwitch = 372,
  kEventSchedMigrateTask = 373,
  kEventSchedProcessFree = 374,
  kEventSchedProcessExit = 375,
  kEventSchedProcessFork = 376,
  kEventSchedWaking = 377,
  kEventTimerExpireEntry = 410,
  kEventTimerExpireExit = 411,
  kEventKmalloc = 450,
  kEventKfree = 451,
  kEventKmemCacheAlloc = 452,
  kEventKmemCacheFree = 453,
};

// The catalog, grouped by system.
Span<const EventDefinition> all_events();
const EventDefinition* find_event(StringView system, StringView name);
const EventDefinition* find_event(u16 id);

// The `format` file of an event, byte for byte as Linux prints it.
void print_event_format(const EventDefinition& event, TextWriter& out);

}  // namespace tg::trace
