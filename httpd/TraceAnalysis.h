#pragma once
#include <cstddef>
#include <string>
#include <string_view>

namespace tracegate {

// The analysis core (tools/analysis) run over one text trace, as JSON for the page: the call
// tree per task (at most `max_calls` calls, outermost first), the self time per function per
// task, and the flame graph's merged paths. The shape is in docs/http-api.md.
std::string analyse_trace(std::string_view trace_text, std::string_view tracer,
                          std::size_t max_calls);

inline constexpr std::size_t kDefaultMaxCalls = 20000;
inline constexpr std::size_t kMaxCallsLimit = 1000000;

}  // namespace tracegate
