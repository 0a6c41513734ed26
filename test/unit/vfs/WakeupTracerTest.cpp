// wakeup, wakeup_rt and wakeup_dl: the latency from a task's wakeup to the switch onto it,
// the worst case kept in the max buffer and shown by `trace` in Linux's latency format.
#include "TracefsFixture.h"
#include "trace/CommCache.h"
#include "trace/WakeupTracer.h"

using namespace tg;
using namespace tg::test;

namespace {

constexpr u64 kStart = 1'000'000'000;
constexpr u8 kIrqsOff = 0x01;

trace::SchedTask task(i32 pid, i32 prio, StringView comm, u32 cpu = 0) {
  trace::SchedTask t;
  t.pid = pid;
  t.prio = prio;
  t.cpu = cpu;
  t.comm = comm;
  if (prio < trace::SchedTask::kMaxRtPrio) {
    t.policy = trace::SchedTask::kPolicyFifo;
    t.rt_priority = static_cast<u8>(99 - prio);
  }
  return t;
}

class WakeupTracer : public TracefsTest {
 protected:
  void SetUp() override {
    TracefsTest::SetUp();
    set_clock(kStart);
    trace::save_comm(4, "work");
    trace::save_comm(5, "rx");
    trace::save_comm(6, "other");
  }
  trace::TraceInstance& top() { return tracing_->top(); }
  const trace::Tracer& tracer() { return top().tracer(); }
  static trace::RecordContext on_cpu(u32 cpu, i32 pid) { return {cpu, pid, kIrqsOff, 0}; }

  // `current` (pid 4, normal) wakes `wakee` on CPU 0: the scheduler's sched_wakeup.
  void wake(const trace::SchedTask& wakee, const trace::SchedTask& current) {
    tracer().on_sched_wakeup(top(), on_cpu(current.cpu, current.pid), wakee, current,
                             {0x7010, 0x6020, 0});
  }
  void switch_to(const trace::SchedTask& prev, const trace::SchedTask& next) {
    tracer().on_sched_switch(top(), on_cpu(next.cpu, prev.pid), prev, next, {0x7020, 0x6030, 0});
  }
  void call(u32 cpu, u64 ip, u64 parent) {
    tracer().on_function(top(), on_cpu(cpu, 4), ip, parent);
  }
  // A wakeup of rx (FIFO 50) by work, `ns` before the switch onto it; a microsecond after
  // whatever came before.
  void measure(u64 ns) {
    advance_clock(1000);
    trace::SchedTask work = task(4, 120, "work");
    trace::SchedTask rx = task(5, 49, "rx");
    wake(rx, work);
    advance_clock(ns);
    switch_to(work, rx);
  }
  bool has(const std::string& text, const std::string& what) {
    return text.find(what) != std::string::npos;
  }
};

constexpr const char* kLatencyColumns =
    "#                    _------=> CPU#            \n"
    "#                   / _-----=> irqs-off/BH-disabled\n"
    "#                  | / _----=> need-resched    \n"
    "#                  || / _---=> hardirq/softirq \n"
    "#                  ||| / _--=> preempt-depth   \n"
    "#                  |||| / _-=> migrate-disable \n"
    "#                  ||||| /     delay           \n"
    "#  cmd     pid     |||||| time  |   caller     \n"
    "#     \\   /        ||||||  \\    |    /       \n";

}  // namespace

TEST(ReportLatency, AboveTheMaximumWithoutThreshold) {
  EXPECT_TRUE(trace::report_latency(11, 10, 0));
  EXPECT_FALSE(trace::report_latency(10, 10, 0));
}

TEST(ReportLatency, AtOrAboveTheThresholdWhateverTheMaximum) {
  EXPECT_TRUE(trace::report_latency(5, 100, 5));
  EXPECT_FALSE(trace::report_latency(4, 0, 5));
}

TEST_F(WakeupTracer, TheThreeAreSelectableAndTurnOnTheLatencyFormat) {
  for (const char* name : {"wakeup", "wakeup_rt", "wakeup_dl"}) {
    ASSERT_EQ(echo("current_tracer", name), Errno::kOk) << name;
    EXPECT_EQ(cat("current_tracer"), std::string(name) + "\n");
    EXPECT_TRUE(has(cat("trace_options"), "\nlatency-format\n"));
  }
  ASSERT_EQ(echo("current_tracer", "nop"), Errno::kOk);
  EXPECT_TRUE(has(cat("trace_options"), "\nnolatency-format\n"));
}

TEST_F(WakeupTracer, TracingMaxLatencyIsAFileInMicroseconds) {
  EXPECT_EQ(mode_of("tracing_max_latency"), vfs::kModeRegular | 0640);
  EXPECT_EQ(cat("tracing_max_latency"), "0\n");
  ASSERT_EQ(echo("tracing_max_latency", "250"), Errno::kOk);
  EXPECT_EQ(cat("tracing_max_latency"), "250\n");
  EXPECT_EQ(echo("tracing_max_latency", "abc"), Errno::kInval);
}

