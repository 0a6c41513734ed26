#pragma once

// Connects the kernel's tracepoints (scheduler and interrupt hook tables, TracePoints.h)
// to the event emitters of every instance. After tracing_init has created it.
void kernel_events_init();

// The tracers changed (any instance): the kernel's interrupt-flag primitives report to the
// tracers only while one of them follows the flag (irqsoff).
void kernel_events_tracers_changed();
