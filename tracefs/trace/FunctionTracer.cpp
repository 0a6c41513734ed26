#include "trace/FunctionTracer.h"

#include "trace/TraceOutput.h"

namespace tg::trace {

namespace {

constexpr OptionInfo kFunctionOptions[] = {
    {TraceOption::kFuncStackTrace, "func_stack_trace", false},
};

}  // namespace

const Tracer kFunctionTracer = {
    .name = "function",
    .in_instances = true,
    .options = kFunctionOptions,
    .on_function = FunctionTracer::record,
    .print_header = print_default_header,
    .print_entry = print_default_entry,
};

}  // namespace tg::trace
