// irqsoff: the longest stretch a CPU ran with interrupts masked, kept in the max buffer and
// shown with where it started and ended.
#include "TracefsFixture.h"
#include "trace/CommCache.h"

using namespace tg;
using namespace tg::test;

namespace {

constexpr u64 kStart = 2'000'000'000;
constexpr u8 kIrqsOff = 0x01;

class IrqsoffTracer : public TracefsTest {
 protected:
  void SetUp() override {
    TracefsTest::SetUp();
    set_clock(kStart);
    trace::save_comm(4, "work");
    current_.pid = 4;
    current_.comm = "work";
  }
  trace::TraceInstance& top() { return tracing_->top(); }
  static trace::RecordContext on_cpu(u32 cpu) { return {cpu, 4, kIrqsOff, 0}; }
  // The kernel's reports: kmalloc (called from kfree) masks, vfs_read (from vfs_write) unmasks.
  void mask(u32 cpu = 0) {
    top().tracer().on_irqs_edge(top(), on_cpu(cpu), true, {0x1010, 0x3010, 0}, current_);
  }
  void unmask(u32 cpu = 0) {
    top().tracer().on_irqs_edge(top(), on_cpu(cpu), false, {0x4010, 0x5010, 0}, current_);
  }
  void masked_for(u64 ns, u32 cpu = 0) {
    advance_clock(1000);
    mask(cpu);
    advance_clock(ns);
    unmask(cpu);
  }
  bool has(const std::string& text, const std::string& what) {
    return text.find(what) != std::string::npos;
  }
  trace::SchedTask current_;
};

}  // namespace

TEST_F(IrqsoffTracer, AMaskedStretchIsMeasuredFromMaskToUnmask) {
  ASSERT_EQ(echo("current_tracer", "irqsoff"), Errno::kOk);
  mask();
  advance_clock(3000);
  top().tracer().on_function(top(), on_cpu(0), 0x6000, 0x7000);
  advance_clock(9000);
  unmask();
  EXPECT_EQ(cat("tracing_max_latency"), "12\n");
  std::string text = cat("trace");
  EXPECT_TRUE(has(text,
                  "# tracer: irqsoff\n"
                  "#\n"
                  "# irqsoff latency trace v1.1.5 on tracegate\n"
                  "# --------------------------------------------------------------------\n"
                  "# latency: 12 us, #5/5, CPU#0 | (M:preempt VP:0, KP:0, SP:0 HP:0 #P:2)\n"
                  "#    -----------------\n"
                  "#    | task: work-4 (uid:0 nice:0 policy:0 rt_prio:0)\n"
                  "#    -----------------\n"
                  "#  => started at: kfree\n"
                  "#  => ended at:   vfs_write\n"
                  "#\n"
                  "#\n"));
  EXPECT_TRUE(has(text,
                  "    work-4         0d....    0us : kmalloc <-kfree\n"
                  "    work-4         0d....    3us : Scheduler::pick_next <-schedule\n"
                  "    work-4         0d....   12us : vfs_read <-vfs_write\n"
                  "    work-4         0d....   12us : vfs_read <-vfs_write\n"
                  "    work-4         0d....   12us : <stack trace>\n"
                  " => vfs_read\n"
                  " => vfs_write\n"));
}

TEST_F(IrqsoffTracer, OnlyALongerStretchReplacesTheMaximum) {
  ASSERT_EQ(echo("current_tracer", "irqsoff"), Errno::kOk);
  masked_for(20000);
  masked_for(5000);
  EXPECT_EQ(cat("tracing_max_latency"), "20\n");
  masked_for(30000);
  EXPECT_EQ(cat("tracing_max_latency"), "30\n");
  EXPECT_TRUE(has(cat("trace"), "# latency: 30 us, #4/4,"));
}

TEST_F(IrqsoffTracer, EachCpuHasItsOwnStretch) {
  ASSERT_EQ(echo("current_tracer", "irqsoff"), Errno::kOk);
  mask(0);
  advance_clock(2000);
  mask(1);
  advance_clock(8000);
  unmask(0);
  EXPECT_EQ(cat("tracing_max_latency"), "10\n");
  advance_clock(1000);
  unmask(1);
  EXPECT_EQ(cat("tracing_max_latency"), "10\n");
  EXPECT_TRUE(has(cat("trace"), ", CPU#0 |"));
}

// Linux's critical_sequence: a stretch that began before another CPU's new maximum is not
// kept, even when it is longer.
TEST_F(IrqsoffTracer, AStretchOpenAcrossAnotherMaximumIsNotKept) {
  ASSERT_EQ(echo("current_tracer", "irqsoff"), Errno::kOk);
  mask(0);
  advance_clock(2000);
  masked_for(2000, 1);
  EXPECT_EQ(cat("tracing_max_latency"), "2\n");
  advance_clock(6000);
  unmask(0);
  EXPECT_EQ(cat("tracing_max_latency"), "2\n");
  EXPECT_TRUE(has(cat("trace"), ", CPU#1 |"));
}

TEST_F(IrqsoffTracer, FunctionsOutsideAStretchAreNotRecorded) {
  ASSERT_EQ(echo("current_tracer", "irqsoff"), Errno::kOk);
  EXPECT_FALSE(top().tracer().on_function(top(), on_cpu(0), 0x6000, 0x7000));
  mask(0);
  EXPECT_FALSE(top().tracer().on_function(top(), on_cpu(1), 0x6000, 0x7000));
  EXPECT_TRUE(top().tracer().on_function(top(), on_cpu(0), 0x6000, 0x7000));
}

TEST_F(IrqsoffTracer, NothingIsMeasuredWhileTracingIsOff) {
  ASSERT_EQ(echo("current_tracer", "irqsoff"), Errno::kOk);
  ASSERT_EQ(echo("tracing_on", "0"), Errno::kOk);
  masked_for(9000);
  EXPECT_EQ(cat("tracing_max_latency"), "0\n");
  ASSERT_EQ(echo("tracing_on", "1"), Errno::kOk);
  masked_for(9000);
  EXPECT_EQ(cat("tracing_max_latency"), "9\n");
}

TEST_F(IrqsoffTracer, TracingThreshKeepsEveryStretchAtOrAboveIt) {
  ASSERT_EQ(echo("current_tracer", "irqsoff"), Errno::kOk);
  ASSERT_EQ(echo("tracing_thresh", "5"), Errno::kOk);
  masked_for(20000);
  masked_for(6000);
  EXPECT_EQ(cat("tracing_max_latency"), "6\n");
  masked_for(4000);
  EXPECT_EQ(cat("tracing_max_latency"), "6\n");
}
