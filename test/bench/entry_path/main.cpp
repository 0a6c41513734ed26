// The kernel's whole recording path, compiled for the host: GCC's -pg -mfentry call sites
// enter the kernel's own trampoline (kernel/Trace/ftrace_entry.S), which runs the kernel's
// dispatch (FtraceDispatch.cpp: recursion guard, flags, filter and pid checks, the graph
// tracer's shadow stack and return hook) and tracefs's tracers into the ring buffer, with a
// TSC clock as the kernel reads it (its own trace_clock). Prints ns per traced call above the same
// loop without fentry sites, for the function and function_graph tracers (or those named after the
// calls and rounds: `entry_path_bench [calls [rounds [tracer...]]]`). As the kernel's patcher,
// it makes the site jump to its stub (GraphStubs.h) while the tracer hooks returns;
// `function_graph:call` measures the same tracer through ftrace_caller and a return slot
// swapped for return_to_handler. Host stand-ins (shim/) replace only what a user process
// cannot do: GS-based per-CPU data and cli/sti.
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "HostPlatform.h"
#include "Tasks/Task.h"
#include "Trace/FtraceDispatch.h"
#include "Trace/GraphStubs.h"
#include "Trace/TraceClock.h"
#include "trace/Tracing.h"
#include "traced.h"

extern "C" u8 ftrace_graph_stubs[];  // ftrace_entry.S

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

// Text the bench rewrites, as the kernel's patcher does its own (mapped writable there).
void make_writable(const void* address, size_t size) {
  u64 page = static_cast<u64>(sysconf(_SC_PAGESIZE));
  u64 start = reinterpret_cast<u64>(address) & ~(page - 1);
  u64 end = reinterpret_cast<u64>(address) + size;
  if (mprotect(reinterpret_cast<void*>(start), end - start, PROT_READ | PROT_WRITE | PROT_EXEC))
    panic("mprotect failed");
}

// leaf's fentry site: `call __fentry__` as compiled, or `jmp` to its stub.
class LeafSite {
 public:
  LeafSite() : site_(reinterpret_cast<u8*>(&traced::leaf)) {
    make_writable(site_, sizeof compiled_);
    std::memcpy(compiled_, site_, sizeof compiled_);
    if (compiled_[0] != 0xe8) panic("leaf does not start with its fentry call");
    make_writable(ftrace_graph_stubs, kGraphStubSize);
    stub_ = graph_stub_write(0, reinterpret_cast<u64>(site_));
  }
  void jump_to_stub(bool stub) {
    if (!stub) {
      std::memcpy(site_, compiled_, sizeof compiled_);
      return;
    }
    i32 rel = static_cast<i32>(static_cast<i64>(stub_) - reinterpret_cast<i64>(site_ + 5));
    u8 jump[5] = {0xe9};
    std::memcpy(jump + 1, &rel, sizeof rel);
    std::memcpy(site_, jump, sizeof jump);
  }

 private:
  u8* site_;
  u8 compiled_[5];
  u64 stub_;
};

// The records a round of `calls` leaves in the ring: none under nop, the function tracer's
// one a call, function_graph's entry and return.
u64 records_a_call(const tg::trace::Tracer& tracer) {
  if (tracer.hooks_returns()) return 2;
  return tracer.on_function ? 1 : 0;
}

u64 records_written(const tg::ring::CpuStats& stats) {
  return stats.entries + stats.overrun;
}

double ns_per_call(long (*run)(int), int calls) {
  auto start = std::chrono::steady_clock::now();
  volatile long sink = run(calls);
  (void)sink;
  return std::chrono::duration<double, std::nano>(std::chrono::steady_clock::now() - start)
             .count() /
         calls;
}

// With the task's shadow stack full, a call's return cannot be hooked: it is counted as an
// overflow and leaves no record (the frame is pushed before the entry is written), and it
// still returns its value.
void check_full_shadow_stack(tg::trace::TraceInstance& top, Task& task) {
  u64 written_before = records_written(top.buffer().cpu(0).stats());
  u64 overflows_before = ftrace_stats().shadow_overflows;
  task.shadow_stack.top = ShadowStack::kFrames;
  task.shadow_stack.side_frames = ShadowStack::kFrames;  // depth 0 for the graph's lists
  bool right = traced::run(1) == plain::run(1);
  task.shadow_stack.top = 0;
  task.shadow_stack.side_frames = 0;
  if (!right) panic("a call with a full shadow stack returned a wrong value");
  if (ftrace_stats().shadow_overflows != overflows_before + 1) panic("the overflow went uncounted");
  if (records_written(top.buffer().cpu(0).stats()) != written_before)
    panic("a call whose return was not hooked left a record");
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
  std::vector<std::string> tracers(argv + std::min(argc, 3), argv + argc);
  if (tracers.empty()) tracers = {"nop", "function", "function_graph", "function_graph:call"};
  LeafSite site;

  std::printf("entry_path_bench: %d calls a round, best of %d rounds\n", calls, rounds);
  for (const std::string& label : tracers) {
    std::string tracer = label.substr(0, label.find(':'));
    if (!tracing->top().set_tracer(tg::StringView(tracer.c_str())).ok()) panic("set_tracer failed");
    // What the kernel's patcher publishes with no probes and no stack tracer: the sites are
    // exactly the top instance's lists.
    g_patcher_exact = tracing->sole_function_slot();
    site.jump_to_stub(tracing->top().tracer().hooks_returns() && label.find(':') == label.npos);
    // The measured path must also be right: every call returns its value and leaves its
    // records, and the hooked returns leave the shadow stack as they found it.
    u64 written_before = records_written(tracing->top().buffer().cpu(0).stats());
    if (traced::run(calls) != plain::run(calls)) panic("a traced call returned a wrong value");
    std::vector<double> plain_ns, traced_ns;
    for (int round = 0; round < rounds; ++round) {
      plain_ns.push_back(ns_per_call(plain::run, calls));
      traced_ns.push_back(ns_per_call(traced::run, calls));
    }
    double plain = *std::min_element(plain_ns.begin(), plain_ns.end());
    double with = *std::min_element(traced_ns.begin(), traced_ns.end());
    tg::ring::CpuStats stats = tracing->top().buffer().cpu(0).stats();
    u64 expected = static_cast<u64>(calls) * static_cast<u64>(rounds + 1) *
                   records_a_call(tracing->top().tracer());
    if (records_written(stats) - written_before != expected) panic("records missing or extra");
    if (task.shadow_stack.top != 0) panic("hooked returns left frames behind");
    if (tracing->top().tracer().hooks_returns()) check_full_shadow_stack(tracing->top(), task);
    std::printf(
        "  %-20s %6.2f ns a call, %6.2f without fentry: %6.2f ns of recording path "
        "(entries %llu, overrun %llu)\n",
        label.c_str(), with, plain, with - plain, static_cast<unsigned long long>(stats.entries),
        static_cast<unsigned long long>(stats.overrun));
  }
  FtraceStats ftrace = ftrace_stats();
  std::printf("  shadow-stack overflows %llu, recursion misses %llu\n",
              static_cast<unsigned long long>(ftrace.shadow_overflows),
              static_cast<unsigned long long>(ftrace.recursion_misses));
  (void)tracing->top().set_tracer("nop");
  return 0;
}
