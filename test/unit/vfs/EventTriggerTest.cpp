// events/SYS/EVENT/trigger: Linux's event triggers, their listing, errors and effects.
#include "TracefsFixture.h"

using namespace tg;
using namespace tg::test;

namespace {
class EventTrigger : public TracefsTest {
 protected:
  static constexpr const char* kSwitch = "events/sched/sched_switch/trigger";
  static constexpr const char* kPrint = "events/ftrace/print/trigger";
  bool has(const std::string& text, const std::string& what) {
    return text.find(what) != std::string::npos;
  }
};

constexpr const char* kAvailable =
    "# Available triggers:\n"
    "# traceon traceoff snapshot stacktrace enable_event disable_event enable_hist "
    "disable_hist hist\n";
}  // namespace

TEST_F(EventTrigger, EmptyListsTheAvailableTriggers) {
  EXPECT_EQ(mode_of(kSwitch), vfs::kModeRegular | 0640);
  EXPECT_EQ(cat(kSwitch), kAvailable);
  EXPECT_EQ(cat(kPrint), kAvailable);
}

TEST_F(EventTrigger, ListsAsLinuxPrintsThem) {
  ASSERT_EQ(echo(kSwitch, "traceoff"), Errno::kOk);
  EXPECT_EQ(cat(kSwitch), "traceoff:unlimited\n");
  ASSERT_EQ(echo(kSwitch, "snapshot:3 if prev_pid == 0"), Errno::kOk);
  ASSERT_EQ(echo(kSwitch, "enable_event:sched:sched_wakeup:2"), Errno::kOk);
  EXPECT_EQ(cat(kSwitch),
            "enable_event:sched:sched_wakeup:count=2\n"
            "snapshot:count=3 if prev_pid == 0\n"
            "traceoff:unlimited\n");
}

TEST_F(EventTrigger, BangRemovesInTheFormItIsListed) {
  ASSERT_EQ(echo(kSwitch, "traceoff:3"), Errno::kOk);
  ASSERT_EQ(echo(kSwitch, "!traceoff:count=3"), Errno::kOk);
  EXPECT_EQ(cat(kSwitch), kAvailable);
  EXPECT_EQ(echo(kSwitch, "!traceoff"), Errno::kOk);  // nothing there: no error, as Linux
}

TEST_F(EventTrigger, OneOfEachKind) {
  ASSERT_EQ(echo(kSwitch, "traceon"), Errno::kOk);
  EXPECT_EQ(echo(kSwitch, "traceon"), Errno::kExist);
  EXPECT_EQ(echo(kSwitch, "traceoff"), Errno::kExist);
  ASSERT_EQ(echo(kSwitch, "enable_event:sched:sched_wakeup"), Errno::kOk);
  EXPECT_EQ(echo(kSwitch, "disable_event:sched:sched_wakeup"), Errno::kExist);
  EXPECT_EQ(echo(kSwitch, "disable_event:sched:sched_wakeup_new"), Errno::kOk);
}

TEST_F(EventTrigger, BadCommandsAreEinval) {
  for (const char* bad : {"traceoff:badparam", "traceoff+0", "snapshot+1", "stacktrace:foo",
                          "enable_event:nogroup:noevent", "disable_event+1", "enable_event",
                          "traceoff if", "nosuch", "traceoff if a", "traceoff if common_pid=0",
                          "traceoff if common_pid==b", "traceoff if common_pid == child_pid"})
    EXPECT_EQ(echo(kSwitch, bad), Errno::kInval) << bad;
  EXPECT_EQ(cat(kSwitch), kAvailable);
}

TEST_F(EventTrigger, FilterErrorGoesToTheErrorLog) {
  ASSERT_EQ(echo(kSwitch, "traceoff if nosuchfield == 1"), Errno::kInval);
  EXPECT_TRUE(has(cat("error_log"), "event filter parse error"));
}

TEST_F(EventTrigger, SoftModeShowsAStarInEnable) {
  EXPECT_EQ(cat("events/sched/sched_wakeup/enable"), "0\n");
  ASSERT_EQ(echo(kSwitch, "enable_event:sched:sched_wakeup"), Errno::kOk);
  EXPECT_EQ(cat("events/sched/sched_wakeup/enable"), "0*\n");
  EXPECT_EQ(cat("events/sched/sched_switch/enable"), "0*\n");
  ASSERT_EQ(echo(kSwitch, "!enable_event:sched:sched_wakeup"), Errno::kOk);
  EXPECT_EQ(cat("events/sched/sched_wakeup/enable"), "0\n");
  EXPECT_EQ(cat("events/sched/sched_switch/enable"), "0\n");
}

