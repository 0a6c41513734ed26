// trace, trace_pipe, per_cpu/cpuN/{trace, trace_pipe, stats}.
#include "TracefsFixture.h"

using namespace tg;
using namespace tg::test;

namespace {
class Trace : public TracefsTest {};
class TracePipe : public TracefsTest {};
class PerCpu : public TracefsTest {};

constexpr const char* kNopHeader =
    "# tracer: nop\n"
    "#\n"
    "# entries-in-buffer/entries-written: 0/0   #P:2\n"
    "#\n"
    "#                                _-----=> irqs-off/BH-disabled\n"
    "#                               / _----=> need-resched\n"
    "#                              | / _---=> hardirq/softirq\n"
    "#                              || / _--=> preempt-depth\n"
    "#                              ||| / _-=> migrate-disable\n"
    "#                              |||| /     delay\n"
    "#           TASK-PID     CPU#  |||||  TIMESTAMP  FUNCTION\n"
    "#              | |         |   |||||     |         |\n";

std::string pipe_read(TracefsTest&, vfs::NodeTable& table, vfs::OpenFile& file, Errno& error,
                      usize size = 4096) {
  std::string buffer(size, '\0');
  auto n = table.read(file, 0, Span<char>(buffer.data(), buffer.size()));
  if (!n.ok()) {
    error = n.error();
    return "";
  }
  error = Errno::kOk;
  return buffer.substr(0, n.value());
}
}  // namespace

TEST_F(Trace, EmptyBufferIsJustTheNopHeader) {
  EXPECT_EQ(cat("trace"), kNopHeader);
}

TEST_F(Trace, ShowsMarkersInOrder) {
  ASSERT_EQ(mark("first"), Errno::kOk);
  ASSERT_EQ(mark("second"), Errno::kOk);
  auto lines = trace_lines();
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_NE(lines[0].find("tracing_mark_write: first"), std::string::npos);
  EXPECT_NE(lines[1].find("tracing_mark_write: second"), std::string::npos);
  EXPECT_EQ(entries_line(), "# entries-in-buffer/entries-written: 2/2   #P:2");
}

TEST_F(Trace, ReadingDoesNotConsume) {
  ASSERT_EQ(mark("stays"), Errno::kOk);
  cat("trace");
  EXPECT_EQ(trace_lines().size(), 1u);
}

TEST_F(Trace, TinyReadsAssembleTheSameText) {
  ASSERT_EQ(mark("a"), Errno::kOk);
  ASSERT_EQ(mark("b", 1), Errno::kOk);
  EXPECT_EQ(cat("trace", 7), cat("trace"));
}

TEST_F(Trace, TruncatingOpenClears) {
  ASSERT_EQ(mark("m1"), Errno::kOk);
  ASSERT_EQ(echo("trace", ""), Errno::kOk);
  EXPECT_EQ(cat("trace"), kNopHeader);
}

TEST_F(Trace, ZeroLengthTruncatingWriteClears) {
  ASSERT_EQ(mark("m1"), Errno::kOk);
  ASSERT_EQ(write_file("trace", "", vfs::kOpenWriteOnly | vfs::kOpenTruncate), Errno::kOk);
  EXPECT_EQ(trace_lines().size(), 0u);
}

