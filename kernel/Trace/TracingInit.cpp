#include "Trace/TracingInit.h"

#include "Arch/x86_64/Smp.h"
#include "Console/Log.h"
#include "Trace/BootTracing.h"
#include "Trace/BreakpointProbes.h"
#include "Trace/CodePatcher.h"
#include "Trace/FtraceDispatch.h"
#include "Trace/KernelEvents.h"
#include "Trace/KernelPlatform.h"
#include "Trace/StopMachine.h"
#include "Trace/TraceContext.h"
#include "Trace/TraceFiles.h"
#include "Trace/Tracefs.h"

namespace {
tg::vfs::NodeTable* g_node_table;
bool g_ready;
}  // namespace

tg::vfs::NodeTable& trace_node_table() {
  return *g_node_table;
}

bool tracing_ready() {
  return g_ready;
}

void tracing_init() {
  // Buffers exist per CPU from the start, so count the CPUs QEMU will bring up, not the one
  // running now.
  u32 cpus = smp_cpus_expected();
  kernel_platform_install(cpus);
  auto tracing = tg::trace::Tracing::create();
  if (!tracing.ok())
    panic("tracing: cannot create the tracing state (%d)", static_cast<int>(tracing.error()));
  tg::trace::Tracing* state = tracing.value().leak();
  tg::trace::install_tracing(state);
  state->set_record_context_source(trace_context_now);

  g_node_table = tg::create<tg::vfs::NodeTable>();
  if (!g_node_table) panic("tracing: no memory for the node table");
  tg::Status mounted = tg::vfs::mount_tracing(*g_node_table, *state);
  if (!mounted.ok())
    panic("tracing: cannot mount tracing/ (%d)", static_cast<int>(mounted.error()));

  stop_machine_init();
  patcher_init();
  ftrace_dispatch_init();
  breakpoint_probes_init();
  kernel_events_init();
  g_ready = true;
  PatcherStats stats = patcher_stats();
  klog("tracing: %u CPUs, %u fentry sites (%u unpatchable), %lu symbols", cpus, stats.sites,
       stats.bad_sites, tg::platform().symbols.size());
  boot_tracing_apply();
}
