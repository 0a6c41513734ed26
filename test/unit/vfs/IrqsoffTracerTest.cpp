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
  // The preemption count leaves 0 in kmalloc (called from kfree) and returns to it in
  // vfs_read (from vfs_write); `flags` says whether interrupts were masked there.
  void preempt_off(u8 flags = 0, u32 cpu = 0) {
    const trace::Tracer& tracer = top().tracer();
    if (tracer.on_preempt_edge)
      tracer.on_preempt_edge(top(), {cpu, 4, flags, 1}, true, {0x1010, 0x3010, 0}, current_);
  }
  void preempt_on(u8 flags = 0, u32 cpu = 0) {
    const trace::Tracer& tracer = top().tracer();
    if (tracer.on_preempt_edge)
      tracer.on_preempt_edge(top(), {cpu, 4, flags, 1}, false, {0x4010, 0x5010, 0}, current_);
  }
  // The interrupt flag's edges with the preemption count at `preempt`; a tracer without the
  // operation is not told, as the kernel tells only the tracers that have it.
  void irqs_edge(bool off, u8 preempt) {
    const trace::Tracer& tracer = top().tracer();
    trace::ProbeSite site =
        off ? trace::ProbeSite{0x1010, 0x3010, 0} : trace::ProbeSite{0x4010, 0x5010, 0};
    if (tracer.on_irqs_edge)
      tracer.on_irqs_edge(top(), {0, 4, kIrqsOff, preempt}, off, site, current_);
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

// preemptoff: the stretch from the preemption count leaving 0 to its return, in the latency
// format under its own name; the interrupt flag does not open one.
TEST_F(IrqsoffTracer, PreemptoffMeasuresFromDisableToEnable) {
  ASSERT_EQ(echo("current_tracer", "preemptoff"), Errno::kOk);
  EXPECT_EQ(top().tracer().on_irqs_edge, nullptr);
  preempt_off();
  advance_clock(3000);
  EXPECT_TRUE(top().tracer().on_function(top(), {0, 4, 0, 1}, 0x6000, 0x7000));
  advance_clock(4000);
  preempt_on();
  EXPECT_EQ(cat("tracing_max_latency"), "7\n");
  std::string text = cat("trace");
  EXPECT_TRUE(has(text,
                  "# tracer: preemptoff\n"
                  "#\n"
                  "# preemptoff latency trace v1.1.5 on tracegate\n"));
  EXPECT_TRUE(has(text, "# latency: 7 us, #5/5, CPU#0 |"));
  EXPECT_TRUE(has(text, "#  => started at: kfree\n#  => ended at:   vfs_write\n"));
  EXPECT_TRUE(has(text, "    work-4         0...1.    3us : Scheduler::pick_next <-schedule\n"));
}

TEST_F(IrqsoffTracer, PreemptoffRecordsFunctionsOnlyWithPreemptionOrInterruptsOff) {
  ASSERT_EQ(echo("current_tracer", "preemptoff"), Errno::kOk);
  preempt_off();
  EXPECT_FALSE(top().tracer().on_function(top(), {0, 4, 0, 0}, 0x6000, 0x7000));
  EXPECT_TRUE(top().tracer().on_function(top(), {0, 4, kIrqsOff, 0}, 0x6000, 0x7000));
  EXPECT_TRUE(top().tracer().on_function(top(), {0, 4, 0, 2}, 0x6000, 0x7000));
}

// irqsoff does not follow the preemption count: the kernel does not report it to irqsoff.
TEST_F(IrqsoffTracer, IrqsoffLeavesThePreemptionCountAlone) {
  ASSERT_EQ(echo("current_tracer", "irqsoff"), Errno::kOk);
  EXPECT_EQ(top().tracer().on_preempt_edge, nullptr);
}

// preemptirqsoff: one stretch while either holds, from the first to go off to the last to
// come back on (Linux's tracer_hardirqs_off/on and tracer_preempt_off/on).
TEST_F(IrqsoffTracer, PreemptirqsoffSpansPreemptionThenInterrupts) {
  ASSERT_EQ(echo("current_tracer", "preemptirqsoff"), Errno::kOk);
  advance_clock(1000);
  preempt_off();  // opens
  advance_clock(2000);
  irqs_edge(true, 1);  // preemption already holds it
  advance_clock(2000);
  preempt_on(kIrqsOff);  // interrupts still hold it
  advance_clock(2000);
  irqs_edge(false, 0);  // closes
  EXPECT_EQ(cat("tracing_max_latency"), "6\n");
  std::string text = cat("trace");
  EXPECT_TRUE(has(text, "# tracer: preemptirqsoff\n"));
  EXPECT_TRUE(has(text, "#  => started at: kfree\n#  => ended at:   vfs_write\n"));
}

TEST_F(IrqsoffTracer, PreemptirqsoffSpansInterruptsThenPreemption) {
  ASSERT_EQ(echo("current_tracer", "preemptirqsoff"), Errno::kOk);
  advance_clock(1000);
  irqs_edge(true, 0);  // opens
  advance_clock(1000);
  preempt_off(kIrqsOff);  // interrupts already hold it
  advance_clock(1000);
  irqs_edge(false, 1);  // preemption still holds it
  EXPECT_EQ(cat("tracing_max_latency"), "0\n");
  advance_clock(5000);
  preempt_on();  // closes
  EXPECT_EQ(cat("tracing_max_latency"), "7\n");
}

// The three share one state, as Linux's irqsoff_busy: one instance at a time runs any of
// them.
TEST_F(IrqsoffTracer, OneInstanceAtATimeRunsAnyOfTheThree) {
  ASSERT_EQ(echo("current_tracer", "preemptoff"), Errno::kOk);
  ASSERT_EQ(mkdir("other"), Errno::kOk);
  EXPECT_EQ(echo("instances/other/current_tracer", "irqsoff"), Errno::kBusy);
  EXPECT_EQ(echo("instances/other/current_tracer", "preemptirqsoff"), Errno::kBusy);
  ASSERT_EQ(echo("current_tracer", "nop"), Errno::kOk);
  EXPECT_EQ(echo("instances/other/current_tracer", "preemptirqsoff"), Errno::kOk);
  ASSERT_EQ(echo("instances/other/current_tracer", "nop"), Errno::kOk);
}
