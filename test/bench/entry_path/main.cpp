// The kernel's whole recording path, compiled for the host: GCC's -pg -mfentry call sites
// enter the kernel's own trampoline (kernel/Trace/ftrace_entry.S), which runs the kernel's
// dispatch (FtraceDispatch.cpp: recursion guard, flags, filter and pid checks, the graph
// tracer's shadow stack and return hook) and tracefs's tracers into the ring buffer, with a
// TSC clock as the kernel reads it (its own trace_clock). Prints ns per traced call above the same
// loop without fentry sites, for the function and function_graph tracers (or those named after the
// calls and rounds: `entry_path_bench [calls [rounds [tracer...]]]`). Host stand-ins (shim/)
// replace only what a user process cannot do: GS-based per-CPU data and cli/sti.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include "HostPlatform.h"
#include "Tasks/Task.h"
#include "Trace/FtraceDispatch.h"
#include "Trace/TraceClock.h"
#include "trace/Tracing.h"
#include "traced.h"

PerCpu g_bench_cpu;
u64 g_counter_clock;
namespace clock_detail {
u64 g_tsc_base;
u64 g_mult;
}  // namespace clock_detail
bool g_patcher_probes = false;
u32 g_patcher_exact = 0;
bool g_patcher_instance_graphs = false;

void panic(const char* message) {
  std::fprintf(stderr, "entry_path_bench: %s\n", message);
  std::abort();
}

namespace {

// The kernel's trace clock (Trace/TraceClock.h, Time/Clock.h): TSC cycles since a base,
// scaled to ns by a multiply and a 32-bit shift; calibrated here against steady_clock.
void calibrate() {
  auto start = std::chrono::steady_clock::now();
  u64 first = rdtsc();
  while (std::chrono::steady_clock::now() - start < std::chrono::milliseconds(50)) {
  }
  u64 cycles = rdtsc() - first;
  double ns =
      std::chrono::duration<double, std::nano>(std::chrono::steady_clock::now() - start).count();
  clock_detail::g_tsc_base = rdtsc();
  clock_detail::g_mult = static_cast<u64>(ns / static_cast<double>(cycles) * 4294967296.0);
}

// What tracefs reads through the platform, as the kernel's platform gives it.
u64 platform_clock(tg::TraceClock clock) {
  return trace_clock(clock);
}

double ns_per_call(long (*run)(int), int calls) {
  auto start = std::chrono::steady_clock::now();
  volatile long sink = run(calls);
  (void)sink;
  return std::chrono::duration<double, std::nano>(std::chrono::steady_clock::now() - start)
             .count() /
         calls;
}

}  // namespace

int main(int argc, char** argv) {
  int calls = argc > 1 ? std::atoi(argv[1]) : 2'000'000;
  int rounds = argc > 2 ? std::atoi(argv[2]) : 15;
  tg::test::install_host_platform(1);
  calibrate();
  tg::Platform platform = tg::platform();
  platform.clock = platform_clock;
  platform.text_base = reinterpret_cast<u64>(&traced::leaf) & ~u64{0xffffff};
  tg::install_platform(platform);

  auto created = tg::trace::Tracing::create();
  if (!created.ok()) panic("no memory for tracing");
  tg::OwnPtr<tg::trace::Tracing> tracing = created.release_value();
  tg::trace::install_tracing(tracing.get());
  ftrace_dispatch_init();
  static Task task{};
  task.pid = 1;
  g_bench_cpu.current = &task;

  // The tracers to measure: the arguments after the first two, or all three.
  std::vector<const char*> tracers(argv + std::min(argc, 3), argv + argc);
  if (tracers.empty()) tracers = {"nop", "function", "function_graph"};

  std::printf("entry_path_bench: %d calls a round, best of %d rounds\n", calls, rounds);
  for (const char* tracer : tracers) {
    if (!tracing->top().set_tracer(tg::StringView(tracer)).ok()) panic("set_tracer failed");
    std::vector<double> plain_ns, traced_ns;
    for (int round = 0; round < rounds; ++round) {
      plain_ns.push_back(ns_per_call(plain::run, calls));
      traced_ns.push_back(ns_per_call(traced::run, calls));
    }
    double plain = *std::min_element(plain_ns.begin(), plain_ns.end());
    double with = *std::min_element(traced_ns.begin(), traced_ns.end());
    tg::ring::CpuStats stats = tracing->top().buffer().cpu(0).stats();
    std::printf(
        "  %-15s %6.2f ns a call, %6.2f without fentry: %6.2f ns of recording path "
        "(entries %llu, overrun %llu)\n",
        tracer, with, plain, with - plain, static_cast<unsigned long long>(stats.entries),
        static_cast<unsigned long long>(stats.overrun));
  }
  FtraceStats ftrace = ftrace_stats();
  std::printf("  shadow-stack overflows %llu, recursion misses %llu\n",
              static_cast<unsigned long long>(ftrace.shadow_overflows),
              static_cast<unsigned long long>(ftrace.recursion_misses));
  (void)tracing->top().set_tracer("nop");
  return 0;
}
