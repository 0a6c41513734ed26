#include "TraceFixture.h"
#include "trace/FunctionTracer.h"
#include "trace/TraceMarker.h"

namespace tg::trace::test {
namespace {

using TraceInstanceTest = TraceFixture;

TEST(BufferSizeKb, RoundsUpToWholeDataPages) {
  EXPECT_EQ(TraceInstance::kb_for_pages(TraceInstance::pages_for_kb(5)), 7u);
  EXPECT_EQ(TraceInstance::kb_for_pages(TraceInstance::pages_for_kb(100)), 103u);
  EXPECT_EQ(TraceInstance::kb_for_pages(TraceInstance::pages_for_kb(1408)), 1410u);
}

TEST(BufferSizeKb, MinimumIsTwoPages) {
  EXPECT_EQ(TraceInstance::pages_for_kb(1), 2u);
}

TEST_F(TraceInstanceTest, StartsWithNopAndTracingOn) {
  EXPECT_EQ(instance().tracer().name, StringView("nop"));
  EXPECT_TRUE(instance().tracing_on());
}

TEST_F(TraceInstanceTest, UnknownTracerIsEinval) {
  EXPECT_EQ(instance().set_tracer("abc").error(), Errno::kInval);
}

TEST_F(TraceInstanceTest, EmptyTracerIsEinval) {
  EXPECT_EQ(instance().set_tracer("\n").error(), Errno::kInval);
}

TEST_F(TraceInstanceTest, TracerNameIsCaseSensitive) {
  EXPECT_EQ(instance().set_tracer("NOP").error(), Errno::kInval);
}

TEST_F(TraceInstanceTest, TracerNameIsTrimmed) {
  EXPECT_TRUE(instance().set_tracer(" function \n").ok());
  EXPECT_EQ(instance().tracer().name, StringView("function"));
}

TEST_F(TraceInstanceTest, SameTracerKeepsBuffer) {
  ASSERT_TRUE(write_marker(instance(), context(0, 10), "kept").ok());
  EXPECT_TRUE(instance().set_tracer("nop\n").ok());
  EXPECT_EQ(instance().buffer().entries(), 1u);
}

TEST_F(TraceInstanceTest, SwitchingTracerClearsBuffer) {
  ASSERT_TRUE(write_marker(instance(), context(0, 10), "dropped").ok());
  EXPECT_TRUE(instance().set_tracer("function").ok());
  EXPECT_EQ(instance().buffer().entries(), 0u);
}

TEST_F(TraceInstanceTest, SwitchWhilePipeReaderOpenIsEbusy) {
  ASSERT_TRUE(instance().claim_pipe_reader());
  EXPECT_EQ(instance().set_tracer("function").error(), Errno::kBusy);
  instance().release_pipe_reader();
  EXPECT_TRUE(instance().set_tracer("function").ok());
}

TEST_F(TraceInstanceTest, SecondPipeReaderIsRefused) {
  ASSERT_TRUE(instance().claim_pipe_reader());
  EXPECT_FALSE(instance().claim_pipe_reader());
}

TEST_F(TraceInstanceTest, ClockChangeClearsBuffer) {
  ASSERT_TRUE(write_marker(instance(), context(0, 10), "x").ok());
  EXPECT_TRUE(instance().set_clock(TraceClock::kGlobal).ok());
  EXPECT_EQ(instance().buffer().entries(), 0u);
}

TEST_F(TraceInstanceTest, TracerOptionOfOtherTracerIsEinval) {
  EXPECT_EQ(parse_option_write("func_stack_trace", instance().tracer().name).error(),
            Errno::kInval);
}

TEST_F(TraceInstanceTest, TracingOffRecordsNothing) {
  instance().set_tracing_on(false);
  EXPECT_FALSE(FunctionTracer::record(instance(), context(0, 1), address_of("f"), address_of("g")));
  EXPECT_EQ(instance().buffer().entries(), 0u);
}

TEST_F(TraceInstanceTest, EventEnableBitsAreIndependent) {
  instance().set_event_enabled(372, true);
  EXPECT_TRUE(instance().event_enabled(372));
  EXPECT_FALSE(instance().event_enabled(373));
  instance().set_event_enabled(372, false);
  EXPECT_FALSE(instance().event_enabled(372));
}

TEST(AvailableTracers, ListedMostRecentFirst) {
  std::string names;
  for (const Tracer* tracer : all_tracers()) {
    if (!names.empty()) names += ' ';
    names.append(tracer->name.data(), tracer->name.size());
  }
  EXPECT_EQ(names,
            "function_duration function_graph wakeup_dl wakeup_rt wakeup preemptirqsoff preemptoff "
            "irqsoff function nop");
}

}  // namespace
}  // namespace tg::trace::test
