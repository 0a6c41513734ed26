// The function profiler under ThreadSanitizer: a recorder thread counts calls on "its CPU"
// (claiming records, adding time) while another thread reads that CPU's stats, as
// trace_stat/functionN does, and the control side turns the profiler off and on. The host
// stands in for synchronize_writers with a grace period: it waits until the recorder has
// finished a call that began after the profiler was turned off.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "HostPlatform.h"
#include "Platform.h"
#include "trace/FunctionProfiler.h"

using namespace tg;

namespace {

constexpr u64 kFunctions = 64;
Symbol g_symbols[kFunctions];
char g_names[kFunctions][8];
std::atomic<u64> g_calls_done{0};
std::atomic<bool> g_stop{false};

void wait_for_recorder() {
  u64 seen = g_calls_done.load();
  while (g_calls_done.load() < seen + 2 && !g_stop.load()) std::this_thread::yield();
}

}  // namespace

TEST(FunctionProfilerRace, ReadersSeeWholeRecordsWhileTheOwningCpuCounts) {
  test::install_host_platform(2);
  for (u64 i = 0; i < kFunctions; ++i) {
    g_names[i][0] = 'f';
    g_names[i][1] = static_cast<char>('0' + i / 10);
    g_names[i][2] = static_cast<char>('0' + i % 10);
    g_symbols[i] = Symbol{0x1000 * (i + 1), 0x100, g_names[i]};
  }
  Platform platform = tg::platform();
  platform.symbols = Span<const Symbol>(g_symbols, kFunctions);
  platform.synchronize_writers = wait_for_recorder;
  install_platform(platform);

  trace::FunctionProfiler profiler;
  ASSERT_TRUE(profiler.enable().ok());
  g_stop = false;
  g_calls_done = 0;
  std::thread recorder([&] {
    u64 now = 1;
    for (u64 i = 0; !g_stop.load(); ++i) {
      trace::ProfiledCall call;
      if (profiler.enter(0, g_symbols[i % kFunctions].address, now, call))
        profiler.leave(0, call, now + 10, nullptr, true);
      now += 20;
      g_calls_done.fetch_add(1);
    }
  });
  // A loaded machine may not run the recorder for a while: let it count every function once
  // first, so the reads below always have records to race with.
  while (g_calls_done.load() < kFunctions) std::this_thread::yield();
  u64 rows = 0;
  for (int round = 0; round < 3000; ++round) {
    auto stats = profiler.stats(0);
    ASSERT_TRUE(stats.ok());
    for (const trace::FunctionStat& stat : stats.value()) {
      ASSERT_NE(stat.hits, 0u);
      ASSERT_EQ(stat.ip % 0x1000, 0u);
      ++rows;
    }
    if (round % 100 == 99) {
      profiler.disable();
      wait_for_recorder();
      ASSERT_TRUE(profiler.enable().ok());
    }
  }
  g_stop = true;
  recorder.join();
  EXPECT_GT(rows, 0u);
  EXPECT_EQ(profiler.misses(), 0u);
  test::install_host_platform(2);
}
