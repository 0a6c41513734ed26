// Text formatting throughput: MB/s of `trace` text the formatter produces for a buffer full
// of function records and of function_graph calls (the budget that decides whether the guest
// can format trace_pipe itself or must ship raw pages to the host).
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "HostPlatform.h"
#include "trace/FunctionTracer.h"
#include "trace/GraphTracer.h"
#include "trace/TraceOutput.h"

namespace {

using namespace tg;
using namespace tg::trace;

constexpr u64 kTextBase = 0xffffffff81000000ull;
// As many functions as the kernel has, with names of its lengths, so symbol lookups cost
// what they cost there.
constexpr usize kSymbolCount = 4096;
std::vector<std::string> g_names;
std::vector<Symbol> g_symbols;

void make_symbols() {
  for (usize i = 0; i < kSymbolCount; ++i)
    g_names.push_back((i % 3 ? "tg::trace::Subsystem::function_" : "kernel_function_") +
                      std::to_string(i));
  for (usize i = 0; i < kSymbolCount; ++i)
    g_symbols.push_back({kTextBase + 0x1000 + i * 0x100, 0x100, g_names[i].c_str()});
}
// Caller and callee of the i-th record: spread over the table, as a real trace is.
u64 callee(u32 i) {
  return g_symbols[(i * 2654435761u) % kSymbolCount].address;
}
u64 caller(u32 i) {
  return g_symbols[(i * 40503u + 7) % kSymbolCount].address + 0x10;
}

struct Measure {
  double megabytes;
  double seconds;
};

// Renders the whole buffer chunk by chunk, as the trace file (or, consuming, trace_pipe)
// does; returns bytes and time.
Measure render(TraceInstance& instance, bool consuming = false) {
  auto state = OutputState::create(instance, consuming).release_value();
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
  std::printf("%-28s %8.1f MB of text in %6.3f s: %8.1f MB/s\n", name, m.megabytes, m.seconds,
              m.megabytes / m.seconds);
}

}  // namespace

int main() {
  tg::test::install_host_platform(2);
  Platform with_symbols = platform();
  with_symbols.text_base = kTextBase;
  make_symbols();
  with_symbols.symbols = {g_symbols.data(), g_symbols.size()};
  install_platform(with_symbols);
  constexpr u64 kBufferKb = 32 * 1024;

  auto function = TraceInstance::create("function", false, 2).release_value();
  require(function->set_tracer("function"), "set_tracer function");
  for (u32 cpu = 0; cpu < 2; ++cpu)
    require(function->buffer().cpu(cpu).resize(TraceInstance::pages_for_kb(kBufferKb)), "resize");
  u64 now = 1'000'000'000;
  for (u32 i = 0; i < 1'500'000; ++i) {
    tg::test::set_clock(now += 150);
    FunctionTracer::record(*function, {i & 1, 100, 0, 1}, callee(i), caller(i));
  }
  report("function (trace)", render(*function));
  report("function (trace_pipe)", render(*function, true));

  // The graph tracers run in the top instance only.
  auto graph = TraceInstance::create("", true, 1).release_value();
  require(graph->set_tracer("function_graph"), "set_tracer function_graph");
  for (u32 cpu = 0; cpu < 2; ++cpu)
    require(graph->buffer().cpu(cpu).resize(TraceInstance::pages_for_kb(kBufferKb)), "resize");
  for (u32 i = 0; i < 500'000; ++i) {
    RecordContext ctx{0, 100, 0, 0};
    u64 outer = now += 100;
    GraphTracer::record_entry(*graph, ctx, callee(i), 0, outer);
    u64 inner = now += 100;
    GraphTracer::record_entry(*graph, ctx, callee(i + 1), 1, inner);
    now += 1500;
    GraphTracer::record_return(*graph, ctx, callee(i + 1), 1, inner, now, 0);
    now += 100;
    GraphTracer::record_return(*graph, ctx, callee(i), 0, outer, now, 0);
  }
  report("function_graph (trace)", render(*graph));
  report("function_graph (trace_pipe)", render(*graph, true));
  return 0;
}
