#include "trace/NopTracer.h"

#include "trace/TraceOutput.h"

namespace tg::trace {

namespace {

Status nop_init(TraceInstance&) {
  return {};
}
void nop_reset(TraceInstance&) {}

}  // namespace

const Tracer kNopTracer = {
    .name = "nop",
    .traces_functions = false,
    .hooks_returns = false,
    .in_instances = true,
    .init = nop_init,
    .reset = nop_reset,
    .print_header = print_default_header,
    .print_entry = print_default_entry,
};

}  // namespace tg::trace
