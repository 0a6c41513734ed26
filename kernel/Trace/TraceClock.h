#pragma once

#include "Lib/Types.h"
#include "Time/Clock.h"
#include "Trace/Tracefs.h"

// trace_clock's clocks, as the platform gives them to tracefs (KernelPlatform.cpp) and as the
// fentry path reads them itself. Inline: every traced call reads one, and the fentry path
// saves the indirect call through the platform on the busiest paths.
extern u64 g_counter_clock;  // the "counter" clock: a plain counter, global

always_inline_notrace u64 trace_clock(tg::TraceClock clock) {
  switch (clock) {
    case tg::TraceClock::kCounter:
      return __atomic_fetch_add(&g_counter_clock, 1, __ATOMIC_RELAXED);
    case tg::TraceClock::kX86Tsc:
      return rdtsc();
    default:
      return clock_ns();
  }
}

// The same clock at `tsc`, a TSC value read earlier (the return hooks read it first thing, see
// ftrace_entry.S). Every clock but "counter" is the TSC (the ns ones scaled as clock_ns()
// scales it), so the time base stays exactly trace_clock()'s; "counter" takes its next count
// here.
always_inline_notrace u64 trace_clock_at(tg::TraceClock clock, u64 tsc) {
  switch (clock) {
    case tg::TraceClock::kCounter:
      return __atomic_fetch_add(&g_counter_clock, 1, __ATOMIC_RELAXED);
    case tg::TraceClock::kX86Tsc:
      return tsc;
    default:
      return clock_tsc_to_ns(tsc);
  }
}
