// tracing_cpumask: the file, and that nothing is recorded on a CPU out of the mask.
#include "TracefsFixture.h"
#include "trace/Events.h"
#include "trace/FunctionTracer.h"

using namespace tg;
using namespace tg::test;

namespace {

class TracingCpumask : public TracefsTest {
 protected:
  bool kfree_on(u32 cpu) {
    return trace::emit_kfree(tracing_->top(), {cpu, 5, 0, 0}, 0x1000, 0x2000);
  }
  bool function_on(u32 cpu) {
    return trace::FunctionTracer::record(tracing_->top(), {cpu, 5, 0, 0},
                                         platform().text_base + 0x10, platform().text_base + 0x20);
  }
};

}  // namespace

TEST_F(TracingCpumask, ReadsEveryCpuByDefault) {
  ASSERT_EQ(platform().cpu_count, 2u);
  EXPECT_EQ(cat("tracing_cpumask"), "3\n");
}

TEST_F(TracingCpumask, IsInTheTopDirectoryAndInstancesWithLinuxMode) {
  EXPECT_EQ(mode_of("tracing_cpumask"), vfs::kModeRegular | 0640);
  ASSERT_EQ(mkdir("foo"), Errno::kOk);
  EXPECT_EQ(mode_of("instances/foo/tracing_cpumask"), vfs::kModeRegular | 0640);
}

TEST_F(TracingCpumask, HexWriteReadsBack) {
  ASSERT_EQ(echo("tracing_cpumask", "2"), Errno::kOk);
  EXPECT_EQ(cat("tracing_cpumask"), "2\n");
}

TEST_F(TracingCpumask, NonHexIsEinvalAndChangesNothing) {
  ASSERT_EQ(echo("tracing_cpumask", "1"), Errno::kOk);
  EXPECT_EQ(echo("tracing_cpumask", "xyz"), Errno::kInval);
  EXPECT_EQ(echo("tracing_cpumask", "0x3"), Errno::kInval);
  EXPECT_EQ(cat("tracing_cpumask"), "1\n");
}

TEST_F(TracingCpumask, CpuBeyondTheMachineIsEoverflow) {
  EXPECT_EQ(echo("tracing_cpumask", "ff"), Errno::kOverflow);
  EXPECT_EQ(cat("tracing_cpumask"), "3\n");
}

TEST_F(TracingCpumask, EmptyWriteMasksEveryCpu) {
  ASSERT_EQ(echo("tracing_cpumask", ""), Errno::kOk);
  EXPECT_EQ(cat("tracing_cpumask"), "0\n");
}

TEST_F(TracingCpumask, MarkerOnAMaskedCpuIsEbadfAndNotRecorded) {
  ASSERT_EQ(echo("tracing_cpumask", "1"), Errno::kOk);
  EXPECT_EQ(mark("masked", 1), Errno::kBadF);
  EXPECT_EQ(mark("kept", 0), Errno::kOk);
  auto lines = trace_lines();
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_NE(lines[0].find("kept"), std::string::npos);
}

TEST_F(TracingCpumask, EventOnAMaskedCpuIsNotRecorded) {
  ASSERT_EQ(echo("events/kmem/kfree/enable", "1"), Errno::kOk);
  ASSERT_EQ(echo("tracing_cpumask", "2"), Errno::kOk);
  EXPECT_FALSE(kfree_on(0));
  EXPECT_TRUE(kfree_on(1));
  EXPECT_EQ(trace_lines().size(), 1u);
}

TEST_F(TracingCpumask, FunctionEntryOnAMaskedCpuIsNotRecorded) {
  ASSERT_EQ(echo("current_tracer", "function"), Errno::kOk);
  ASSERT_EQ(echo("tracing_cpumask", "1"), Errno::kOk);
  EXPECT_FALSE(function_on(1));
  EXPECT_TRUE(function_on(0));
}

TEST_F(TracingCpumask, CpuBackInTheMaskRecordsAgain) {
  ASSERT_EQ(echo("tracing_cpumask", "1"), Errno::kOk);
  ASSERT_EQ(echo("tracing_cpumask", "3"), Errno::kOk);
  EXPECT_EQ(mark("back", 1), Errno::kOk);
}

TEST_F(TracingCpumask, SameMaskTwiceStillLetsTheCpuBack) {
  ASSERT_EQ(echo("tracing_cpumask", "1"), Errno::kOk);
  ASSERT_EQ(echo("tracing_cpumask", "1"), Errno::kOk);
  ASSERT_EQ(echo("tracing_cpumask", "3"), Errno::kOk);
  EXPECT_EQ(mark("back", 1), Errno::kOk);
}

TEST_F(TracingCpumask, ResizingOrClearingKeepsAMaskedCpuOff) {
  ASSERT_EQ(echo("tracing_cpumask", "1"), Errno::kOk);
  ASSERT_EQ(echo("buffer_size_kb", "100"), Errno::kOk);
  ASSERT_EQ(echo("trace", ""), Errno::kOk);
  EXPECT_EQ(mark("masked", 1), Errno::kBadF);
}

TEST_F(TracingCpumask, EachInstanceHasItsOwn) {
  ASSERT_EQ(mkdir("foo"), Errno::kOk);
  ASSERT_EQ(echo("instances/foo/tracing_cpumask", "1"), Errno::kOk);
  EXPECT_EQ(cat("instances/foo/tracing_cpumask"), "1\n");
  EXPECT_EQ(cat("tracing_cpumask"), "3\n");
  EXPECT_EQ(mark("top", 1), Errno::kOk);
  EXPECT_EQ(mark("foo", 1, "instances/foo/"), Errno::kBadF);
}
