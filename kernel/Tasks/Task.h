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
  u64 switches;
  u64 runtime_ns;
  u64 switched_in_ns;
  WaitQueue exited;  // woken once the task is dead and its stack is gone
  ShadowStack shadow_stack;  // return addresses the graph tracers hooked (Trace/)
};

static_assert(__builtin_offsetof(Task, saved_rsp) == 0);
