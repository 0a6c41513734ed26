// set_ftrace_pid / set_event_pid under ThreadSanitizer: a recorder thread tests pids while
// the file side rewrites and clears the list. The host stands in for the kernel's
// synchronize_writers with a grace period: it waits until the recorder has finished a test
// that began after the new list was published.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "HostPlatform.h"
#include "Platform.h"
#include "trace/PidList.h"

using namespace tg;

namespace {

std::atomic<u64> g_tests_done{0};
std::atomic<bool> g_stop{false};

void wait_for_recorder() {
  u64 seen = g_tests_done.load();
  while (g_tests_done.load() < seen + 2 && !g_stop.load()) std::this_thread::yield();
}

}  // namespace

TEST(PidListRace, RecordersNeverReadAFreedOrHalfBuiltList) {
  test::install_host_platform(2);
  Platform platform = tg::platform();
  platform.synchronize_writers = wait_for_recorder;
  install_platform(platform);

  trace::PidList list;
  g_stop = false;
  g_tests_done = 0;
  std::atomic<u64> allowed_seven{0};
  std::thread recorder([&] {
    while (!g_stop.load()) {
      if (list.allows(7)) allowed_seven.fetch_add(1);
      (void)list.contains(12);
      g_tests_done.fetch_add(1);
    }
  });
  for (int round = 0; round < 2000; ++round) {
    ASSERT_TRUE(list.write("7 12 30").ok());
    ASSERT_TRUE(list.write("31 5").ok());
    list.clear();
  }
  g_stop = true;
  recorder.join();
  EXPECT_GT(allowed_seven.load(), 0u);
  test::install_host_platform(2);
}
