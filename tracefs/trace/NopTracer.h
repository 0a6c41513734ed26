#pragma once
#include "trace/Tracer.h"

namespace tg::trace {

// "nop": no function instrumentation; events and trace_marker entries still print.
extern const Tracer kNopTracer;

}  // namespace tg::trace
