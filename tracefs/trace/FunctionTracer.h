#pragma once
#include "trace/RecordContext.h"
#include "trace/Tracer.h"

namespace tg::trace {

extern const Tracer kFunctionTracer;

// The function tracer's recording entry point, called from the fentry trampoline with the
// traced function's address and its caller's.
struct FunctionTracer {
  static bool record(TraceInstance& instance, const RecordContext& ctx, u64 ip, u64 parent_ip);
};

}  // namespace tg::trace
