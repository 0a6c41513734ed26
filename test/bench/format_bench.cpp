// Text formatting throughput: MB/s of `trace` text the formatter produces for a buffer full
// of function records and of function_graph calls (the budget that decides whether the guest
// can format trace_pipe itself or must ship raw pages to the host).
#include <chrono>
#include <cstdio>
#include <cstdlib>

#include "HostPlatform.h"
#include "trace/FunctionTracer.h"
#include "trace/GraphTracer.h"
#include "trace/TraceOutput.h"

namespace {

using namespace tg;
using namespace tg::trace;

constexpr u64 kTextBase = 0xffffffff81000000ull;
constexpr Symbol kSymbols[] = {
    {kTextBase + 0x1000, 0x100, "vfs_read"},
    {kTextBase + 0x2000, 0x100, "kmalloc"},
    {kTextBase + 0x3000, 0x100, "Scheduler::pick_next"},
};

struct Measure {
  double megabytes;
  double seconds;
};

// Renders the whole buffer chunk by chunk, as the trace file does; returns bytes and time.
Measure render(TraceInstance& instance) {
  auto state = OutputState::create(instance, false).release_value();
  String text;
  TextWriter out(text);
  u64 bytes = 0;
  auto start = std::chrono::steady_clock::now();
  while (state->print_next(out)) {
    if (text.size() >= 64 * 1024) {
      bytes += text.size();
      text.clear();
    }
  }
  bytes += text.size();
  auto end = std::chrono::steady_clock::now();
  return {bytes / 1e6, std::chrono::duration<double>(end - start).count()};
}

// A bench that measures nothing must say so rather than print 0 MB/s.
void require(const tg::Status& status, const char* what) {
  if (status.ok()) return;
  std::fprintf(stderr, "format_bench: %s failed (errno %d)\n", what,
               static_cast<int>(status.error()));
  std::exit(1);
}

void report(const char* name, const Measure& m) {
  std::printf("%-16s %8.1f MB of text in %6.3f s: %8.1f MB/s\n", name, m.megabytes, m.seconds,
              m.megabytes / m.seconds);
}

}  // namespace

int main() {
  tg::test::install_host_platform(2);
  Platform with_symbols = platform();
  with_symbols.text_base = kTextBase;
  with_symbols.symbols = kSymbols;
  install_platform(with_symbols);
  constexpr u64 kBufferKb = 32 * 1024;

  auto function = TraceInstance::create("function", false).release_value();
  require(function->set_tracer("function"), "set_tracer function");
  for (u32 cpu = 0; cpu < 2; ++cpu)
    require(function->buffer().cpu(cpu).resize(TraceInstance::pages_for_kb(kBufferKb)), "resize");
  u64 now = 1'000'000'000;
  for (u32 i = 0; i < 1'500'000; ++i) {
    tg::test::set_clock(now += 150);
    FunctionTracer::record(*function, {i & 1, 100, 0, 1}, kSymbols[i % 3].address,
                           kSymbols[(i + 1) % 3].address + 0x10);
  }
  report("function", render(*function));

  // The graph tracers run in the top instance only.
  auto graph = TraceInstance::create("", true).release_value();
  require(graph->set_tracer("function_graph"), "set_tracer function_graph");
  for (u32 cpu = 0; cpu < 2; ++cpu)
    require(graph->buffer().cpu(cpu).resize(TraceInstance::pages_for_kb(kBufferKb)), "resize");
  for (u32 i = 0; i < 500'000; ++i) {
    RecordContext ctx{0, 100, 0, 0};
    u64 outer = now += 100;
    GraphTracer::record_entry(*graph, ctx, kSymbols[0].address, 0, outer);
    u64 inner = now += 100;
    GraphTracer::record_entry(*graph, ctx, kSymbols[1].address, 1, inner);
    now += 1500;
    GraphTracer::record_return(*graph, ctx, kSymbols[1].address, 1, inner, now, 0);
    now += 100;
    GraphTracer::record_return(*graph, ctx, kSymbols[0].address, 0, outer, now, 0);
  }
  report("function_graph", render(*graph));
  return 0;
}
