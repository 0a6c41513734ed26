#pragma once

#include "Lib/List.h"
#include "Lib/Types.h"

// Kernel timers: a callback run in interrupt context on the CPU that armed it, at the
// first tick at or after its deadline (tick = 1 ms). The callback may re-arm its timer.
struct Timer {
  ListNode node;
  u64 deadline_ns;
  void (*callback)(Timer& timer);
  u32 cpu;
  bool pending;
};

void timer_setup(Timer& timer, void (*callback)(Timer& timer));
void timer_add(Timer& timer, u64 deadline_ns);
// True if the timer was pending and will now not run.
bool timer_cancel(Timer& timer);
void timers_run_expired();
