#include "trace/Tracer.h"

#include "trace/DurationTracer.h"
#include "trace/FunctionTracer.h"
#include "trace/GraphTracer.h"
#include "trace/NopTracer.h"

namespace tg::trace {

namespace {

// Linux lists the most recently registered tracer first; registration order is nop,
// function, function_graph, function_duration.
constexpr const Tracer* kTracers[] = {&kDurationTracer, &kGraphTracer, &kFunctionTracer,
                                      &kNopTracer};

}  // namespace

Span<const Tracer* const> all_tracers() {
  return kTracers;
}

const Tracer* find_tracer(StringView name) {
  for (const Tracer* tracer : kTracers)
    if (tracer->name == name) return tracer;
  return nullptr;
}

}  // namespace tg::trace
