// saved_cmdlines and saved_cmdlines_size, available_filter_functions_addrs, buffer_percent
// and timestamp_mode: formats, errnos and modes as Linux's.
#include <algorithm>

#include "FakeSymbols.h"
#include "TracefsFixture.h"
#include "trace/CommCache.h"

using namespace tg;
using namespace tg::test;

namespace {

class SavedCmdlines : public TracefsTest {
 protected:
  void SetUp() override {
    TracefsTest::SetUp();
    trace::clear_comms();
  }
  void TearDown() override { trace::clear_comms(); }
};

class AvailableFilterFunctionsAddrs : public TracefsTest {
  ScopedFakeSymbols symbols_;
};

class BufferPercent : public TracefsTest {};
class TimestampMode : public TracefsTest {};

bool has(const std::vector<std::string>& names, const char* name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

}  // namespace

TEST_F(SavedCmdlines, AreTopOnlyWithLinuxModes) {
  EXPECT_EQ(mode_of("saved_cmdlines"), vfs::kModeRegular | 0440);
  EXPECT_EQ(mode_of("saved_cmdlines_size"), vfs::kModeRegular | 0640);
  ASSERT_EQ(mkdir("foo"), Errno::kOk);
  EXPECT_FALSE(has(ls("instances/foo"), "saved_cmdlines"));
  EXPECT_FALSE(has(ls("instances/foo"), "saved_cmdlines_size"));
}

TEST_F(SavedCmdlines, ListPidAndCommOfSavedTasks) {
  trace::save_comm(42, "ping");
  trace::save_comm(7, "workloads");
  EXPECT_EQ(cat("saved_cmdlines"), "7 workloads\n42 ping\n");
}

TEST_F(SavedCmdlines, IdleIsNotListed) {
  trace::save_comm(0, "swapper");
  EXPECT_EQ(cat("saved_cmdlines"), "");
}

TEST_F(SavedCmdlines, SizeReadsLinuxsDefault) {
  EXPECT_EQ(cat("saved_cmdlines_size"), "6552\n");
}

TEST_F(SavedCmdlines, SizeWriteStartsAfreshAndHashesByTheNewSize) {
  trace::save_comm(42, "ping");
  ASSERT_EQ(echo("saved_cmdlines_size", "16"), Errno::kOk);
  EXPECT_EQ(cat("saved_cmdlines_size"), "16\n");
  EXPECT_EQ(cat("saved_cmdlines"), "");
  trace::save_comm(3, "a");
  trace::save_comm(19, "b");  // 19 % 16 == 3: replaces pid 3
  EXPECT_EQ(cat("saved_cmdlines"), "19 b\n");
  char comm[trace::kCommLength];
  EXPECT_EQ(std::string(trace::find_comm(3, comm).data()), "<...>");
}

TEST_F(SavedCmdlines, SizeZeroOrAbovePidMaxDefaultIsEinvalAndChangesNothing) {
  ASSERT_EQ(echo("saved_cmdlines_size", "100"), Errno::kOk);
  trace::save_comm(5, "kept");
  EXPECT_EQ(echo("saved_cmdlines_size", "0"), Errno::kInval);
  EXPECT_EQ(echo("saved_cmdlines_size", "32769"), Errno::kInval);
  EXPECT_EQ(echo("saved_cmdlines_size", "abc"), Errno::kInval);
  EXPECT_EQ(cat("saved_cmdlines_size"), "100\n");
  EXPECT_EQ(cat("saved_cmdlines"), "5 kept\n");
  EXPECT_EQ(echo("saved_cmdlines_size", "32768"), Errno::kOk);
}

TEST_F(AvailableFilterFunctionsAddrs, ListsAddressAndNameOfPatchableFunctions) {
  EXPECT_EQ(mode_of("available_filter_functions_addrs"), vfs::kModeRegular | 0440);
  std::string text = cat("available_filter_functions_addrs");
  EXPECT_EQ(text.rfind("1000 kmalloc\n2000 kmalloc_node\n3000 kfree\n", 0), 0u) << text;
  EXPECT_EQ(text.find("trace_entry_stub"), std::string::npos);
  EXPECT_NE(text.find("a000 a?b\n"), std::string::npos);
}

TEST_F(BufferPercent, DefaultsTo50InTheTopAndInstances) {
  EXPECT_EQ(cat("buffer_percent"), "50\n");
  EXPECT_EQ(mode_of("buffer_percent"), vfs::kModeRegular | 0640);
  ASSERT_EQ(mkdir("foo"), Errno::kOk);
  EXPECT_EQ(cat("instances/foo/buffer_percent"), "50\n");
}

TEST_F(BufferPercent, Above100IsEinvalAndChangesNothing) {
  ASSERT_EQ(echo("buffer_percent", "0"), Errno::kOk);
  EXPECT_EQ(echo("buffer_percent", "101"), Errno::kInval);
  EXPECT_EQ(cat("buffer_percent"), "0\n");
  ASSERT_EQ(echo("buffer_percent", "100"), Errno::kOk);
  EXPECT_EQ(cat("buffer_percent"), "100\n");
}

TEST_F(TimestampMode, ReadsDeltaAsLinuxDoes) {
  EXPECT_EQ(cat("timestamp_mode"), "[delta] absolute\n");
  EXPECT_EQ(mode_of("timestamp_mode"), vfs::kModeRegular | 0440);
  EXPECT_EQ(echo("timestamp_mode", "absolute"), Errno::kInval);  // as a write to available_tracers
}

class FreeBuffer : public TracefsTest {};

TEST_F(FreeBuffer, IsWriteOnlyInTheTopAndInstances) {
  EXPECT_EQ(mode_of("free_buffer"), vfs::kModeRegular | 0200);
  ASSERT_EQ(mkdir("foo"), Errno::kOk);
  EXPECT_EQ(mode_of("instances/foo/free_buffer"), vfs::kModeRegular | 0200);
}

TEST_F(FreeBuffer, ClosingShrinksEveryCpuBufferAndKeepsTracingOn) {
  ASSERT_EQ(echo("buffer_size_kb", "100"), Errno::kOk);
  ASSERT_EQ(echo("free_buffer", "1"), Errno::kOk);
  EXPECT_EQ(cat("buffer_size_kb"), "7\n");
  EXPECT_EQ(cat("per_cpu/cpu1/buffer_size_kb"), "7\n");
  EXPECT_EQ(cat("tracing_on"), "1\n");
}

TEST_F(FreeBuffer, WithDisableOnFreeClosingAlsoStopsTracing) {
  ASSERT_EQ(echo("options/disable_on_free", "1"), Errno::kOk);
  ASSERT_EQ(echo("free_buffer", ""), Errno::kOk);
  EXPECT_EQ(cat("tracing_on"), "0\n");
  EXPECT_EQ(cat("buffer_size_kb"), "7\n");
}

TEST_F(FreeBuffer, ActsOnItsOwnInstanceOnly) {
  ASSERT_EQ(mkdir("foo"), Errno::kOk);
  ASSERT_EQ(echo("instances/foo/free_buffer", "x"), Errno::kOk);
  EXPECT_EQ(cat("instances/foo/buffer_size_kb"), "7\n");
  EXPECT_EQ(cat("buffer_size_kb"), "1410\n");
}
