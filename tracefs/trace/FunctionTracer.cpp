#include "trace/FunctionTracer.h"

#include "trace/RecordWriter.h"
#include "trace/TraceOutput.h"

namespace tg::trace {

TG_HOT bool FunctionTracer::record(TraceInstance& instance, const RecordContext& ctx, u64 ip,
                                   u64 parent_ip) {
  u32* memory = begin_record(instance, ctx, ring::RecordType::kFunction,
                             sizeof(ring::FunctionRecord), instance.now());
  if (!memory) return false;
  auto* record = record_cast<ring::FunctionRecord>(memory);
  record->ip = text_offset(ip);
  record->parent_ip = text_offset(parent_ip);
  record->flags = ctx.flags;
  record->preempt = ctx.preempt;
  record->reserved = 0;
  end_record(instance, ctx);
  return true;
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
