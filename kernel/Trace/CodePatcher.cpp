#include "Trace/CodePatcher.h"

#include "Arch/x86_64/PerCpu.h"
#include "Console/Log.h"
#include "Lib/String.h"
#include "Memory/Heap.h"
#include "Time/Clock.h"
#include "Trace/BreakpointProbes.h"
#include "Trace/GraphStubs.h"
#include "Trace/StopMachine.h"
#include "Trace/Tracefs.h"

extern "C" const u64 __start_mcount_loc[];
extern "C" const u64 __stop_mcount_loc[];
extern "C" void ftrace_caller();
extern "C" void ftrace_regs_caller();

bool g_patcher_probes;
u32 g_patcher_exact;
bool g_patcher_instance_graphs;

namespace {
constexpr u32 kSiteSize = 5;
constexpr u8 kNop5[kSiteSize] = {0x0f, 0x1f, 0x44, 0x00, 0x00};
constexpr u8 kCallOpcode = 0xe8;
constexpr u8 kJmpOpcode = 0xe9;

// What a site holds: the NOP, a call to the light trampoline, a call to the one that saves
// every register (only sites with a probe need it), or, while a tracer hooks returns, a jump
// to the site's own stub (GraphStubs.h), so that hooked returns are predicted.
enum class SiteCall : u8 { kNone, kCaller, kRegsCaller, kStub };

struct Site {
  u64 address;
  u64 stub;  // 0: no room for one, the site calls ftrace_caller instead
  SiteCall live;
  bool bad;
  SiteCall want;
};

Site* g_sites;
u32 g_site_count;
PatcherStats g_stats;
int g_update_lock;

// The bytes a site holds for `call`: the NOP, `call trampoline` or `jmp stub`.
void site_bytes(const Site& site, SiteCall call, u8 (&out)[kSiteSize]) {
  if (call == SiteCall::kNone) {
    memcpy(out, kNop5, kSiteSize);
    return;
  }
  u64 target = reinterpret_cast<u64>(&ftrace_caller);
  if (call == SiteCall::kRegsCaller) target = reinterpret_cast<u64>(&ftrace_regs_caller);
  if (call == SiteCall::kStub) target = site.stub;
  i64 displacement = static_cast<i64>(target) - static_cast<i64>(site.address + kSiteSize);
  i32 rel = static_cast<i32>(displacement);
  out[0] = call == SiteCall::kStub ? kJmpOpcode : kCallOpcode;
  memcpy(out + 1, &rel, sizeof(rel));
}

bool holds(u64 site, const u8 (&bytes)[kSiteSize]) {
  return memcmp(reinterpret_cast<const void*>(site), bytes, kSiteSize) == 0;
}

// Inside stop_machine: this CPU alone runs. The kernel image is mapped writable (the boot
// page tables map it RW, CR0.WP only guards read-only pages), so the store goes straight
// through the kernel's own mapping.
void rewrite_sites(void*) {
  u64 written = 0;
  for (u32 i = 0; i < g_site_count; ++i) {
    Site& site = g_sites[i];
    if (site.bad || site.live == site.want) continue;
    u8 expected[kSiteSize], wanted[kSiteSize];
    site_bytes(site, site.live, expected);
    site_bytes(site, site.want, wanted);
    if (!holds(site.address, expected)) {
      site.bad = true;
      ++g_stats.bad_sites;
      continue;
    }
    memcpy(reinterpret_cast<void*>(site.address), wanted, kSiteSize);
    site.live = site.want;
    ++written;
  }
  written += breakpoints_rewrite();
  g_stats.sites_written += written;
  if (written) ++g_stats.updates;
}

// The stack tracer runs beside whatever tracer is current (nop included): its filter keeps
// sites live of its own, through ftrace_caller (it reads the slot the site's call pushed as
// the traced function's own address). A probe needs the registers saved, the rest only the
// arguments; a return hook is cheaper through the site's stub.
SiteCall site_wanted(tg::trace::Tracing& tracing, const Site& site, bool tracer_wants,
                     bool hooks_returns, bool& probe) {
  if (tracing.has_probe(site.address)) {
    probe = true;
    return SiteCall::kRegsCaller;
  }
  if (tracing.stack_tracer().wants_site(site.address)) return SiteCall::kCaller;
  if (!tracer_wants || !tracing.function_site_wanted(site.address)) return SiteCall::kNone;
  return hooks_returns && site.stub ? SiteCall::kStub : SiteCall::kCaller;
}
}  // namespace

void patcher_init() {
  g_site_count = static_cast<u32>(__stop_mcount_loc - __start_mcount_loc);
  if (!g_site_count) return;
  g_sites = static_cast<Site*>(kzalloc(sizeof(Site) * g_site_count));
  if (!g_sites) panic("ftrace: no memory for %u call sites", g_site_count);
  for (u32 i = 0; i < g_site_count; ++i) {
    g_sites[i].address = __start_mcount_loc[i];
    g_sites[i].bad = !holds(g_sites[i].address, kNop5);
    if (g_sites[i].bad) ++g_stats.bad_sites;
    g_sites[i].stub = g_sites[i].bad ? 0 : graph_stub_write(i, g_sites[i].address);
  }
  g_stats.sites = g_site_count;
}

void patcher_update() {
  tg::trace::Tracing* tracing = tg::trace::tracing();
  if (!tracing || !g_site_count) return;
  preempt_disable();
  while (__atomic_exchange_n(&g_update_lock, 1, __ATOMIC_ACQUIRE)) cpu_relax();
  u64 start = clock_ns();
  bool tracer_wants = tracing->any_traces_functions();
  // Some tracer hooks the returns of the calls it traces: the top instance's (the graph
  // tracers), an instance's function_graph, or the profiler.
  bool instance_graphs = tracing->instance_hooks_returns();
  bool hooks_returns =
      tracing->top().tracer().hooks_returns() || tracing->profiler().enabled() || instance_graphs;
  bool probes = false;
  u32 live = 0;
  for (u32 i = 0; i < g_site_count; ++i) {
    g_sites[i].want = site_wanted(*tracing, g_sites[i], tracer_wants, hooks_returns, probes);
    if (g_sites[i].want != SiteCall::kNone && !g_sites[i].bad) ++live;
  }
  // The live sites are exactly one instance's lists only without probes, without the stack
  // tracer and with one function-tracing instance; while they change, every instance tests
  // its own lists.
  breakpoints_plan(*tracing);
  bool stack = tracing->stack_tracer().enabled();
  u32 exact = probes || stack ? 0 : tracing->sole_function_slot();
  __atomic_store_n(&g_patcher_exact, 0u, __ATOMIC_RELEASE);
  // Probes are announced before a site that needs them goes live, and withdrawn after.
  if (probes) __atomic_store_n(&g_patcher_probes, true, __ATOMIC_RELEASE);
  stop_machine(rewrite_sites, nullptr);
  if (!probes) __atomic_store_n(&g_patcher_probes, false, __ATOMIC_RELEASE);
  __atomic_store_n(&g_patcher_exact, exact, __ATOMIC_RELEASE);
  __atomic_store_n(&g_patcher_instance_graphs, instance_graphs, __ATOMIC_RELEASE);
  g_stats.live = live;
  g_stats.last_update_ns = clock_ns() - start;
  __atomic_store_n(&g_update_lock, 0, __ATOMIC_RELEASE);
  preempt_enable();
}

PatcherStats patcher_stats() {
  return g_stats;
}
