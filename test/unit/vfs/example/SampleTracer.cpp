// An example of a tracer that is one file: "function_sample" records every Nth function call
// (N = 2) in the function tracer's record layout, so the common printer shows it as Linux's
// function tracer would. Nothing else in tracefs or the kernel names it: it fills a Tracer
// and registers it (docs/tracers.md walks through it).
#include "trace/RecordWriter.h"
#include "trace/TraceOutput.h"
#include "trace/Tracer.h"

namespace tg::trace {

namespace {

constexpr u64 kEvery = 2;
Atomic<u64> g_calls{0};

// From any CPU, interrupts masked: the kernel's dispatch has already applied the instance's
// set_ftrace_filter, set_ftrace_notrace and set_ftrace_pid.
bool sample_on_function(TraceInstance& instance, const RecordContext& ctx, u64 ip, u64 parent_ip) {
  if (g_calls.fetch_add(1, MemoryOrder::kRelaxed) % kEvery != 0) return false;
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

// A switch to the tracer starts counting afresh.
Status sample_init(TraceInstance&) {
  g_calls.store(0, MemoryOrder::kRelaxed);
  return {};
}

}  // namespace

extern const Tracer kSampleTracer = {
    .name = "function_sample",
    .in_instances = true,
    .init = sample_init,
    .on_function = sample_on_function,
    .print_header = print_default_header,
    .print_entry = print_default_entry,
};

}  // namespace tg::trace
