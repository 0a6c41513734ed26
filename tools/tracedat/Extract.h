#pragma once
#include <string>

#include "GatewayClient.h"
#include "TraceDat.h"

namespace tracegate::tracedat {

// Reads what a trace.dat holds from the gateway, as `trace-cmd extract` reads it from
// tracefs: the page and event headers, every event's format, the symbols, comms, clock and
// per-CPU stats, then each CPU's raw pages (consumed: a second extract gets only what was
// recorded since) — of the top buffer and, unless `instances` is false, of every instance.
// Buffers that are recording (tracing_on 1) are paused while they are read and resumed
// afterwards, even when the extract fails.
TraceDat extract(GatewayClient& gateway, bool instances = true);

// What `kallsyms` should hold when the guest has no /proc/kallsyms: its
// available_filter_functions_addrs ("ADDR NAME") in kallsyms' "ADDR t NAME" form.
std::string kallsyms_from_function_addrs(const std::string& addrs);

}  // namespace tracegate::tracedat
