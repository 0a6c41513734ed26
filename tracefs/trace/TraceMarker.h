#pragma once
#include "support/Result.h"
#include "support/StringView.h"
#include "trace/RecordContext.h"

namespace tg::trace {

class TraceInstance;

// Linux's largest trace_marker write: the text, its newline and NUL fill one 4080-byte page
// with the print event around them. A longer write is short.
inline constexpr usize kMaxMarkerBytes = 4054;

// One trace_marker write() = one ftrace:print entry, newline-terminated. Returns the bytes
// taken. tracing_on 0 (or a buffer that refuses the entry) -> EBADF; options/markers 0 ->
// EINVAL, as Linux.
Result<usize> write_marker(TraceInstance& instance, const RecordContext& ctx, StringView text);

}  // namespace tg::trace
