// snapshot and per_cpu/cpuN/snapshot: the spare buffer, swapped, freed and cleared as in Linux.
#include "TracefsFixture.h"

using namespace tg;
using namespace tg::test;

namespace {
class Snapshot : public TracefsTest {
 protected:
  bool has(const std::string& text, const std::string& what) {
    return text.find(what) != std::string::npos;
  }
};

constexpr const char* kFreedHelp =
    "# tracer: nop\n"
    "#\n"
    "#\n"
    "# * Snapshot is freed *\n"
    "#\n"
    "# Snapshot commands:\n"
    "# echo 0 > snapshot : Clears and frees snapshot buffer\n"
    "# echo 1 > snapshot : Allocates snapshot buffer, if not already allocated.\n"
    "#                      Takes a snapshot of the main buffer.\n"
    "# echo 2 > snapshot : Clears snapshot buffer (but does not allocate or free)\n"
    "#                      (Doesn't have to be '2' works with any number that\n"
    "#                       is not a '0' or '1')\n";
}  // namespace

TEST_F(Snapshot, IsAFileAtTheTopPerInstanceAndPerCpu) {
  EXPECT_EQ(mode_of("snapshot"), vfs::kModeRegular | 0640);
  EXPECT_EQ(mode_of("per_cpu/cpu1/snapshot"), vfs::kModeRegular | 0640);
  ASSERT_EQ(mkdir("foo"), Errno::kOk);
  EXPECT_EQ(mode_of("instances/foo/snapshot"), vfs::kModeRegular | 0640);
}

TEST_F(Snapshot, BeforeAnySwapShowsTheFreedHelp) {
  EXPECT_EQ(cat("snapshot"), kFreedHelp);
}

TEST_F(Snapshot, OneSwapsTheLiveBufferIntoTheSnapshot) {
  ASSERT_EQ(mark("before"), Errno::kOk);
  ASSERT_EQ(echo("snapshot", "1"), Errno::kOk);
  std::string snapshot = cat("snapshot");
  EXPECT_TRUE(has(snapshot, "tracing_mark_write: before"));
  EXPECT_TRUE(has(snapshot, "# entries-in-buffer/entries-written: 1/1   #P:2"));
  EXPECT_TRUE(trace_lines().empty());
  ASSERT_EQ(mark("after"), Errno::kOk);
  EXPECT_FALSE(has(cat("snapshot"), "after"));
  EXPECT_TRUE(has(cat("trace"), "tracing_mark_write: after"));
}

TEST_F(Snapshot, AllocatedButEmptySaysSo) {
  ASSERT_EQ(echo("snapshot", "1"), Errno::kOk);
  EXPECT_TRUE(has(cat("snapshot"), "# * Snapshot is allocated *\n"));
}

TEST_F(Snapshot, ASecondSwapBringsTheOldSnapshotBack) {
  ASSERT_EQ(mark("first"), Errno::kOk);
  ASSERT_EQ(echo("snapshot", "1"), Errno::kOk);
  ASSERT_EQ(mark("second"), Errno::kOk);
  ASSERT_EQ(echo("snapshot", "1"), Errno::kOk);
  EXPECT_TRUE(has(cat("snapshot"), "second"));
  EXPECT_TRUE(has(cat("trace"), "first"));
}

TEST_F(Snapshot, ZeroFreesAndEmpties) {
  ASSERT_EQ(mark("gone"), Errno::kOk);
  ASSERT_EQ(echo("snapshot", "1"), Errno::kOk);
  ASSERT_EQ(echo("snapshot", "0"), Errno::kOk);
  EXPECT_EQ(cat("snapshot"), kFreedHelp);
}

TEST_F(Snapshot, OtherNumbersClearWithoutFreeing) {
  ASSERT_EQ(mark("cleared"), Errno::kOk);
  ASSERT_EQ(echo("snapshot", "1"), Errno::kOk);
  ASSERT_EQ(echo("snapshot", "2"), Errno::kOk);
  std::string snapshot = cat("snapshot");
  EXPECT_FALSE(has(snapshot, "cleared"));
  EXPECT_TRUE(has(snapshot, "# * Snapshot is allocated *\n"));
}

TEST_F(Snapshot, ClearingBeforeAllocatingAllocatesNothing) {
  ASSERT_EQ(echo("snapshot", "2"), Errno::kOk);
  EXPECT_EQ(cat("snapshot"), kFreedHelp);
}

TEST_F(Snapshot, NonNumbersAreEinval) {
  EXPECT_EQ(echo("snapshot", "abc"), Errno::kInval);
  EXPECT_EQ(echo("snapshot", "-1"), Errno::kInval);
  EXPECT_EQ(cat("snapshot"), kFreedHelp);
}

TEST_F(Snapshot, SwappingKeepsTracingOnAsItWas) {
  ASSERT_EQ(echo("tracing_on", "0"), Errno::kOk);
  ASSERT_EQ(echo("snapshot", "1"), Errno::kOk);
  EXPECT_EQ(cat("tracing_on"), "0\n");
}

// Linux's snapshot1.tc: a buffer whose CPUs tracing_cpumask disabled must not carry that
// into the slot it leaves, nor leave the new live buffer recording while masked.
TEST_F(Snapshot, CpumaskDisablingStaysWithTheLiveSlot) {
  ASSERT_EQ(echo("tracing_cpumask", "0"), Errno::kOk);
  ASSERT_EQ(echo("snapshot", "1"), Errno::kOk);
  EXPECT_EQ(mark("masked"), Errno::kBadF);  // as Linux: the CPU's buffer is off
  EXPECT_TRUE(trace_lines().empty());
  ASSERT_EQ(echo("tracing_cpumask", "3"), Errno::kOk);
  ASSERT_EQ(mark("test input 1"), Errno::kOk);
  EXPECT_TRUE(has(cat("trace"), "test input 1"));
}

TEST_F(Snapshot, PerCpuFileSwapsOnlyItsCpu) {
  ASSERT_EQ(mark("on cpu0", 0), Errno::kOk);
  ASSERT_EQ(mark("on cpu1", 1), Errno::kOk);
  ASSERT_EQ(echo("per_cpu/cpu1/snapshot", "1"), Errno::kOk);
  std::string snapshot = cat("snapshot");
  EXPECT_TRUE(has(snapshot, "on cpu1"));
  EXPECT_FALSE(has(snapshot, "on cpu0"));
  EXPECT_TRUE(has(cat("trace"), "on cpu0"));
  EXPECT_FALSE(has(cat("trace"), "on cpu1"));
}

TEST_F(Snapshot, PerCpuFileCannotFree) {
  EXPECT_EQ(echo("per_cpu/cpu0/snapshot", "0"), Errno::kInval);
  EXPECT_TRUE(has(cat("per_cpu/cpu0/snapshot"), "Invalid for per_cpu snapshot file."));
}

TEST_F(Snapshot, InstancesHaveTheirOwn) {
  ASSERT_EQ(mkdir("foo"), Errno::kOk);
  ASSERT_EQ(mark("top"), Errno::kOk);
  ASSERT_EQ(mark("inst", 0, "instances/foo/"), Errno::kOk);
  ASSERT_EQ(echo("instances/foo/snapshot", "1"), Errno::kOk);
  EXPECT_TRUE(has(cat("instances/foo/snapshot"), "inst"));
  EXPECT_EQ(cat("snapshot"), kFreedHelp);
  EXPECT_TRUE(has(cat("trace"), "top"));
  ASSERT_EQ(rmdir("foo"), Errno::kOk);
}
