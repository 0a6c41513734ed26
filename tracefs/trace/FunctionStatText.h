#pragma once
#include "support/TextWriter.h"
#include "trace/FunctionProfiler.h"

namespace tg::trace {

// The text of trace_stat/functionN, as Linux prints it with the function graph tracer built
// in: a two-line header, then one line per function, times in µs as function_graph prints
// durations.
void print_function_stat_header(TextWriter& out);
// One function's line: name (cut to 30), hits, total time, average, and s^2 (the variance of
// the calls' times in µs², by Linux's integer formula). Nothing when `thresh_ns` is not 0
// and the average is below it (tracing_thresh). Returns whether a line was printed.
bool print_function_stat(const FunctionStat& stat, u64 thresh_ns, TextWriter& out);

}  // namespace tg::trace
