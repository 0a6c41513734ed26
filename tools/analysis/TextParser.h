#pragma once
#include <string_view>

#include "TraceItem.h"

namespace tg::analysis {

// Decodes one line (without its newline) of the text tracefs prints in `trace` and
// `trace_pipe`, for every tracer and option set the formatter supports: the default
// context format (nop, function, events, markers), function_graph with any of its columns,
// function_duration, the task-switch blocks, irq arrows and lost-event marks. The item's
// views point into `line`. This is the tools' one text parser.
TraceItem parse_line(std::string_view line);

// "0.003" (microseconds with up to 3 decimals) -> 3 ns; false if not a number.
bool parse_usecs(std::string_view text, std::uint64_t& ns);
// "12.000345" or "0.000001057" (seconds with up to 9 decimals) -> ns; false if not a number.
bool parse_seconds(std::string_view text, std::uint64_t& ns);

}  // namespace tg::analysis
