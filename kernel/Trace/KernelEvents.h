#pragma once

// Connects the kernel's tracepoints (scheduler and interrupt hook tables, TracePoints.h)
// to the event emitters of every instance. After tracing_init has created it.
void kernel_events_init();
