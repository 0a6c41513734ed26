#pragma once
#include "support/Span.h"
#include "support/TextWriter.h"
#include "trace/RecordContext.h"
#include "trace/Symbols.h"

namespace tg::trace {

class TraceInstance;

// Linux's kernel_stack record (ftrace id 4): a call chain, innermost first, recorded by the
// `stacktrace` function probe and printed as "<stack trace>" with one " => name" line per
// frame.
constexpr usize kMaxStackEntries = 32;

struct KernelStackHead {
  u16 type;
  u8 flags;
  u8 preempt_count;
  i32 pid;
  i32 size;  // entries in caller[] that follow the head
  u32 padding;
};
static_assert(sizeof(KernelStackHead) == 16);

// Where a function probe fired: the function, its caller's return address, and the frame
// pointer the platform's walk_stack starts from for the frames beyond.
struct ProbeSite {
  u64 ip;
  u64 parent_ip;
  u64 frame;
};

// Records `site`'s call chain into `instance` (nothing when it does not record).
void record_stack_trace(TraceInstance& instance, const RecordContext& ctx, const ProbeSite& site);

// Records the call chain of whatever reached this call (an event trigger's `stacktrace`):
// the frames of the tracer's own code (notrace symbols) are left out, so the chain starts
// where the kernel hit the event, as Linux skips its tracing frames.
void record_stack_trace_here(TraceInstance& instance, const RecordContext& ctx);

// The call chain of whatever reached this call, innermost first and without the tracer's own
// (notrace) frames, into `out`: how many entries (0 without a platform walk_stack).
usize capture_stack_here(u64* out, usize max);

// The text after the context columns, without the final newline.
void print_stack_trace(Span<const u8> payload, SymbolStyle style, TextWriter& out);

}  // namespace tg::trace
