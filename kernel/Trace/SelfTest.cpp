#include "Trace/SelfTest.h"

#include "Arch/x86_64/DebugExit.h"
#include "Arch/x86_64/PerCpu.h"
#include "Console/Log.h"
#include "Console/Serial.h"
#include "Lib/Format.h"
#include "Lib/String.h"
#include "Tasks/Scheduler.h"
#include "Tasks/Task.h"
#include "Time/Clock.h"
#include "Trace/CodePatcher.h"
#include "Trace/FtraceDispatch.h"
#include "Trace/TraceShell.h"
#include "Workloads/FtraceBenchLoop.h"
#include "Workloads/Workload.h"

namespace {
struct FileWrite {
  const char* file;
  const char* value;
};

struct SelfTest {
  const char* name;
  FileWrite setup[6];
  const char* workloads[3];  // "NAME N", run one after the other while recording
  bool keep_state = false;   // print what is there (boot tracing) instead of resetting
  const char* print_file = "trace";
  // Non-zero: after the workloads the test's own task sleeps this long kSleepsPerTest times
  // (sleep_ns), with set_ftrace_pid limited to that task.
  u32 sleep_ms = 0;
};

constexpr u32 kSleepsPerTest = 3;

// Small buffers and narrow filters keep each trace a few hundred lines: it crosses a
// serial port under TCG.
constexpr SelfTest kSelfTests[] = {
    {"function",
     {{"buffer_size_kb", "64"},
      {"set_ftrace_filter", "kmalloc kfree wake_up_process"},
      {"current_tracer", "function"}},
     {"alloc 4", "pingpong 8"}},
    {"function_filter",
     {{"buffer_size_kb", "64"},
      {"set_ftrace_filter", "kmem_cache_*"},
      {"current_tracer", "function"}},
     {"alloc 4"}},
    {"function_graph",
     {{"buffer_size_kb", "128"},
      {"set_graph_function", "ping pong"},
      {"max_graph_depth", "6"},
      {"current_tracer", "function_graph"}},
     {"pingpong 4"}},
    {"graph_filter",
     {{"buffer_size_kb", "64"},
      {"set_ftrace_filter", "kmalloc kfree"},
      {"current_tracer", "function_graph"}},
     {"alloc 2"}},
    {"graph_function",
     {{"buffer_size_kb", "128"},
      {"set_graph_function", "kmem_cache_destroy"},
      {"current_tracer", "function_graph"}},
     {"alloc 2", "ramfs 2"}},
    {"graph_thresh",
     {{"buffer_size_kb", "64"},
      {"set_graph_function", "workload_timers"},
      {"tracing_thresh", "200"},
      {"current_tracer", "function_graph"}},
     {"timers 4", "alloc 2"}},
    {"function_duration",
     {{"buffer_size_kb", "64"},
      {"set_graph_function", "workload_alloc"},
      {"max_graph_depth", "3"},
      {"current_tracer", "function_duration"}},
     {"alloc 2"}},
    // sleep-time: each sleep_ns call lasts at least its sleep; with nosleep-time, the time
    // the task was switched out is left out of it.
    {"sleep_time",
     {{"buffer_size_kb", "64"},
      {"set_graph_function", "sleep_ns"},
      {"max_graph_depth", "1"},
      {"current_tracer", "function_graph"}},
     {},
     false,
     "trace",
     10},
    {"nosleep_time",
     {{"buffer_size_kb", "64"},
      {"set_graph_function", "sleep_ns"},
      {"max_graph_depth", "1"},
      {"current_tracer", "function_graph"},
      {"trace_options", "nosleep-time"}},
     {},
     false,
     "trace",
     10},
    {"sched",
     {{"buffer_size_kb", "64"},
      {"set_event", "sched:sched_switch sched:sched_waking sched:sched_wakeup"}},
     {"pingpong 6"}},
    {"events",
     {{"buffer_size_kb", "64"},
      {"set_event", "kmem:kmalloc kmem:kfree timer:* irq:* sched:sched_wakeup_new"}},
     {"timers 2", "pingpong 1"}},
    {"boot", {}, {}, true},
    {"functions", {}, {}, true, "available_filter_functions"},
};

// Puts every file a test touches back to its boot value.
constexpr FileWrite kReset[] = {
    {"tracing_on", "0"},        {"current_tracer", "nop"},   {"set_ftrace_filter", ""},
    {"set_ftrace_notrace", ""}, {"set_graph_function", ""},  {"set_graph_notrace", ""},
    {"set_event", ""},          {"tracing_thresh", "0"},     {"max_graph_depth", "0"},
    {"set_ftrace_pid", ""},     {"options/sleep-time", "1"}, {"trace", ""},
};

bool g_failed;

void write_file(const FileWrite& write) {
  int error = trace_echo(write.file, write.value);
  if (!error) return;
  klog("tracing_selftest: writing '%s' to %s failed: errno %d", write.value, write.file, error);
  g_failed = true;
}

void run_workload(const char* command) {
  auto result = workload_run_command(command, strlen(command));
  if (!result.ok() || result.value().status != WorkloadStatus::Ok) {
    klog("tracing_selftest: workload '%s' failed", command);
    g_failed = true;
    return;
  }
  klog("tracing_selftest: workload %s checksum=%lu", command, result.value().checksum);
}

// So that other tasks' calls (a driver's sleep_ns) stay out of the trace.
void trace_only_this_task() {
  char pid[16];
  format(pid, sizeof(pid), "%d", current_task()->pid);
  write_file({"set_ftrace_pid", pid});
}

void run_one(const SelfTest& test) {
  if (!test.keep_state) {
    for (const auto& write : kReset) write_file(write);
    for (const auto& write : test.setup) {
      if (write.file) write_file(write);
    }
    if (test.sleep_ms) trace_only_this_task();
    write_file({"tracing_on", "1"});
    for (const char* command : test.workloads) {
      if (command) run_workload(command);
    }
    for (u32 i = 0; test.sleep_ms && i < kSleepsPerTest; ++i)
      sleep_ns(u64{test.sleep_ms} * 1000000);
  }
  write_file({"tracing_on", "0"});
  klog("tracing_selftest: %s BEGIN", test.name);
  if (trace_cat_to_serial(test.print_file)) g_failed = true;
  klog("tracing_selftest: %s END", test.name);
}

const SelfTest* find_test(const char* name, size_t length) {
  for (const auto& test : kSelfTests) {
    if (strlen(test.name) == length && strncmp(test.name, name, length) == 0) return &test;
  }
  return nullptr;
}

// ---- stress: tracer switches while every workload runs on both CPUs ----

constexpr u32 kStressSteps = 1000;
constexpr const char* kStressTracers[] = {"function", "function_graph", "function_duration", "nop"};

struct StressWorkload {
  const char* name;
  klib::Result<u64> (*run)(u64 iterations);
  u64 iterations;
};
constexpr StressWorkload kStressWorkloads[] = {
    {"alloc", workload_alloc, 3},
    {"ramfs", workload_ramfs, 2},
    {"timers", workload_timers, 2},
    {"pingpong", workload_pingpong, 3},
};

struct StressState {
  u64 expected[array_size(kStressWorkloads)];
  bool stop;
  u64 runs;
  u64 mismatches;
};

void stress_worker(void* argument) {
  auto& state = *static_cast<StressState*>(argument);
  while (!__atomic_load_n(&state.stop, __ATOMIC_ACQUIRE)) {
    for (size_t i = 0; i < array_size(kStressWorkloads); ++i) {
      auto result = kStressWorkloads[i].run(kStressWorkloads[i].iterations);
      __atomic_fetch_add(&state.runs, 1, __ATOMIC_RELAXED);
      if (!result.ok() || result.value() != state.expected[i]) {
        __atomic_fetch_add(&state.mismatches, 1, __ATOMIC_RELAXED);
      }
    }
  }
}

void run_stress() {
  for (const auto& write : kReset) write_file(write);
  write_file({"buffer_size_kb", "32"});
  // Events record too, from the scheduler, interrupts, timers and the heap, on both CPUs.
  write_file({"set_event", "sched:* irq:* timer:* kmem:*"});
  // Every context switch also shifts the hooked calls of the task coming back.
  write_file({"options/sleep-time", "0"});
  StressState state{};
  for (size_t i = 0; i < array_size(kStressWorkloads); ++i) {
    auto result = kStressWorkloads[i].run(kStressWorkloads[i].iterations);
    if (!result.ok()) {
      klog("tracing_selftest: stress: %s failed before the stress", kStressWorkloads[i].name);
      g_failed = true;
      return;
    }
    state.expected[i] = result.value();
  }
  Task* workers[2] = {};
  for (u32 i = 0; i < 2; ++i) {
    auto task =
        kthread_run(i ? "stress1" : "stress0", stress_worker, &state, 1ul << (i % g_cpus_online));
    if (!task.ok()) {
      g_failed = true;
      return;
    }
    workers[i] = task.value();
  }
  u64 start = clock_ns();
  u32 switches = 0;
  u32 toggles = 0;
  for (u32 step = 0; step < kStressSteps; ++step) {
    if (step % 2 == 0) {
      write_file({"current_tracer", kStressTracers[(step / 2) % array_size(kStressTracers)]});
      ++switches;
    } else {
      write_file({"tracing_on", (step / 2) % 2 ? "0" : "1"});
      ++toggles;
    }
  }
  u64 elapsed = clock_ns() - start;
  write_file({"current_tracer", "nop"});
  __atomic_store_n(&state.stop, true, __ATOMIC_RELEASE);
  for (Task* worker : workers) kthread_join(worker);
  PatcherStats patcher = patcher_stats();
  FtraceStats ftrace = ftrace_stats();
  klog("tracing_selftest: stress: %u tracer switches, %u tracing_on toggles in %lu ms", switches,
       toggles, elapsed / 1000000);
  klog("tracing_selftest: stress: %lu workload runs, %lu checksum mismatches", state.runs,
       state.mismatches);
  klog(
      "tracing_selftest: stress: %lu patch passes, %lu sites rewritten, %u bad sites, "
      "%lu shadow stack overflows",
      patcher.updates, patcher.sites_written, patcher.bad_sites, ftrace.shadow_overflows);
  if (state.mismatches || !state.runs || patcher.bad_sites) g_failed = true;
}

// ---- ftrace_bench: cycles per call of a fixed loop under each tracer ----

constexpr u64 kBenchCalls = 20000;
constexpr u32 kBenchRepeats = 5;
constexpr const char* kBenchModes[] = {"nop", "function", "function_graph", "function_duration",
                                       "kprobe"};

// The fastest of a few runs: interrupts and TCG's translation only ever add time.
u64 bench_cycles() {
  u64 best = ~0ul;
  for (u32 run = 0; run < kBenchRepeats; ++run) {
    u64 start = rdtsc();
    u64 sum = ftrace_bench_loop(kBenchCalls);
    u64 cycles = rdtsc() - start;
    asm volatile("" : : "r"(sum));
    if (cycles < best) best = cycles;
  }
  return best;
}

const char* find_text(const char* text, const char* key) {
  size_t length = strlen(key);
  for (; *text; ++text)
    if (strncmp(text, key, length) == 0) return text;
  return nullptr;
}

// Sums `key: N` over every CPU's per_cpu stats file.
u64 stats_total(const char* key) {
  u64 total = 0;
  char path[48];
  char text[512];
  for (u32 cpu = 0; cpu < g_cpus_online; ++cpu) {
    format(path, sizeof(path), "per_cpu/cpu%u/stats", cpu);
    trace_cat_to_buffer(path, text, sizeof(text));
    const char* found = find_text(text, key);
    if (!found) continue;
    found += strlen(key);
    while (*found == ' ') ++found;
    u64 value = 0;
    while (*found >= '0' && *found <= '9') value = value * 10 + static_cast<u64>(*found++ - '0');
    total += value;
  }
  return total;
}

void run_bench() {
  for (const char* mode : kBenchModes) {
    for (const auto& write : kReset) trace_echo(write.file, write.value);
    trace_echo("buffer_size_kb", "2048");
    // Fails on a kernel without fentry sites: there is nothing to select.
    trace_echo("set_ftrace_filter", "ftrace_bench_*");
    // "kprobe": the nop tracer and an entry probe with two fetch args on the same leaf.
    bool kprobe = strcmp(mode, "kprobe") == 0;
    if (kprobe) {
      trace_echo("kprobe_events", "p:bench ftrace_bench_leaf value=$arg1 ret=$stack0");
      trace_echo("events/kprobes/bench/enable", "1");
    } else {
      trace_echo("current_tracer", mode);
    }
    trace_echo("tracing_on", "1");
    u64 cycles = bench_cycles();
    trace_echo("trace", "");
    (void)ftrace_bench_loop(kBenchCalls);
    trace_echo("tracing_on", "0");
    u64 bytes = stats_total("bytes:");
    u64 entries = stats_total("entries:");
    // Removing the probe clears the buffers it wrote to: only after the stats are read.
    if (kprobe) {
      trace_echo("events/kprobes/bench/enable", "0");
      trace_echo("kprobe_events", "");
    }
    u64 centi_cycles = cycles * 100 / kBenchCalls;
    u64 centi_bytes = entries ? bytes * 100 / entries : 0;
    klog(
        "ftrace_bench: mode=%s cycles_per_call=%lu.%02lu entries=%lu bytes=%lu "
        "bytes_per_entry=%lu.%02lu calls=%lu",
        mode, centi_cycles / 100, centi_cycles % 100, entries, bytes, centi_bytes / 100,
        centi_bytes % 100, kBenchCalls);
  }
  for (const auto& write : kReset) trace_echo(write.file, write.value);
  // Whole workloads with tracing off: what the NOPs cost real kernel code paths.
  for (const auto& workload : kStressWorkloads) {
    if (workload.run == workload_pingpong) continue;  // dominated by cross-CPU wake-ups
    u64 best = ~0ul;
    for (u32 run = 0; run < kBenchRepeats; ++run) {
      u64 start = rdtsc();
      (void)workload.run(workload.iterations * 20);
      u64 cycles = rdtsc() - start;
      if (cycles < best) best = cycles;
    }
    klog("ftrace_bench: workload=%s iterations=%lu cycles=%lu", workload.name,
         workload.iterations * 20, best);
  }
}

void run_named(const char* name, size_t length) {
  if (length == 12 && strncmp(name, "ftrace_bench", 12) == 0) {
    klog("tracing_selftest: ftrace_bench BEGIN");
    run_bench();
    klog("tracing_selftest: ftrace_bench END");
    return;
  }
  if (length == 6 && strncmp(name, "stress", 6) == 0) {
    klog("tracing_selftest: stress BEGIN");
    run_stress();
    klog("tracing_selftest: stress END");
    return;
  }
  const SelfTest* test = find_test(name, length);
  if (!test) {
    klog("tracing_selftest: no test named '%.*s'", static_cast<int>(length), name);
    g_failed = true;
    return;
  }
  run_one(*test);
}
}  // namespace

void tracing_selftest_run(const char* names) {
  size_t start = 0;
  size_t length = strlen(names);
  for (size_t i = 0; i <= length; ++i) {
    if (i < length && names[i] != ',') continue;
    if (i > start) run_named(names + start, i - start);
    start = i + 1;
  }
  klog("tracing_selftest: %s", g_failed ? "FAILED" : "PASSED");
  qemu_exit(g_failed ? ExitCode::Failure : ExitCode::Success);
}
