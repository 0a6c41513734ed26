#pragma once
#include "support/Result.h"
#include "support/StringView.h"
#include "trace/RecordContext.h"

namespace tg::trace {

class TraceInstance;

// Linux's largest trace_marker write (TRACE_MARKER_MAX_SIZE), and what fits in one event of
// a page holding `data_size` bytes of events: the text, its newline and NUL with the print
// event and Linux's 8-byte event header around them (4054 bytes at the default 4 KiB page).
// A longer write is short.
inline constexpr usize kMaxMarkerBytes = 4096;
// Linux's event header (type_len word and length: 8), print entry (16), newline and NUL.
inline constexpr usize kMarkerOverhead = 8 + 16 + 2;
constexpr usize max_marker_bytes(usize data_size) {
  usize fits = data_size - kMarkerOverhead;
  return fits < kMaxMarkerBytes ? fits : kMaxMarkerBytes;
}

// One trace_marker write() = one ftrace:print entry, newline-terminated. Returns the bytes
// taken. tracing_on 0 (or a buffer that refuses the entry) -> EBADF; options/markers 0 ->
// EINVAL, as Linux.
Result<usize> write_marker(TraceInstance& instance, const RecordContext& ctx, StringView text);

}  // namespace tg::trace
