// set_event_pid: the file, and that events (not markers, not function entries) honour it.
#include "TracefsFixture.h"
#include "trace/Events.h"
#include "trace/FunctionTracer.h"

using namespace tg;
using namespace tg::test;

namespace {

constexpr const char* kWakeupEnable = "events/sched/sched_wakeup/enable";
constexpr const char* kSwitchEnable = "events/sched/sched_switch/enable";
constexpr const char* kKfreeEnable = "events/kmem/kfree/enable";

class SetEventPid : public TracefsTest {
 protected:
  void SetUp() override {
    TracefsTest::SetUp();
    trace::install_tracing(tracing_.get());
  }
  void TearDown() override { trace::install_tracing(nullptr); }

  static trace::RecordContext as(i32 pid) { return {0, pid, 0, 0}; }
  bool kfree_by(i32 pid, trace::TraceInstance* instance = nullptr) {
    return trace::emit_kfree(instance ? *instance : tracing_->top(), as(pid), 0x1000, 0x2000);
  }
  bool switch_from_to(i32 prev, i32 next) {
    return trace::emit_sched_switch(tracing_->top(), as(prev), "a", prev, 120, 1, "b", next, 120);
  }
  bool wakeup_by(i32 current, i32 woken) {
    return trace::emit_sched_wakeup(tracing_->top(), as(current), "w", woken, 120, 0);
  }
};

}  // namespace

TEST_F(SetEventPid, EmptyReadsNothing) {
  EXPECT_EQ(cat("set_event_pid"), "");
}

TEST_F(SetEventPid, IsInTheTopDirectoryAndInstancesWithLinuxMode) {
  EXPECT_EQ(mode_of("set_event_pid"), vfs::kModeRegular | 0640);
  ASSERT_EQ(mkdir("foo"), Errno::kOk);
  EXPECT_EQ(mode_of("instances/foo/set_event_pid"), vfs::kModeRegular | 0640);
}

TEST_F(SetEventPid, ListsPidsSorted) {
  ASSERT_EQ(echo("set_event_pid", "12 7"), Errno::kOk);
  EXPECT_EQ(cat("set_event_pid"), "7\n12\n");
}

TEST_F(SetEventPid, AppendKeepsTruncateReplaces) {
  ASSERT_EQ(echo("set_event_pid", "12"), Errno::kOk);
  ASSERT_EQ(echo_append("set_event_pid", "13"), Errno::kOk);
  EXPECT_EQ(cat("set_event_pid"), "12\n13\n");
  ASSERT_EQ(echo("set_event_pid", "5"), Errno::kOk);
  EXPECT_EQ(cat("set_event_pid"), "5\n");
  ASSERT_EQ(echo("set_event_pid", ""), Errno::kOk);
  EXPECT_EQ(cat("set_event_pid"), "");
}

TEST_F(SetEventPid, NonNumericIsEinvalAndChangesNothing) {
  ASSERT_EQ(echo("set_event_pid", "12"), Errno::kOk);
  EXPECT_EQ(echo_append("set_event_pid", "13 abc"), Errno::kInval);
  EXPECT_EQ(cat("set_event_pid"), "12\n");
}

TEST_F(SetEventPid, IsIndependentOfSetFtracePid) {
  ASSERT_EQ(echo("set_event_pid", "12"), Errno::kOk);
  EXPECT_EQ(cat("set_ftrace_pid"), "no pid\n");
}

TEST_F(SetEventPid, EachInstanceHasItsOwn) {
  ASSERT_EQ(mkdir("foo"), Errno::kOk);
  ASSERT_EQ(echo("instances/foo/set_event_pid", "5"), Errno::kOk);
  EXPECT_EQ(cat("instances/foo/set_event_pid"), "5\n");
  EXPECT_EQ(cat("set_event_pid"), "");
}

TEST_F(SetEventPid, EventOfAnUnlistedTaskIsNotRecorded) {
  ASSERT_EQ(echo(kKfreeEnable, "1"), Errno::kOk);
  ASSERT_EQ(echo("set_event_pid", "5"), Errno::kOk);
  EXPECT_FALSE(kfree_by(6));
  EXPECT_EQ(trace_lines().size(), 0u);
  EXPECT_TRUE(kfree_by(5));
  EXPECT_EQ(trace_lines().size(), 1u);
}

TEST_F(SetEventPid, EmptyListRecordsEveryTask) {
  ASSERT_EQ(echo(kKfreeEnable, "1"), Errno::kOk);
  ASSERT_EQ(echo("set_event_pid", "5"), Errno::kOk);
  ASSERT_EQ(echo("set_event_pid", ""), Errno::kOk);
  EXPECT_TRUE(kfree_by(6));
}

