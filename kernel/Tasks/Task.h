#pragma once

#include "Lib/List.h"
#include "Lib/Types.h"
#include "Tasks/WaitQueue.h"
#include "Trace/ShadowStack.h"

enum class TaskState : u32 {
  Runnable,  // running or waiting on a run queue
  Sleeping,  // off the run queue until wake_up_process
  Dead,      // exited; its stack is freed once another task runs on that CPU
};

constexpr size_t kTaskCommLength = 16;  // as Linux's TASK_COMM_LEN
constexpr size_t kTaskStackPages = 4;
constexpr u64 kAllCpus = ~0ul;

// Priorities in Linux's numbering: 0..98 are SCHED_FIFO tasks (prio = 99 - rt_priority, lower
// runs first), 120 is every normal task (nice 0). The scheduler runs the lowest number first.
constexpr i32 kMaxRtPrio = 100;
constexpr i32 kNormalPrio = 120;
enum class SchedPolicy : u8 { Normal = 0, Fifo = 1 };  // Linux's SCHED_NORMAL, SCHED_FIFO
constexpr u32 kIrqThreadRtPriority = 50;               // Linux's threaded interrupt handlers

using TaskEntry = void (*)(void* argument);

struct Task {
  u64 saved_rsp;  // offset 0: switch_to saves and loads it
  i32 pid;
  char comm[kTaskCommLength];
  TaskState state;
  u32 cpu;           // the run queue this task belongs to
  u64 cpus_allowed;  // affinity bitmask
  bool queued;       // linked on cpu's run queue
  bool stack_freed;
  i32 migrate_to;  // >= 0: move to that CPU once switched out
  ListNode run_node;
  ListNode all_node;
  u8* stack;
  TaskEntry entry;
  void* argument;
  u32 slice_ticks;
  i32 prio;  // kNormalPrio, or 99 - rt_priority for a FIFO task
  SchedPolicy policy;
  u8 rt_priority;  // 1..99 for FIFO, 0 for normal
  u64 switches;
  u64 runtime_ns;
  u64 switched_in_ns;
  WaitQueue exited;          // woken once the task is dead and its stack is gone
  ShadowStack shadow_stack;  // return addresses the graph tracers hooked (Trace/)
};

static_assert(__builtin_offsetof(Task, saved_rsp) == 0);