TEST_F(WakeupTracer, AnRtWakeupIsMeasuredUntilTheSwitchOntoIt) {
  ASSERT_EQ(echo("current_tracer", "wakeup_rt"), Errno::kOk);
  trace::SchedTask work = task(4, 120, "work");
  trace::SchedTask rx = task(5, 49, "rx");
  wake(rx, work);
  advance_clock(2000);
  call(0, 0x1000, 0x3000);
  advance_clock(13000);
  switch_to(work, rx);
  EXPECT_EQ(cat("tracing_max_latency"), "15\n");
  EXPECT_EQ(cat("trace"),
            std::string("# tracer: wakeup_rt\n"
                        "#\n"
                        "# wakeup_rt latency trace v1.1.5 on tracegate\n"
                        "# --------------------------------------------------------------------\n"
                        "# latency: 15 us, #5/5, CPU#0 | (M:preempt VP:0, KP:0, SP:0 HP:0 #P:2)\n"
                        "#    -----------------\n"
                        "#    | task: rx-5 (uid:0 nice:0 policy:1 rt_prio:50)\n"
                        "#    -----------------\n"
                        "#\n") +
                kLatencyColumns +
                "    work-4         0d....    0us :        4:120:R   + [000]       5: 49:R rx\n"
                "    work-4         0d....    0us : schedule <-Scheduler::pick_next\n"
                "    work-4         0d....    2us+: kmalloc <-kfree\n"
                "    work-4         0d....   15us : schedule <-Scheduler::pick_next\n"
                "    work-4         0d....   15us :        4:120:R ==> [000]       5: 49:R rx\n");
}

TEST_F(WakeupTracer, WakeupRtLeavesNormalTasksAlone) {
  ASSERT_EQ(echo("current_tracer", "wakeup_rt"), Errno::kOk);
  trace::SchedTask idle = task(0, 120, "swapper/0");
  trace::SchedTask other = task(6, 110, "other");
  wake(other, idle);
  advance_clock(5000);
  switch_to(idle, other);
  EXPECT_EQ(cat("tracing_max_latency"), "0\n");
  EXPECT_EQ(cat("trace"), "# tracer: wakeup_rt\n#\n");
}

TEST_F(WakeupTracer, WakeupTakesANormalTaskThatOutranksTheWaker) {
  ASSERT_EQ(echo("current_tracer", "wakeup"), Errno::kOk);
  trace::SchedTask work = task(4, 120, "work");
  trace::SchedTask other = task(6, 110, "other");
  wake(other, work);
  advance_clock(7000);
  switch_to(work, other);
  EXPECT_EQ(cat("tracing_max_latency"), "7\n");
  EXPECT_TRUE(has(cat("trace"), "#    | task: other-6 (uid:0 nice:0 policy:0 rt_prio:0)\n"));
}

TEST_F(WakeupTracer, WakeupIgnoresATaskNoHigherThanTheWaker) {
  ASSERT_EQ(echo("current_tracer", "wakeup"), Errno::kOk);
  trace::SchedTask rx = task(5, 49, "rx");
  trace::SchedTask other = task(6, 120, "other");
  wake(other, rx);
  advance_clock(7000);
  switch_to(rx, other);
  EXPECT_EQ(cat("tracing_max_latency"), "0\n");
}

TEST_F(WakeupTracer, WakeupDlRecordsNothingWithoutDeadlineTasks) {
  ASSERT_EQ(echo("current_tracer", "wakeup_dl"), Errno::kOk);
  measure(9000);
  EXPECT_EQ(cat("tracing_max_latency"), "0\n");
  EXPECT_EQ(cat("trace"), "# tracer: wakeup_dl\n#\n");
}

TEST_F(WakeupTracer, AShorterLatencyKeepsTheMaximumUntilItIsReset) {
  ASSERT_EQ(echo("current_tracer", "wakeup_rt"), Errno::kOk);
  measure(20000);
  measure(3000);
  EXPECT_EQ(cat("tracing_max_latency"), "20\n");
  EXPECT_TRUE(has(cat("trace"), "# latency: 20 us,"));
  ASSERT_EQ(echo("tracing_max_latency", "0"), Errno::kOk);
  measure(3000);
  EXPECT_EQ(cat("tracing_max_latency"), "3\n");
  std::string text = cat("trace");
  EXPECT_TRUE(has(text, "# latency: 3 us, #4/4,"));
  // Only the last measurement's records: the earlier ones precede its start.
  EXPECT_EQ(trace_lines().size(), 4u);
}

TEST_F(WakeupTracer, TracingThreshKeepsEveryLatencyAtOrAboveIt) {
  ASSERT_EQ(echo("current_tracer", "wakeup_rt"), Errno::kOk);
  ASSERT_EQ(echo("tracing_thresh", "5"), Errno::kOk);
  measure(20000);
  measure(6000);
  EXPECT_EQ(cat("tracing_max_latency"), "6\n");
  measure(4000);
  EXPECT_EQ(cat("tracing_max_latency"), "6\n");
}