TEST_F(SetEventPid, InstanceEventsFollowTheInstanceList) {
  ASSERT_EQ(mkdir("foo"), Errno::kOk);
  ASSERT_EQ(echo("instances/foo/events/kmem/kfree/enable", "1"), Errno::kOk);
  ASSERT_EQ(echo(kKfreeEnable, "1"), Errno::kOk);
  ASSERT_EQ(echo("instances/foo/set_event_pid", "5"), Errno::kOk);
  trace::TraceInstance* foo = tracing_->find("foo");
  ASSERT_NE(foo, nullptr);
  EXPECT_FALSE(kfree_by(6, foo));
  EXPECT_TRUE(kfree_by(6));
}

TEST_F(SetEventPid, SchedSwitchIsRecordedWhenEitherSideIsListed) {
  ASSERT_EQ(echo(kSwitchEnable, "1"), Errno::kOk);
  ASSERT_EQ(echo("set_event_pid", "7"), Errno::kOk);
  EXPECT_TRUE(switch_from_to(7, 5));
  EXPECT_TRUE(switch_from_to(5, 7));
  EXPECT_FALSE(switch_from_to(5, 6));
  EXPECT_EQ(trace_lines().size(), 2u);
}

TEST_F(SetEventPid, SchedWakeupIsRecordedWhenTheWokenTaskIsListed) {
  ASSERT_EQ(echo(kWakeupEnable, "1"), Errno::kOk);
  ASSERT_EQ(echo("set_event_pid", "42"), Errno::kOk);
  EXPECT_TRUE(wakeup_by(4242, 42));
  EXPECT_FALSE(wakeup_by(4242, 43));
}

TEST_F(SetEventPid, SchedWakeupByAListedTaskIsRecorded) {
  ASSERT_EQ(echo(kWakeupEnable, "1"), Errno::kOk);
  ASSERT_EQ(echo("set_event_pid", "42"), Errno::kOk);
  EXPECT_TRUE(wakeup_by(42, 43));
}

TEST_F(SetEventPid, MarkersAreRecordedForAnyTask) {
  ASSERT_EQ(echo("set_event_pid", "1"), Errno::kOk);
  ASSERT_EQ(mark("hello"), Errno::kOk);
  EXPECT_EQ(trace_lines().size(), 1u);
}

TEST_F(SetEventPid, FunctionEntriesAreNotFiltered) {
  ASSERT_EQ(echo("set_event_pid", "1"), Errno::kOk);
  ASSERT_EQ(echo("current_tracer", "function"), Errno::kOk);
  EXPECT_TRUE(trace::FunctionTracer::record(tracing_->top(), as(6), platform().text_base + 0x10,
                                            platform().text_base + 0x20));
}

// ---- set_event_notrace_pid ----

TEST_F(SetEventPid, NotraceListIsInEveryDirectoryAndReadsNothingWhenEmpty) {
  EXPECT_EQ(mode_of("set_event_notrace_pid"), vfs::kModeRegular | 0640);
  EXPECT_EQ(cat("set_event_notrace_pid"), "");
  ASSERT_EQ(mkdir("foo"), Errno::kOk);
  EXPECT_EQ(mode_of("instances/foo/set_event_notrace_pid"), vfs::kModeRegular | 0640);
}

TEST_F(SetEventPid, NotraceListedTaskRecordsNoEvents) {
  ASSERT_EQ(echo(kKfreeEnable, "1"), Errno::kOk);
  ASSERT_EQ(echo("set_event_notrace_pid", "6 9"), Errno::kOk);
  EXPECT_EQ(cat("set_event_notrace_pid"), "6\n9\n");
  EXPECT_FALSE(kfree_by(6));
  EXPECT_TRUE(kfree_by(5));
  EXPECT_EQ(trace_lines().size(), 1u);
  EXPECT_EQ(echo_append("set_event_notrace_pid", "x"), Errno::kInval);
  EXPECT_EQ(cat("set_event_notrace_pid"), "6\n9\n");
}

TEST_F(SetEventPid, NotraceWinsOverTheTraceList) {
  ASSERT_EQ(echo(kKfreeEnable, "1"), Errno::kOk);
  ASSERT_EQ(echo("set_event_pid", "5 6"), Errno::kOk);
  ASSERT_EQ(echo("set_event_notrace_pid", "6"), Errno::kOk);
  EXPECT_TRUE(kfree_by(5));
  EXPECT_FALSE(kfree_by(6));
  EXPECT_FALSE(kfree_by(7));
}

TEST_F(SetEventPid, SchedSwitchToAnUnignoredTaskIsStillRecorded) {
  ASSERT_EQ(echo(kSwitchEnable, "1"), Errno::kOk);
  ASSERT_EQ(echo("set_event_notrace_pid", "7"), Errno::kOk);
  EXPECT_TRUE(switch_from_to(7, 5));
  EXPECT_FALSE(switch_from_to(7, 7));
}
