// function_profile_enabled and trace_stat/functionN.
#include <algorithm>

#include "TracefsFixture.h"

using namespace tg;
using namespace tg::test;

namespace {

class FunctionProfileEnabled : public TracefsTest {};
class TraceStat : public TracefsTest {
 protected:
  // One profiled call on `cpu`, as the kernel's hooks make it.
  void call(u64 ip, u64 start, u64 end, u32 cpu = 0) {
    trace::ProfiledCall profiled;
    ASSERT_TRUE(tracing_->profiler().enter(cpu, ip, start, profiled));
    tracing_->profiler().leave(cpu, profiled, end, nullptr, true);
  }
};

constexpr const char* kHeader =
    "  Function                               Hit    Time            Avg             s^2\n"
    "  --------                               ---    ----            ---             ---\n";

}  // namespace

TEST_F(FunctionProfileEnabled, ReadsZeroByDefault) {
  EXPECT_EQ(cat("function_profile_enabled"), "0\n");
}

TEST_F(FunctionProfileEnabled, OneTurnsItOnAndZeroOff) {
  EXPECT_EQ(echo("function_profile_enabled", "1"), Errno::kOk);
  EXPECT_EQ(cat("function_profile_enabled"), "1\n");
  EXPECT_TRUE(tracing_->profiler().enabled());
  EXPECT_EQ(echo("function_profile_enabled", "0"), Errno::kOk);
  EXPECT_EQ(cat("function_profile_enabled"), "0\n");
  EXPECT_FALSE(tracing_->profiler().enabled());
}

TEST_F(FunctionProfileEnabled, AnyNonzeroNumberReadsBackAsOne) {
  EXPECT_EQ(echo("function_profile_enabled", "2"), Errno::kOk);
  EXPECT_EQ(cat("function_profile_enabled"), "1\n");
}

TEST_F(FunctionProfileEnabled, NotANumberIsEinvalAndChangesNothing) {
  for (const char* bad : {"abc", "-1", "0x1", "1abc", " 1", ""}) {
    EXPECT_EQ(echo("function_profile_enabled", bad), Errno::kInval) << bad;
    EXPECT_EQ(cat("function_profile_enabled"), "0\n") << bad;
  }
}

TEST_F(FunctionProfileEnabled, BeyondSixtyFourBitsIsErange) {
  EXPECT_EQ(echo("function_profile_enabled", "18446744073709551616"), Errno::kRange);
}

TEST_F(FunctionProfileEnabled, HasLinuxsModeAndLivesAtTheTopOnly) {
  EXPECT_EQ(mode_of("function_profile_enabled"), vfs::kModeRegular | 0640);
  ASSERT_EQ(mkdir("foo"), Errno::kOk);
  auto names = ls("instances/foo");
  EXPECT_EQ(std::find(names.begin(), names.end(), "function_profile_enabled"), names.end());
  EXPECT_EQ(std::find(names.begin(), names.end(), "trace_stat"), names.end());
}

TEST_F(TraceStat, HoldsOneFilePerCpu) {
  EXPECT_EQ(ls("trace_stat"), (std::vector<std::string>{"function0", "function1"}));
  EXPECT_EQ(mode_of("trace_stat"), vfs::kModeDirectory | 0750);
  EXPECT_EQ(mode_of("trace_stat/function1"), vfs::kModeRegular | 0640);
}

TEST_F(TraceStat, NeverEnabledShowsTheHeaderOnly) {
  EXPECT_EQ(cat("trace_stat/function0"), kHeader);
}

TEST_F(TraceStat, ShowsEachCpusFunctionsLargestTimeFirst) {
  ASSERT_EQ(echo("function_profile_enabled", "1"), Errno::kOk);
  call(0x1000, 1000, 2000);      // kmalloc, 1 us
  call(0x3000, 3000, 3500);      // kfree, 0.5 us
  call(0x1000, 4000, 5000);      // kmalloc, 1 us
  call(0x4000, 6000, 16000, 1);  // vfs_read, 10 us, on CPU 1
  EXPECT_EQ(cat("trace_stat/function0"),
            std::string(kHeader) +
                "  kmalloc                                  2    2.000 us        1.000 us        "
                "0.000 us    \n"
                "  kfree                                    1    0.500 us        0.500 us        "
                "0.000 us    \n");
  EXPECT_EQ(cat("trace_stat/function1"),
            std::string(kHeader) +
                "  vfs_read                                 1    10.000 us       10.000 us       "
                "0.000 us    \n");
}

TEST_F(TraceStat, DisablingFreezesTheNumbersAndTheyStayReadable) {
  ASSERT_EQ(echo("function_profile_enabled", "1"), Errno::kOk);
  call(0x1000, 1000, 2000);
  ASSERT_EQ(echo("function_profile_enabled", "0"), Errno::kOk);
  std::string frozen = cat("trace_stat/function0");
  trace::ProfiledCall refused;
  EXPECT_FALSE(tracing_->profiler().enter(0, 0x1000, 3000, refused));
  EXPECT_EQ(cat("trace_stat/function0"), frozen);
  EXPECT_NE(frozen, kHeader);
}

TEST_F(TraceStat, EnablingAgainStartsFromZero) {
  ASSERT_EQ(echo("function_profile_enabled", "1"), Errno::kOk);
  call(0x1000, 1000, 2000);
  ASSERT_EQ(echo("function_profile_enabled", "0"), Errno::kOk);
  ASSERT_EQ(echo("function_profile_enabled", "1"), Errno::kOk);
  EXPECT_EQ(cat("trace_stat/function0"), kHeader);
}

TEST_F(TraceStat, WritingOneWhileOnKeepsTheCounts) {
  ASSERT_EQ(echo("function_profile_enabled", "1"), Errno::kOk);
  call(0x1000, 1000, 2000);
  ASSERT_EQ(echo("function_profile_enabled", "1"), Errno::kOk);
  EXPECT_NE(cat("trace_stat/function0"), kHeader);
}

// tracing_thresh (µs) hides the functions whose average is shorter, as Linux's stat file.
TEST_F(TraceStat, TracingThreshHidesShortFunctions) {
  ASSERT_EQ(echo("function_profile_enabled", "1"), Errno::kOk);
  call(0x1000, 1000, 2000);  // kmalloc: 1 us
  call(0x3000, 3000, 6000);  // kfree: 3 us
  ASSERT_EQ(echo("tracing_thresh", "2"), Errno::kOk);
  std::string text = cat("trace_stat/function0");
  EXPECT_NE(text.find("kfree"), std::string::npos);
  EXPECT_EQ(text.find("kmalloc"), std::string::npos);
}

TEST_F(TraceStat, IsReadOnly) {
  EXPECT_EQ(echo("trace_stat/function0", "1"), Errno::kInval);
}
