#include "trace/FunctionTracer.h"

#include "trace/RecordWriter.h"
#include "trace/TraceOutput.h"

namespace tg::trace {

TG_HOT bool FunctionTracer::record(TraceInstance& instance, const RecordContext& ctx, u64 ip,
                                   u64 parent_ip) {
  ring::FunctionRecord record{0,         text_offset(ip), text_offset(parent_ip),
                              ctx.flags, ctx.preempt,     0};
  return write_record(instance, ctx, ring::RecordType::kFunction, record, instance.now());
}

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