// Linux's array_buffer time_start: the clock's own times until the first reset of every
// CPU's buffer, then counted from the last (`> trace`, a tracer switch), not a per-CPU clear.
TEST_F(Trace, LatencyFormatTimesCountFromTheLastReset) {
  set_clock(5'000'000'000);
  ASSERT_EQ(echo("options/latency-format", "1"), Errno::kOk);
  ASSERT_EQ(mark("boot"), Errno::kOk);
  EXPECT_NE(cat("trace").find(" 5000000us : tracing_mark_write: boot"), std::string::npos);
  ASSERT_EQ(echo("trace", ""), Errno::kOk);
  advance_clock(7000);
  ASSERT_EQ(mark("cleared"), Errno::kOk);
  EXPECT_NE(cat("trace").find("    7us : tracing_mark_write: cleared"), std::string::npos);
  ASSERT_EQ(echo("current_tracer", "function"), Errno::kOk);
  advance_clock(3000);
  ASSERT_EQ(mark("switched"), Errno::kOk);
  ASSERT_EQ(echo("per_cpu/cpu0/trace", ""), Errno::kOk);
  advance_clock(2000);
  ASSERT_EQ(mark("cpu cleared"), Errno::kOk);
  EXPECT_NE(cat("trace").find("    5us : tracing_mark_write: cpu cleared"), std::string::npos);
}

// Linux's verbose latency format: no column titles; the whole comm, pid, CPU, raw flags,
// preempt depth and entry index ("%16s %7d %3d %d %08x %08lx "), then the time in µs in hex
// and the times since the start and to the next entry in ms ("[%08llx] %ld.%03ldms
// (+%ld.%03ldms): ").
TEST_F(Trace, VerboseLatencyFormatPrintsLinuxsLongColumns) {
  set_clock(5'000'000'000);
  ASSERT_EQ(echo("options/latency-format", "1"), Errno::kOk);
  ASSERT_EQ(echo("options/verbose", "1"), Errno::kOk);
  ASSERT_EQ(echo("trace", ""), Errno::kOk);  // the times count from here
  advance_clock(1500);
  ASSERT_EQ(mark("first"), Errno::kOk);
  advance_clock(2'250'000);
  ASSERT_EQ(mark("second"), Errno::kOk);
  std::string text = cat("trace");
  EXPECT_EQ(text.find("time  |   caller"), std::string::npos) << text;
  EXPECT_NE(text.find("           <...>    4242   0 0 00000001 00000000 [004c4b42] 0.002ms "
                      "(+2.250ms): tracing_mark_write: first\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("           <...>    4242   0 0 00000001 00000001 [004c540c] 2.252ms "
                      "(+0.000ms): tracing_mark_write: second\n"),
            std::string::npos)
      << text;
}

TEST_F(Trace, AppendDoesNotClear) {
  ASSERT_EQ(mark("m1"), Errno::kOk);
  ASSERT_EQ(echo_append("trace", "x"), Errno::kOk);
  EXPECT_EQ(trace_lines().size(), 1u);
}

TEST_F(Trace, LongTraceStreamsInChunks) {
  for (int i = 0; i < 500; ++i) ASSERT_EQ(mark("entry number " + std::to_string(i)), Errno::kOk);
  auto lines = trace_lines();
  ASSERT_EQ(lines.size(), 500u);
  EXPECT_NE(lines[499].find("entry number 499"), std::string::npos);
  EXPECT_EQ(cat("trace", 1000), cat("trace", 65536));
}

TEST_F(TracePipe, EmptyIsEagain) {
  EXPECT_EQ(read_error("trace_pipe"), Errno::kAgain);
}

TEST_F(TracePipe, ConsumesWithoutHeader) {
  ASSERT_EQ(mark("first"), Errno::kOk);
  ASSERT_EQ(mark("second"), Errno::kOk);
  auto file = open("trace_pipe", vfs::kOpenReadOnly | vfs::kOpenNonBlock);
  ASSERT_TRUE(file.ok());
  Errno error;
  std::string text = pipe_read(*this, table_, *file.value(), error);
  ASSERT_EQ(error, Errno::kOk);
  EXPECT_EQ(text.find('#'), std::string::npos);
  EXPECT_NE(text.find("tracing_mark_write: first\n"), std::string::npos);
  EXPECT_NE(text.find("tracing_mark_write: second\n"), std::string::npos);
  pipe_read(*this, table_, *file.value(), error);
  EXPECT_EQ(error, Errno::kAgain);
  table_.release(file.release_value());
  EXPECT_EQ(trace_lines().size(), 0u);
  EXPECT_EQ(entries_line(), "# entries-in-buffer/entries-written: 0/0   #P:2");
}

TEST_F(TracePipe, SmallReadsKeepTheRestOfALine) {
  ASSERT_EQ(mark("split me"), Errno::kOk);
  auto file = open("trace_pipe", vfs::kOpenReadOnly);
  ASSERT_TRUE(file.ok());
  Errno error;
  std::string text;
  for (;;) {
    std::string part = pipe_read(*this, table_, *file.value(), error, 10);
    if (error != Errno::kOk) break;
    text += part;
  }
  EXPECT_EQ(error, Errno::kAgain);
  EXPECT_EQ(text.substr(text.size() - 29), "tracing_mark_write: split me\n");
  table_.release(file.release_value());
}

TEST_F(TracePipe, PollTurnsTrueWhenDataArrives) {
  auto file = open("trace_pipe", vfs::kOpenReadOnly);
  ASSERT_TRUE(file.ok());
  EXPECT_FALSE(table_.poll(*file.value()));
  ASSERT_EQ(mark("wake"), Errno::kOk);
  EXPECT_TRUE(table_.poll(*file.value()));
  table_.release(file.release_value());
}

TEST_F(TracePipe, SecondReaderIsEbusy) {
  auto first = open("trace_pipe", vfs::kOpenReadOnly);
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(open("trace_pipe", vfs::kOpenReadOnly).error(), Errno::kBusy);
  EXPECT_EQ(open("per_cpu/cpu0/trace_pipe", vfs::kOpenReadOnly).error(), Errno::kBusy);
  table_.release(first.release_value());
  auto again = open("trace_pipe", vfs::kOpenReadOnly);
  EXPECT_TRUE(again.ok());
  if (again.ok()) table_.release(again.release_value());
}

TEST_F(TracePipe, PerCpuPipeReadsOnlyItsCpu) {
  ASSERT_EQ(mark("on-cpu0", 0), Errno::kOk);
  ASSERT_EQ(mark("on-cpu1", 1), Errno::kOk);
  auto file = open("per_cpu/cpu1/trace_pipe", vfs::kOpenReadOnly);
  ASSERT_TRUE(file.ok());
  Errno error;
  std::string text = pipe_read(*this, table_, *file.value(), error);
  EXPECT_EQ(text.find("on-cpu0"), std::string::npos);
  EXPECT_NE(text.find("on-cpu1"), std::string::npos);
  table_.release(file.release_value());
}

TEST_F(PerCpu, HoldsLinuxsFiles) {
  EXPECT_EQ(ls("per_cpu"), (std::vector<std::string>{"cpu0", "cpu1"}));
  EXPECT_EQ(ls("per_cpu/cpu0"),
            (std::vector<std::string>{"buffer_size_kb", "snapshot", "stats", "trace", "trace_pipe",
                                      "trace_pipe_raw"}));
  EXPECT_EQ(mode_of("per_cpu/cpu0/stats"), vfs::kModeRegular | 0440);
  EXPECT_EQ(mode_of("per_cpu/cpu0"), vfs::kModeDirectory | 0750);
}

TEST_F(PerCpu, TraceShowsOnlyItsCpu) {
  ASSERT_EQ(mark("on-cpu0", 0), Errno::kOk);
  ASSERT_EQ(mark("on-cpu1", 1), Errno::kOk);
  auto lines = trace_lines("per_cpu/cpu0/trace");
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_NE(lines[0].find("on-cpu0"), std::string::npos);
}

TEST_F(PerCpu, TraceHeaderCountsEveryCpuAsLinuxDoes) {
  ASSERT_EQ(mark("on-cpu0", 0), Errno::kOk);
  ASSERT_EQ(mark("on-cpu1", 1), Errno::kOk);
  ASSERT_EQ(mark("on-cpu1-again", 1), Errno::kOk);
  EXPECT_NE(cat("per_cpu/cpu0/trace").find("# entries-in-buffer/entries-written: 3/3   #P:2\n"),
            std::string::npos);
}

TEST_F(PerCpu, TruncatingCpuTraceClearsOnlyThatCpu) {
  ASSERT_EQ(mark("on-cpu0", 0), Errno::kOk);
  ASSERT_EQ(mark("on-cpu1", 1), Errno::kOk);
  ASSERT_EQ(echo("per_cpu/cpu0/trace", ""), Errno::kOk);
  auto lines = trace_lines();
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_NE(lines[0].find("on-cpu1"), std::string::npos);
}

TEST_F(PerCpu, StatsFormat) {
  test::set_clock(5108264626000ull);
  ASSERT_EQ(mark("on-cpu0", 0), Errno::kOk);
  test::set_clock(5108270775000ull);
  std::string stats = cat("per_cpu/cpu0/stats");
  EXPECT_EQ(stats.rfind("entries: 1\noverrun: 0\ncommit overrun: 0\nbytes: ", 0), 0u);
  EXPECT_NE(stats.find("\noldest event ts:  5108.264626\nnow ts:  5108.270775\n"
                       "dropped events: 0\nread events: 0\n"),
            std::string::npos);
}

TEST_F(PerCpu, StatsOfCounterClockAreRaw) {
  ASSERT_EQ(echo("trace_clock", "counter"), Errno::kOk);
  std::string stats = cat("per_cpu/cpu0/stats");
  EXPECT_NE(stats.find("now ts: "), std::string::npos);
  EXPECT_EQ(stats.find("now ts:  "), std::string::npos);
}
