// set_ftrace_filter and friends under ThreadSanitizer: recorder threads test addresses and
// fire counted probes while the file side rewrites the list. The host stands in for the
// kernel's synchronize_writers with a grace period, as in the pid-list test.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "FakeSymbols.h"
#include "HostPlatform.h"
#include "Platform.h"
#include "trace/FunctionFilter.h"

using namespace tg;

namespace {

// One call of `ip` where every probe applies: how many probes acted.
u64 fire(trace::FunctionFilter& filter, u64 ip) {
  u64 acted = 0;
  filter.run_probes(
      ip, [](trace::FunctionFilter::Command, u16) { return true; },
      [&](trace::FunctionFilter::Command, u16) { ++acted; });
  return acted;
}

// Tests finished by each of the two recorder threads.
std::atomic<u64> g_tests_done[2];
std::atomic<bool> g_stop{false};

// Every recorder has finished a test that began after the caller's publish.
void wait_for_recorders() {
  for (auto& done : g_tests_done) {
    u64 seen = done.load();
    while (done.load() < seen + 2 && !g_stop.load()) std::this_thread::yield();
  }
}

class FunctionFilterRace : public testing::Test {
 protected:
  void SetUp() override {
    test::install_host_platform(2);
    Platform platform = tg::platform();
    platform.synchronize_writers = wait_for_recorders;
    platform.symbols = test::kFakeSymbols;
    install_platform(platform);
    g_stop = false;
    for (auto& done : g_tests_done) done = 0;
  }
  void TearDown() override { test::install_host_platform(2); }
};

}  // namespace

TEST_F(FunctionFilterRace, RecordersNeverReadAFreedOrHalfBuiltList) {
  trace::FunctionFilter filter(trace::FunctionFilter::Flavor::kFilter);
  std::atomic<u64> kfree_admitted{0};
  auto recorder = [&](int which) {
    while (!g_stop.load()) {
      if (filter.admits(0x3010)) kfree_admitted.fetch_add(1);
      (void)filter.contains_address(0x1010);
      (void)fire(filter, 0x7000);
      g_tests_done[which].fetch_add(1);
    }
  };
  std::thread first(recorder, 0);
  std::thread second(recorder, 1);
  for (int round = 0; round < 150; ++round) {
    ASSERT_TRUE(filter.apply_word("kmalloc*").ok());
    ASSERT_TRUE(filter.apply_word("schedule:traceoff:3").ok());
    ASSERT_TRUE(filter.apply_word("kfree").ok());
    ASSERT_TRUE(filter.apply_word("!schedule:traceoff:3").ok());
    ASSERT_TRUE(filter.clear_names().ok());
  }
  g_stop = true;
  first.join();
  second.join();
  EXPECT_GT(kfree_admitted.load(), 0u);
}

TEST_F(FunctionFilterRace, CountedProbeFiresExactlyItsCountAcrossThreads) {
  trace::FunctionFilter filter(trace::FunctionFilter::Flavor::kFilter);
  ASSERT_TRUE(filter.apply_word("schedule:traceoff:1000").ok());
  std::atomic<u64> fired{0};
  std::vector<std::thread> recorders;
  for (int t = 0; t < 4; ++t)
    recorders.emplace_back([&] {
      for (int i = 0; i < 600; ++i) {
        fired.fetch_add(fire(filter, 0x7004));
      }
    });
  for (auto& thread : recorders) thread.join();
  EXPECT_EQ(fired.load(), 1000u);
  String out;
  ASSERT_TRUE(filter.show(out).ok());
  EXPECT_EQ(std::string(out.data(), out.size()),
            "#### all functions enabled ####\nschedule:traceoff:count=0\n");
}

TEST_F(FunctionFilterRace, CountedProbeIsSpentExactlyOnceWhileTheListIsRewritten) {
  trace::FunctionFilter filter(trace::FunctionFilter::Flavor::kFilter);
  constexpr u64 kCount = 200000;
  ASSERT_TRUE(filter.apply_word("schedule:traceoff:200000").ok());
  std::atomic<u64> fired{0};
  auto recorder = [&](int which) {
    while (!g_stop.load()) {
      fired.fetch_add(fire(filter, 0x7004));
      g_tests_done[which].fetch_add(1);
    }
  };
  std::thread first(recorder, 0);
  std::thread second(recorder, 1);
  // Every write copies the probe's count into a new snapshot while the recorders spend it.
  for (int round = 0; round < 300 && fired.load() < kCount; ++round) {
    ASSERT_TRUE(filter.apply_word("kfree").ok());
    ASSERT_TRUE(filter.apply_word("!kfree").ok());
  }
  String out;
  while (true) {
    out.clear();
    ASSERT_TRUE(filter.show(out).ok());
    if (std::string(out.data(), out.size()).find("count=0") != std::string::npos) break;
    std::this_thread::yield();
  }
  g_stop = true;
  first.join();
  second.join();
  EXPECT_EQ(fired.load(), kCount);
}
