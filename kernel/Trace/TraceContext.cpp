#include "Trace/TraceContext.h"

#include "Arch/x86_64/Cpu.h"

tg::trace::RecordContext trace_context_now() {
  return trace_context(local_save_flags());
}
