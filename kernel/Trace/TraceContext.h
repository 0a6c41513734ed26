#pragma once

#include "Lib/Types.h"
#include "Trace/Tracefs.h"

// Who is recording right now, in the form the recorders take: this CPU, the current pid
// and Linux's TRACE_FLAG_* bits. `irq_flags` is RFLAGS as the traced code had it (before
// the tracer masked interrupts), for the irqs-off column.
tg::trace::RecordContext trace_context(u64 irq_flags);

// The same for a file write (trace_marker): the calling task as it is.
tg::trace::RecordContext trace_context_now();
