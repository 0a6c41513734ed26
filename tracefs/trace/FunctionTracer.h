#pragma once
#include "trace/RecordContext.h"
#include "trace/RecordWriter.h"
#include "trace/Tracer.h"

namespace tg::trace {

extern const Tracer kFunctionTracer;

// The function tracer's recording entry point, called from the fentry trampoline with the
// traced function's address and its caller's. Inline: the fentry dispatch calls it directly,
// every traced call.
struct FunctionTracer {
  TG_ALWAYS_INLINE static bool record(TraceInstance& instance, const RecordContext& ctx, u64 ip,
                                      u64 parent_ip) {
    return record_at(instance, ctx, ip, parent_ip, instance.now());
  }
  // The same with the instance's clock already read (the kernel's fentry path reads it
  // inline, without the platform's indirect call).
  TG_ALWAYS_INLINE static bool record_at(TraceInstance& instance, const RecordContext& ctx, u64 ip,
                                         u64 parent_ip, u64 timestamp) {
    // FunctionRecord: header, ip, parent_ip, flags, preempt and 16 reserved bits.
    u32 words[] = {0, text_offset(ip), text_offset(parent_ip),
                   byte_word(ctx.flags, ctx.preempt, 0, 0)};
    return write_record<ring::FunctionRecord>(instance, ctx, ring::RecordType::kFunction, words,
                                              timestamp);
  }
};

}  // namespace tg::trace
