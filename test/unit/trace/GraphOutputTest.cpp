#include "TraceFixture.h"
#include "trace/DurationTracer.h"
#include "trace/Events.h"
#include "trace/GraphFormat.h"
#include "trace/GraphTracer.h"
#include "trace/TraceMarker.h"

namespace tg::trace::test {
namespace {

class GraphOutput : public TraceFixture {
 protected:
  void SetUp() override {
    TraceFixture::SetUp();
    ASSERT_TRUE(instance().set_tracer("function_graph").ok());
  }
  // A call of `name` at `depth` from now to now + duration; the clock ends at its return.
  void leaf(const RecordContext& ctx, const char* name, u32 depth, u64 duration) {
    u64 start = now_;
    enter(ctx, name, depth);
    now_ += duration;
    exit(ctx, name, depth, start);
  }
  void enter(const RecordContext& ctx, const char* name, u32 depth) {
    tg::test::set_clock(now_);
    GraphTracer::record_entry(instance(), ctx, address_of(name), depth, now_);
  }
  void exit(const RecordContext& ctx, const char* name, u32 depth, u64 calltime) {
    tg::test::set_clock(now_);
    GraphTracer::record_return(instance(), ctx, address_of(name), depth, calltime, now_, 0);
  }

  u64 now_ = 5000'000'000'000ull;
};

std::string duration_column(u64 ns) {
  String text;
  TextWriter out(text);
  print_duration({true, false, true, false, true, true}, ns, out);
  return std::string(text.data(), text.size());
}

TEST(GraphDuration, MarksAndWidthsAsLinux) {
  EXPECT_EQ(duration_column(1382), "  1.382 us    |  ");
  EXPECT_EQ(duration_column(61770), "+ 61.770 us   |  ");
  EXPECT_EQ(duration_column(140417), "! 140.417 us  |  ");
  EXPECT_EQ(duration_column(1837709), "# 1837.709 us |  ");
  EXPECT_EQ(duration_column(33998590), "* 33998.59 us |  ");
  EXPECT_EQ(duration_column(119760200), "@ 119760.2 us |  ");
  EXPECT_EQ(duration_column(3594274000), "$ 3594274 us  |  ");
}

TEST(GraphDuration, MarkThresholdsAreStrict) {
  EXPECT_EQ(duration_mark(10000), ' ');
  EXPECT_EQ(duration_mark(10001), '+');
  EXPECT_EQ(duration_mark(1000000000), '@');
  EXPECT_EQ(duration_mark(1000000001), '$');
}

TEST_F(GraphOutput, HeaderWithDefaults) {
  EXPECT_EQ(trace(),
            "# tracer: function_graph\n"
            "#\n"
            "# CPU  DURATION                  FUNCTION CALLS\n"
            "# |     |   |                     |   |   |   |\n");
}

TEST_F(GraphOutput, HeaderWithProcAndAbstime) {
  instance().set_option(TraceOption::kFuncgraphProc, true);
  instance().set_option(TraceOption::kFuncgraphAbstime, true);
  EXPECT_EQ(trace(),
            "# tracer: function_graph\n"
            "#\n"
            "#     TIME        CPU  TASK/PID         DURATION                  FUNCTION CALLS\n"
            "#      |          |     |    |           |   |                     |   |   |   |\n");
}

TEST_F(GraphOutput, NestedCallsWithEveryMark) {
  auto ctx = context(0, 1);
  u64 start = now_;
  enter(ctx, "f", 0);
  for (u64 duration :
       {1382ull, 61770ull, 140417ull, 1837709ull, 33998590ull, 119760200ull, 3594274000ull})
    leaf(ctx, "g", 1, duration);
  exit(ctx, "f", 0, start);
  EXPECT_EQ(lines(),
            " 0)               |  f() {\n"
            " 0)   1.382 us    |    g();\n"
            " 0) + 61.770 us   |    g();\n"
            " 0) ! 140.417 us  |    g();\n"
            " 0) # 1837.709 us |    g();\n"
            " 0) * 33998.59 us |    g();\n"
            " 0) @ 119760.2 us |    g();\n"
            " 0) $ 3594274 us  |    g();\n"
            " 0) $ 3750074 us  |  }\n");
}

TEST_F(GraphOutput, TailNamesTheFunction) {
  auto ctx = context(0, 1);
  u64 start = now_;
  enter(ctx, "f", 0);
  leaf(ctx, "g", 1, 1000);
  exit(ctx, "f", 0, start);
  instance().set_option(TraceOption::kFuncgraphTail, true);
  EXPECT_EQ(lines(),
            " 0)               |  f() {\n"
            " 0)   1.000 us    |    g();\n"
            " 0)   1.000 us    |  } /* f */\n");
}

TEST_F(GraphOutput, ReturnWithoutEntryNamesTheFunction) {
  GraphTracer::record_return(instance(), context(0, 1), address_of("f"), 0, now_ - 2000, now_, 0);
  EXPECT_EQ(lines(), " 0)   2.000 us    |  } /* f */\n");
}

TEST_F(GraphOutput, IrqMarkers) {
  auto ctx = context(0, 1);
  GraphTracer::record_irq_enter(instance(), context(0, 1, ring::kFlagHardIrq), 32);
  leaf(context(0, 1, ring::kFlagHardIrq), "g", 0, 500);
  GraphTracer::record_irq_exit(instance(), context(0, 1, ring::kFlagHardIrq), 32);
  (void)ctx;
  EXPECT_EQ(lines(),
            " 0)   ==========> |\n"
            " 0)   0.500 us    |  g();\n"
            " 0)   <========== |\n");
}

TEST_F(GraphOutput, IrqsOffSkipsInterruptFunctions) {
  instance().set_option(TraceOption::kFuncgraphIrqs, false);
  EXPECT_FALSE(GraphTracer::record_entry(instance(), context(0, 1, ring::kFlagHardIrq),
                                         address_of("g"), 0, now_));
  EXPECT_FALSE(GraphTracer::record_irq_enter(instance(), context(0, 1), 32));
  EXPECT_EQ(instance().buffer().entries(), 0u);
}

TEST_F(GraphOutput, TaskSwitchSeparator) {
  save_comm(1, "migration/1");
  save_comm(1755, "sshd");
  leaf(context(1, 1), "g", 0, 1000);
  leaf(context(1, 1755), "g", 0, 1000);
  EXPECT_EQ(lines(),
            " 1)   1.000 us    |  g();\n"
            " ------------------------------------------\n"
            " 1)   migrati-1    =>   sshd-1755   \n"
            " ------------------------------------------\n"
            "\n"
            " 1)   1.000 us    |  g();\n");
}

TEST_F(GraphOutput, ProcColumn) {
  save_comm(1755, "sshd");
  instance().set_option(TraceOption::kFuncgraphProc, true);
  leaf(context(0, 1755), "g", 0, 1000);
  EXPECT_EQ(lines(), " 0)   sshd-1755    |   1.000 us    |  g();\n");
}

TEST_F(GraphOutput, AbsTime) {
  instance().set_option(TraceOption::kFuncgraphAbstime, true);
  leaf(context(0, 1), "g", 0, 1000);
  EXPECT_EQ(lines(), " 5000.000000 |   0)   1.000 us    |  g();\n");
}

TEST_F(GraphOutput, NoCpuNoOverheadNoDuration) {
  leaf(context(0, 1), "g", 0, 20000);
  instance().set_option(TraceOption::kFuncgraphCpu, false);
  instance().set_option(TraceOption::kFuncgraphOverhead, false);
  EXPECT_EQ(lines(), "  20.000 us   |  g();\n");
  instance().set_option(TraceOption::kFuncgraphDuration, false);
  EXPECT_EQ(lines(), "g();\n");
}

TEST_F(GraphOutput, RetvalOnLeafAndReturn) {
  instance().set_option(TraceOption::kFuncgraphRetval, true);
  auto ctx = context(0, 1);
  u64 start = now_;
  enter(ctx, "f", 0);
  enter(ctx, "g", 1);
  now_ += 1000;
  GraphTracer::record_return(instance(), ctx, address_of("g"), 1, now_ - 1000, now_, u64(-22));
  GraphTracer::record_return(instance(), ctx, address_of("f"), 0, start, now_, 0x10);
  EXPECT_EQ(lines(),
            " 0)               |  f() {\n"
            " 0)   1.000 us    |    g(); /* = -22 */\n"
            " 0)   1.000 us    |  } /* f = 0x10 */\n");
}

TEST_F(GraphOutput, RetvalHexPrintsErrnosInHex) {
  instance().set_option(TraceOption::kFuncgraphRetval, true);
  instance().set_option(TraceOption::kFuncgraphRetvalHex, true);
  auto ctx = context(0, 1);
  u64 start = now_;
  enter(ctx, "f", 0);
  enter(ctx, "g", 1);
  now_ += 1000;
  GraphTracer::record_return(instance(), ctx, address_of("g"), 1, now_ - 1000, now_, u64(-5));
  GraphTracer::record_return(instance(), ctx, address_of("f"), 0, start, now_, 0);
  EXPECT_EQ(lines(),
            " 0)               |  f() {\n"
            " 0)   1.000 us    |    g(); /* = 0xfffffffffffffffb */\n"
            " 0)   1.000 us    |  } /* f = 0x0 */\n");
}

// Linux reads a 32-bit negative int in the low half of %rax as an errno too.
TEST_F(GraphOutput, RetvalNegativeIntInLowHalfIsDecimal) {
  instance().set_option(TraceOption::kFuncgraphRetval, true);
  auto ctx = context(0, 1);
  enter(ctx, "g", 0);
  now_ += 1000;
  GraphTracer::record_return(instance(), ctx, address_of("g"), 0, now_ - 1000, now_, 0xfffffff4);
  EXPECT_EQ(lines(), " 0)   1.000 us    |  g(); /* = -12 */\n");
  instance().set_option(TraceOption::kFuncgraphRetvalHex, true);
  EXPECT_EQ(lines(), " 0)   1.000 us    |  g(); /* = 0xfffffff4 */\n");
}

// Below -MAX_ERRNO a negative value is an address-like number: hex.
TEST_F(GraphOutput, RetvalBeyondErrnoRangeIsHex) {
  instance().set_option(TraceOption::kFuncgraphRetval, true);
  auto ctx = context(0, 1);
  enter(ctx, "g", 0);
  now_ += 1000;
  GraphTracer::record_return(instance(), ctx, address_of("g"), 0, now_ - 1000, now_, u64(-4096));
  EXPECT_EQ(lines(), " 0)   1.000 us    |  g(); /* = 0xfffffffffffff000 */\n");
}

// With funcgraph-retval the closing brace always names its function; funcgraph-tail
// changes nothing then.
TEST_F(GraphOutput, RetvalNamesTheFunctionWithOrWithoutTail) {
  instance().set_option(TraceOption::kFuncgraphRetval, true);
  auto ctx = context(0, 1);
  u64 start = now_;
  enter(ctx, "f", 0);
  leaf(ctx, "g", 1, 1000);
  GraphTracer::record_return(instance(), ctx, address_of("f"), 0, start, now_, 7);
  std::string expected =
      " 0)               |  f() {\n"
      " 0)   1.000 us    |    g(); /* = 0x0 */\n"
      " 0)   1.000 us    |  } /* f = 0x7 */\n";
  EXPECT_EQ(lines(), expected);
  instance().set_option(TraceOption::kFuncgraphTail, true);
  EXPECT_EQ(lines(), expected);
}

TEST_F(GraphOutput, MarkerIsACommentAtDepth) {
  auto ctx = context(0, 1, 0, 1);
  u64 start = now_;
  enter(ctx, "f", 0);
  enter(ctx, "g", 1);
  ASSERT_TRUE(write_marker(instance(), ctx, "hello\n").ok());
  u64 inner = now_;
  now_ += 1000;
  exit(ctx, "g", 1, inner);
  exit(ctx, "f", 0, start);
  EXPECT_EQ(lines(),
            " 0)               |  f() {\n"
            " 0)               |    g() {\n"
            " 0)               |      /* hello */\n"
            " 0)   1.000 us    |    }\n"
            " 0)   1.000 us    |  }\n");
}

TEST_F(GraphOutput, MaxDepthRefusesDeeperCalls) {
  instance().set_max_graph_depth(1);
  EXPECT_TRUE(GraphTracer::record_entry(instance(), context(0, 1), address_of("f"), 0, now_));
  EXPECT_FALSE(GraphTracer::record_entry(instance(), context(0, 1), address_of("g"), 1, now_));
}

TEST_F(GraphOutput, ThreshWritesOnlyLongReturns) {
  instance().set_tracing_thresh_us(100);
  auto ctx = context(0, 1);
  u64 start = now_;
  EXPECT_TRUE(GraphTracer::record_entry(instance(), ctx, address_of("f"), 0, now_));
  leaf(ctx, "g", 1, 50000);
  leaf(ctx, "g", 1, 200000);
  exit(ctx, "f", 0, start);
  EXPECT_EQ(lines(),
            " 0) ! 200.000 us  |    } /* g */\n"
            " 0) ! 250.000 us  |  } /* f */\n");
}

TEST_F(GraphOutput, CpuColumnWidensWithCpuCount) {
  Platform many = platform();
  many.cpu_count = 12;
  install_platform(many);
  auto created = TraceInstance::create("wide", true, 1);
  ASSERT_TRUE(created.ok());
  auto& wide = *created.value();
  ASSERT_TRUE(wide.set_tracer("function_graph").ok());
  GraphTracer::record_entry(wide, context(3, 1), address_of("g"), 0, now_);
  GraphTracer::record_return(wide, context(3, 1), address_of("g"), 0, now_, now_ + 1000, 0);
  auto state = OutputState::create(wide, false);
  ASSERT_TRUE(state.ok());
  String text;
  TextWriter out(text);
  while (state.value()->print_next(out)) {
  }
  EXPECT_EQ(std::string(text.data(), text.size()), "  3)   1.000 us    |  g();\n");
}

class DurationOutput : public TraceFixture {
 protected:
  void SetUp() override {
    TraceFixture::SetUp();
    ASSERT_TRUE(instance().set_tracer("function_duration").ok());
  }
};

TEST_F(DurationOutput, HeaderAndLineAsPublished) {
  u64 rettime = 662103518745ull + 13000;
  ASSERT_TRUE(DurationTracer::record_exit(instance(), context(0, 1), address_of("rt_spin_unlock"),
                                          2, 662103518745ull, rettime));
  EXPECT_EQ(trace(),
            "# tracer: function_duration\n"
            "#\n"
            "# CPU  CALLTIME       DURATION                  FUNCTION CALLS\n"
            "# |      |              |   |                     |   |   |   |\n"
            " 0)   662.103518745 |  + 13.000 us   |      rt_spin_unlock\n");
}

TEST_F(DurationOutput, ThreshDropsShortCallsBeforeWriting) {
  instance().set_tracing_thresh_us(10);
  EXPECT_FALSE(
      DurationTracer::record_exit(instance(), context(0, 1), address_of("g"), 0, 1000, 5000));
  EXPECT_TRUE(
      DurationTracer::record_exit(instance(), context(0, 1), address_of("g"), 0, 1000, 11000));
  EXPECT_EQ(instance().buffer().entries(), 1u);
}

TEST_F(DurationOutput, LinesInOrderOfExit) {
  auto ctx = context(0, 1);
  DurationTracer::record_exit(instance(), ctx, address_of("g"), 1, 2000, 3000);
  DurationTracer::record_exit(instance(), ctx, address_of("f"), 0, 1000, 4000);
  std::string text = lines();
  EXPECT_LT(text.find("  g\n"), text.find("f\n"));
}

}  // namespace
}  // namespace tg::trace::test
