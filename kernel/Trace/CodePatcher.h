#pragma once

#include "Lib/Types.h"

// The fentry call sites (-mfentry -mrecord-mcount -mnop-mcount: one 5-byte NOP at the start
// of every instrumented function, listed in __mcount_loc). A live site is rewritten into
// `call ftrace_caller` (`call ftrace_regs_caller` where a probe needs every register, `jmp`
// to the site's stub while a tracer hooks returns); a dead one back into the NOP. All rewriting
// happens inside stop_machine, so no CPU can be executing (or have half-fetched) a site being
// changed.
void patcher_init();

// Brings every site in line with what tracing wants now (the current tracer, the function
// filters, probes): the platform's functions_changed. Returns once the text is rewritten.
void patcher_update();

struct PatcherStats {
  u32 sites;
  u32 live;
  u64 updates;        // patcher_update calls that rewrote at least one site
  u64 sites_written;  // total rewrites
  u32 bad_sites;      // sites whose bytes were neither the NOP nor our call: never touched
  u64 last_update_ns;
};
PatcherStats patcher_stats();

// Some live site carries a probe (func:traceon/traceoff): the entry must run probes, and
// each instance check its lists, because a probe keeps a site live no list selects.
extern bool g_patcher_probes;
// The one instance whose set_ftrace_filter/notrace the live sites are exactly (it may skip
// testing them), as Tracing::sole_function_slot() gives it, or 0: every instance tests its
// own lists. A slot reused by a new instance cannot match a stale value: removing an
// instance that traced functions updates the sites, and with them this.
extern u32 g_patcher_exact;
// Some instance other than the top one runs function_graph: the dispatch then looks for
// them on every call (FtraceDispatch.cpp).
extern bool g_patcher_instance_graphs;
