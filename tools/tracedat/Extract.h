#pragma once
#include <string>
#include <vector>

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

// The pieces of an extract, for a recorder that reads pages while tracing goes on
// (`tracectl record`). `root` is "/tracing/" or "/tracing/instances/NAME/".
// Everything but pages and comms: headers, formats, symbols, printk formats, clock.
void read_metadata(GatewayClient& gateway, TraceDat& dat);
// The raw pages' size in bytes of the buffer under `root` ("/tracing/" or
// "/tracing/instances/NAME/"): its buffer_subbuf_size_kb.
uint32_t read_page_size(GatewayClient& gateway, const std::string& root);
// The CPU numbers of root's per_cpu/cpuN directories, in order.
std::vector<unsigned> cpu_numbers(GatewayClient& gateway, const std::string& root);
// What one CPU's trace_pipe_raw holds now, consumed (empty when nothing).
std::string read_cpu_pages(GatewayClient& gateway, const std::string& root, unsigned cpu);
// per_cpu/cpuN/stats.
std::string read_cpu_stats(GatewayClient& gateway, const std::string& root, unsigned cpu);

// What `kallsyms` should hold when the guest has no /proc/kallsyms: its
// available_filter_functions_addrs ("ADDR NAME") in kallsyms' "ADDR t NAME" form.
std::string kallsyms_from_function_addrs(const std::string& addrs);

}  // namespace tracegate::tracedat