TEST_F(EventTrigger, TraceoffOnAMarkerStopsTracing) {
  ASSERT_EQ(echo(kPrint, "traceoff"), Errno::kOk);
  ASSERT_EQ(mark("stop here"), Errno::kOk);
  EXPECT_EQ(cat("tracing_on"), "0\n");
  EXPECT_TRUE(has(cat("trace"), "stop here"));
}

TEST_F(EventTrigger, CountLimitsHowOftenItActsAndCountsDown) {
  ASSERT_EQ(echo(kPrint, "traceoff:1"), Errno::kOk);
  ASSERT_EQ(mark("one"), Errno::kOk);
  EXPECT_EQ(cat("tracing_on"), "0\n");
  EXPECT_EQ(cat(kPrint), "traceoff:count=0\n");
  ASSERT_EQ(echo("tracing_on", "1"), Errno::kOk);
  ASSERT_EQ(mark("two"), Errno::kOk);
  EXPECT_EQ(cat("tracing_on"), "1\n");
}

TEST_F(EventTrigger, FilterDecidesWhetherItActs) {
  ASSERT_EQ(echo(kPrint, "traceoff if common_pid == 1"), Errno::kOk);
  ASSERT_EQ(mark("pid 4242"), Errno::kOk);
  EXPECT_EQ(cat("tracing_on"), "1\n");
  ASSERT_EQ(echo(kPrint, "!traceoff"), Errno::kOk);
  ASSERT_EQ(echo(kPrint, "traceoff if common_pid == 4242"), Errno::kOk);
  ASSERT_EQ(mark("pid 4242"), Errno::kOk);
  EXPECT_EQ(cat("tracing_on"), "0\n");
}

TEST_F(EventTrigger, EnableEventSwitchesTheTarget) {
  ASSERT_EQ(echo(kPrint, "enable_event:sched:sched_switch"), Errno::kOk);
  ASSERT_EQ(mark("go"), Errno::kOk);
  EXPECT_EQ(cat("events/sched/sched_switch/enable"), "1*\n");
  ASSERT_EQ(echo(kPrint, "!enable_event:sched:sched_switch"), Errno::kOk);
  ASSERT_EQ(echo(kPrint, "disable_event:sched:sched_switch"), Errno::kOk);
  ASSERT_EQ(mark("stop"), Errno::kOk);
  EXPECT_EQ(cat("events/sched/sched_switch/enable"), "0*\n");
}

// Linux's trigger-trace-marker-snapshot.tc: each marker is written, then swapped out.
TEST_F(EventTrigger, SnapshotOnEveryMarkerAlternatesTheBuffers) {
  ASSERT_EQ(echo(kPrint, "snapshot"), Errno::kOk);
  EXPECT_TRUE(has(cat("snapshot"), "Snapshot is allocated"));
  for (int i = 1; i <= 4; ++i) ASSERT_EQ(mark("hello >" + std::to_string(i) + "<"), Errno::kOk);
  std::string trace = cat("trace");
  std::string snapshot = cat("snapshot");
  EXPECT_TRUE(has(trace, ">1<") && has(trace, ">3<"));
  EXPECT_FALSE(has(trace, ">2<") || has(trace, ">4<"));
  EXPECT_TRUE(has(snapshot, ">2<") && has(snapshot, ">4<"));
  EXPECT_FALSE(has(snapshot, ">1<") || has(snapshot, ">3<"));
}

TEST_F(EventTrigger, InstancesKeepTheirOwn) {
  ASSERT_EQ(mkdir("foo"), Errno::kOk);
  ASSERT_EQ(echo(std::string("instances/foo/") + kPrint, "traceoff"), Errno::kOk);
  EXPECT_EQ(cat(kPrint), kAvailable);
  ASSERT_EQ(mark("top"), Errno::kOk);
  EXPECT_EQ(cat("tracing_on"), "1\n");
  ASSERT_EQ(mark("inst", 0, "instances/foo/"), Errno::kOk);
  EXPECT_EQ(cat("instances/foo/tracing_on"), "0\n");
  ASSERT_EQ(rmdir("foo"), Errno::kOk);
}