TEST_F(WakeupTracer, FunctionsAreRecordedOnlyOnTheWakeeCpuAndWithFunctionTrace) {
  ASSERT_EQ(echo("current_tracer", "wakeup_rt"), Errno::kOk);
  trace::SchedTask work = task(4, 120, "work");
  trace::SchedTask rx = task(5, 49, "rx");
  wake(rx, work);
  call(1, 0x4000, 0x3000);
  call(0, 0x1000, 0x3000);
  ASSERT_EQ(echo("options/function-trace", "0"), Errno::kOk);
  call(0, 0x5000, 0x3000);
  advance_clock(1000);
  switch_to(work, rx);
  std::string text = cat("trace");
  EXPECT_TRUE(has(text, "kmalloc <-kfree"));
  EXPECT_FALSE(has(text, "vfs_read"));
  EXPECT_FALSE(has(text, "vfs_write"));
}

TEST_F(WakeupTracer, NothingIsMeasuredWhileTracingIsOff) {
  ASSERT_EQ(echo("current_tracer", "wakeup_rt"), Errno::kOk);
  ASSERT_EQ(echo("tracing_on", "0"), Errno::kOk);
  measure(9000);
  EXPECT_EQ(cat("tracing_max_latency"), "0\n");
  ASSERT_EQ(echo("tracing_on", "1"), Errno::kOk);
  measure(9000);
  EXPECT_EQ(cat("tracing_max_latency"), "9\n");
}

TEST_F(WakeupTracer, TheSnapshotFileIsBusyWhileALatencyTracerRuns) {
  ASSERT_EQ(echo("current_tracer", "wakeup"), Errno::kOk);
  EXPECT_EQ(read_error("snapshot"), Errno::kBusy);
  EXPECT_EQ(echo("snapshot", "1"), Errno::kBusy);
  ASSERT_EQ(echo("current_tracer", "nop"), Errno::kOk);
  EXPECT_EQ(echo("snapshot", "1"), Errno::kOk);
}

TEST_F(WakeupTracer, TracePipeConsumesTheLiveBufferInTheLatencyFormat) {
  ASSERT_EQ(echo("current_tracer", "wakeup_rt"), Errno::kOk);
  measure(4000);
  measure(1000);
  // The second, shorter measurement stays in the live buffer.
  auto pipe = open("trace_pipe", vfs::kOpenReadOnly | vfs::kOpenNonBlock);
  ASSERT_TRUE(pipe.ok());
  std::string text = read_all(*pipe.value());
  table_.release(pipe.release_value());
  EXPECT_TRUE(has(text, "   + [000]       5: 49:R rx\n"));
  EXPECT_TRUE(has(text, " ==> [000]       5: 49:R rx\n"));
}

TEST_F(WakeupTracer, SwitchingAwayGivesTheOptionsBack) {
  ASSERT_EQ(echo("options/overwrite", "0"), Errno::kOk);
  ASSERT_EQ(echo("current_tracer", "wakeup"), Errno::kOk);
  EXPECT_EQ(cat("options/overwrite"), "1\n");
  ASSERT_EQ(echo("current_tracer", "function"), Errno::kOk);
  EXPECT_EQ(cat("options/overwrite"), "0\n");
  EXPECT_EQ(cat("options/latency-format"), "0\n");
}

TEST_F(WakeupTracer, RunsInOneInstanceAtATime) {
  ASSERT_EQ(mkdir("lat"), Errno::kOk);
  ASSERT_EQ(mkdir("other"), Errno::kOk);
  ASSERT_EQ(echo("instances/lat/current_tracer", "wakeup_rt"), Errno::kOk);
  EXPECT_EQ(echo("instances/other/current_tracer", "wakeup"), Errno::kBusy);
  EXPECT_EQ(echo("current_tracer", "wakeup_dl"), Errno::kBusy);
  ASSERT_EQ(echo("instances/lat/current_tracer", "nop"), Errno::kOk);
  EXPECT_EQ(echo("instances/other/current_tracer", "wakeup"), Errno::kOk);
}

TEST_F(WakeupTracer, AnInstanceKeepsItsOwnMaximum) {
  ASSERT_EQ(mkdir("lat"), Errno::kOk);
  ASSERT_EQ(echo("instances/lat/current_tracer", "wakeup_rt"), Errno::kOk);
  trace::TraceInstance* lat = nullptr;
  tracing_->for_each_recorder([&](trace::TraceInstance& instance) {
    if (!instance.is_top()) lat = &instance;
  });
  ASSERT_NE(lat, nullptr);
  trace::SchedTask work = task(4, 120, "work");
  trace::SchedTask rx = task(5, 49, "rx");
  lat->tracer().on_sched_wakeup(*lat, on_cpu(0, 4), rx, work, {0x7010, 0x6020, 0});
  advance_clock(8000);
  lat->tracer().on_sched_switch(*lat, on_cpu(0, 4), work, rx, {0x7020, 0x6030, 0});
  EXPECT_EQ(cat("instances/lat/tracing_max_latency"), "8\n");
  EXPECT_EQ(cat("tracing_max_latency"), "0\n");
  EXPECT_TRUE(
      has(cat("instances/lat/trace"), "#    | task: rx-5 (uid:0 nice:0 policy:1 rt_prio:50)\n"));
  ASSERT_EQ(echo("instances/lat/current_tracer", "nop"), Errno::kOk);
}
