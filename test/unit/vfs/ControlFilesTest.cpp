// current_tracer, available_tracers, tracing_on, tracing_thresh, max_graph_depth,
// buffer_size_kb, buffer_total_size_kb, buffer_subbuf_size_kb, trace_clock, trace_options,
// options/, trace_marker.
#include "TracefsFixture.h"

using namespace tg;
using namespace tg::test;

namespace {
class CurrentTracer : public TracefsTest {};
class AvailableTracers : public TracefsTest {};
class TracingOn : public TracefsTest {};
class TracingThresh : public TracefsTest {};
class MaxGraphDepth : public TracefsTest {};
class BufferSizeKb : public TracefsTest {};
class BufferTotalSizeKb : public TracefsTest {};
class BufferSubbufSizeKb : public TracefsTest {};
class TraceClockFile : public TracefsTest {};
class TraceOptions : public TracefsTest {};
class OptionFiles : public TracefsTest {};
class TraceMarker : public TracefsTest {};
}  // namespace

TEST_F(CurrentTracer, ReadsNopByDefault) {
  EXPECT_EQ(cat("current_tracer"), "nop\n");
}

TEST_F(CurrentTracer, UnknownNameIsEinvalAndChangesNothing) {
  EXPECT_EQ(echo("current_tracer", "abc"), Errno::kInval);
  EXPECT_EQ(cat("current_tracer"), "nop\n");
}

TEST_F(CurrentTracer, EmptyIsEinval) {
  EXPECT_EQ(echo("current_tracer", ""), Errno::kInval);
}

TEST_F(CurrentTracer, NameIsTrimmedButCaseSensitive) {
  EXPECT_EQ(echo("current_tracer", " nop "), Errno::kOk);
  EXPECT_EQ(write_once("current_tracer", "nop").error(), Errno::kOk);
  EXPECT_EQ(echo("current_tracer", "NOP"), Errno::kInval);
  EXPECT_EQ(echo("current_tracer", "nop x"), Errno::kInval);
}

TEST_F(CurrentTracer, SwitchesToFunction) {
  EXPECT_EQ(echo("current_tracer", "function"), Errno::kOk);
  EXPECT_EQ(cat("current_tracer"), "function\n");
}

TEST_F(CurrentTracer, SameTracerAgainKeepsTheBuffer) {
  ASSERT_EQ(mark("keep-me"), Errno::kOk);
  ASSERT_EQ(echo("current_tracer", "nop"), Errno::kOk);
  EXPECT_EQ(trace_lines().size(), 1u);
}

TEST_F(CurrentTracer, SwitchingClearsTheBuffer) {
  ASSERT_EQ(mark("gone"), Errno::kOk);
  ASSERT_EQ(echo("current_tracer", "function"), Errno::kOk);
  EXPECT_EQ(trace_lines().size(), 0u);
}

TEST_F(CurrentTracer, SwitchWhileTracePipeOpenIsEbusy) {
  auto pipe = open("trace_pipe", vfs::kOpenReadOnly | vfs::kOpenNonBlock);
  ASSERT_TRUE(pipe.ok());
  EXPECT_EQ(echo("current_tracer", "function"), Errno::kBusy);
  table_.release(pipe.release_value());
}

TEST_F(AvailableTracers, ListsEveryTracerOnOneLine) {
  EXPECT_EQ(cat("available_tracers"),
            "function_duration function_graph wakeup_dl wakeup_rt wakeup preemptirqsoff preemptoff "
            "irqsoff function nop\n");
}

TEST_F(AvailableTracers, WriteIsEinval) {
  EXPECT_EQ(echo("available_tracers", "x"), Errno::kInval);
}

TEST_F(AvailableTracers, IsReadOnly0440) {
  EXPECT_EQ(mode_of("available_tracers"), vfs::kModeRegular | 0440);
}

TEST_F(TracingOn, ReadsOneByDefault) {
  EXPECT_EQ(cat("tracing_on"), "1\n");
}

TEST_F(TracingOn, ZeroTurnsOff) {
  EXPECT_EQ(echo("tracing_on", "0"), Errno::kOk);
  EXPECT_EQ(cat("tracing_on"), "0\n");
}

TEST_F(TracingOn, TwoReadsBackAsOne) {
  ASSERT_EQ(echo("tracing_on", "0"), Errno::kOk);
  EXPECT_EQ(echo("tracing_on", "2"), Errno::kOk);
  EXPECT_EQ(cat("tracing_on"), "1\n");
}

TEST_F(TracingOn, MalformedNumbersAreEinvalAndChangeNothing) {
  for (const char* bad : {"abc", "-1", "0x1", " 1", "", "1abc"}) {
    EXPECT_EQ(echo("tracing_on", bad), Errno::kInval) << bad;
    EXPECT_EQ(cat("tracing_on"), "1\n") << bad;
  }
}

TEST_F(TracingOn, AboveUlongMaxIsErange) {
  EXPECT_EQ(echo("tracing_on", "18446744073709551616"), Errno::kRange);
  EXPECT_EQ(cat("tracing_on"), "1\n");
}

TEST_F(TracingOn, OffStopsRecordingOnly) {
  ASSERT_EQ(echo("current_tracer", "function"), Errno::kOk);
  ASSERT_EQ(echo("tracing_on", "0"), Errno::kOk);
  EXPECT_EQ(cat("current_tracer"), "function\n");
}

TEST_F(TracingThresh, ReadsZeroByDefault) {
  EXPECT_EQ(cat("tracing_thresh"), "0\n");
}

TEST_F(TracingThresh, TakesMicroseconds) {
  EXPECT_EQ(echo("tracing_thresh", "100"), Errno::kOk);
  EXPECT_EQ(cat("tracing_thresh"), "100\n");
  EXPECT_EQ(tracing_->top().tracing_thresh_us(), 100u);
}

TEST_F(TracingThresh, MalformedIsEinvalAndChangesNothing) {
  for (const char* bad : {"abc", "-1", ""}) EXPECT_EQ(echo("tracing_thresh", bad), Errno::kInval);
  EXPECT_EQ(cat("tracing_thresh"), "0\n");
}

TEST_F(MaxGraphDepth, ReadsZeroAndTakesANumber) {
  EXPECT_EQ(cat("max_graph_depth"), "0\n");
  EXPECT_EQ(echo("max_graph_depth", "3"), Errno::kOk);
  EXPECT_EQ(cat("max_graph_depth"), "3\n");
}

TEST_F(MaxGraphDepth, AboveUintMaxIsErange) {
  EXPECT_EQ(echo("max_graph_depth", "4294967296"), Errno::kRange);
}

// Linux's globals: only the top directory has the files, and every instance's graph and
// latency tracers follow them, instances made before the write and after it alike.
TEST_F(MaxGraphDepth, TopFilesApplyToEveryInstance) {
  ASSERT_EQ(mkdir("before"), Errno::kOk);
  EXPECT_EQ(open("instances/before/max_graph_depth", vfs::kOpenReadOnly).error(), Errno::kNoEnt);
  EXPECT_EQ(echo("instances/before/tracing_thresh", "5"), Errno::kNoEnt);
  ASSERT_EQ(echo("max_graph_depth", "2"), Errno::kOk);
  ASSERT_EQ(echo("tracing_thresh", "100"), Errno::kOk);
  ASSERT_EQ(mkdir("after"), Errno::kOk);
  ASSERT_EQ(tracing_->instance_count(), 3u);
  for (usize i = 1; i < 3; ++i) {
    EXPECT_EQ(tracing_->instance_at(i).max_graph_depth(), 2u) << i;
    EXPECT_EQ(tracing_->instance_at(i).tracing_thresh_us(), 100u) << i;
  }
}

TEST_F(BufferSizeKb, DefaultIs1410) {
  EXPECT_EQ(cat("buffer_size_kb"), "1410\n");
}

TEST_F(BufferSizeKb, RoundsUpToWholeDataPages) {
  EXPECT_EQ(echo("buffer_size_kb", "5"), Errno::kOk);
  EXPECT_EQ(cat("buffer_size_kb"), "7\n");
  EXPECT_EQ(echo("buffer_size_kb", "100"), Errno::kOk);
  EXPECT_EQ(cat("buffer_size_kb"), "103\n");
  EXPECT_EQ(echo("buffer_size_kb", "1408"), Errno::kOk);
  EXPECT_EQ(cat("buffer_size_kb"), "1410\n");
}

TEST_F(BufferSizeKb, ZeroIsEinvalAndChangesNothing) {
  EXPECT_EQ(echo("buffer_size_kb", "0"), Errno::kInval);
  EXPECT_EQ(cat("buffer_size_kb"), "1410\n");
}

TEST_F(BufferSizeKb, MalformedIsEinval) {
  for (const char* bad : {"abc", "-1", " 5", ""})
    EXPECT_EQ(echo("buffer_size_kb", bad), Errno::kInval) << bad;
  EXPECT_EQ(cat("buffer_size_kb"), "1410\n");
}

TEST_F(BufferSizeKb, HugeIsEnomemAndChangesNothing) {
  EXPECT_EQ(echo("buffer_size_kb", "99999999999999"), Errno::kNoMem);
  EXPECT_EQ(echo("buffer_size_kb", "18446744073709551615"), Errno::kNoMem);
  EXPECT_EQ(cat("buffer_size_kb"), "1410\n");
}

TEST_F(BufferSizeKb, AboveUlongMaxIsErange) {
  EXPECT_EQ(echo("buffer_size_kb", "18446744073709551616"), Errno::kRange);
}

TEST_F(BufferSizeKb, PerCpuSizeThatDiffersMakesTopReadX) {
  ASSERT_EQ(echo("buffer_size_kb", "5"), Errno::kOk);
  ASSERT_EQ(echo("per_cpu/cpu0/buffer_size_kb", "100"), Errno::kOk);
  EXPECT_EQ(cat("buffer_size_kb"), "X\n");
  EXPECT_EQ(cat("per_cpu/cpu0/buffer_size_kb"), "103\n");
  EXPECT_EQ(cat("per_cpu/cpu1/buffer_size_kb"), "7\n");
  EXPECT_EQ(cat("buffer_total_size_kb"), "110\n");
}

TEST_F(BufferSizeKb, ResizingKeepsContents) {
  ASSERT_EQ(mark("keep-me"), Errno::kOk);
  ASSERT_EQ(echo("buffer_size_kb", "2000"), Errno::kOk);
  ASSERT_EQ(echo("buffer_size_kb", "1408"), Errno::kOk);
  auto lines = trace_lines();
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_NE(lines[0].find("tracing_mark_write: keep-me"), std::string::npos);
}

TEST_F(BufferTotalSizeKb, SumsEveryCpu) {
  EXPECT_EQ(cat("buffer_total_size_kb"), "2820\n");
}

TEST_F(BufferTotalSizeKb, WriteIsEinval) {
  EXPECT_EQ(echo("buffer_total_size_kb", "1"), Errno::kInval);
}

TEST_F(TraceClockFile, ListsClocksWithCurrentInBrackets) {
  EXPECT_EQ(cat("trace_clock"),
            "[local] global counter uptime perf mono mono_raw boot tai x86-tsc\n");
}

TEST_F(TraceClockFile, SwitchesAndTrimsBlanks) {
  EXPECT_EQ(echo("trace_clock", "global"), Errno::kOk);
  EXPECT_EQ(cat("trace_clock"),
            "local [global] counter uptime perf mono mono_raw boot tai x86-tsc\n");
  EXPECT_EQ(echo("trace_clock", "  counter  "), Errno::kOk);
  EXPECT_EQ(cat("trace_clock"),
            "local global [counter] uptime perf mono mono_raw boot tai x86-tsc\n");
}

TEST_F(TraceClockFile, UnknownOrBracketedIsEinval) {
  EXPECT_EQ(echo("trace_clock", "foo"), Errno::kInval);
  EXPECT_EQ(echo("trace_clock", "[local]"), Errno::kInval);
  EXPECT_EQ(cat("trace_clock"),
            "[local] global counter uptime perf mono mono_raw boot tai x86-tsc\n");
}

TEST_F(TraceClockFile, SwitchingClearsTheBuffer) {
  ASSERT_EQ(mark("gone"), Errno::kOk);
  ASSERT_EQ(echo("trace_clock", "global"), Errno::kOk);
  EXPECT_EQ(trace_lines().size(), 0u);
}

TEST_F(TraceOptions, ListsOptionsWithNoPrefixWhenOff) {
  std::string text = cat("trace_options");
  EXPECT_EQ(text.rfind("print-parent\nnosym-offset\nnosym-addr\n", 0), 0u);
  EXPECT_NE(text.find("\nmarkers\n"), std::string::npos);
  EXPECT_EQ(text.find("func_stack_trace"), std::string::npos);
}

TEST_F(TraceOptions, NoPrefixTurnsOffAndNameTurnsOn) {
  EXPECT_EQ(echo("trace_options", "noprint-parent"), Errno::kOk);
  EXPECT_EQ(cat("options/print-parent"), "0\n");
  EXPECT_NE(cat("trace_options").find("noprint-parent\n"), std::string::npos);
  EXPECT_EQ(echo("trace_options", "print-parent"), Errno::kOk);
  EXPECT_EQ(cat("options/print-parent"), "1\n");
}

TEST_F(TraceOptions, UnknownIsEinval) {
  EXPECT_EQ(echo("trace_options", "foo"), Errno::kInval);
  EXPECT_EQ(echo("trace_options", "nofoo"), Errno::kInval);
}

TEST_F(TraceOptions, TwoOptionsInOneWriteIsEinval) {
  EXPECT_EQ(echo("trace_options", "print-parent sym-addr"), Errno::kInval);
  EXPECT_EQ(cat("options/sym-addr"), "0\n");
}

TEST_F(TraceOptions, LeadingBlanksAreFine) {
  EXPECT_EQ(echo("trace_options", "  sym-addr"), Errno::kOk);
  EXPECT_EQ(cat("options/sym-addr"), "1\n");
}

// fgraph's sleep-time and graph-time are Linux's globals: an instance's write changes them
// everywhere, and a new instance starts with them; other options stay the instance's own.
TEST_F(TraceOptions, SleepTimeAndGraphTimeAreOneForEveryInstance) {
  ASSERT_EQ(mkdir("a"), Errno::kOk);
  ASSERT_EQ(echo("instances/a/options/sleep-time", "0"), Errno::kOk);
  EXPECT_EQ(cat("options/sleep-time"), "0\n");
  ASSERT_EQ(echo("current_tracer", "function_graph"), Errno::kOk);
  ASSERT_EQ(echo("trace_options", "nograph-time"), Errno::kOk);
  ASSERT_EQ(echo("instances/a/options/print-parent", "0"), Errno::kOk);
  EXPECT_EQ(cat("instances/a/options/graph-time"), "0\n");
  ASSERT_EQ(mkdir("b"), Errno::kOk);
  EXPECT_EQ(cat("instances/b/options/sleep-time"), "0\n");
  EXPECT_EQ(cat("instances/b/options/graph-time"), "0\n");
  EXPECT_EQ(cat("options/print-parent"), "1\n");
  EXPECT_EQ(cat("instances/b/options/print-parent"), "1\n");
}

TEST_F(TraceOptions, OptionOfAnotherTracerIsEinval) {
  EXPECT_EQ(echo("trace_options", "func_stack_trace"), Errno::kInval);
}

TEST_F(OptionFiles, EveryOptionHasAFile) {
  auto names = ls("options");
  EXPECT_EQ(names.size(), trace::option_row_count());
  EXPECT_EQ(cat("options/func_stack_trace"), "0\n");
  EXPECT_EQ(mode_of("options/overwrite"), vfs::kModeRegular | 0640);
}

TEST_F(OptionFiles, OnlyZeroOrOneIsAccepted) {
  EXPECT_EQ(echo("options/print-parent", "2"), Errno::kInval);
  EXPECT_EQ(echo("options/print-parent", "abc"), Errno::kInval);
  EXPECT_EQ(cat("options/print-parent"), "1\n");
  EXPECT_EQ(echo("options/print-parent", "0"), Errno::kOk);
  EXPECT_EQ(cat("options/print-parent"), "0\n");
}

TEST_F(TraceMarker, IsWriteOnly0220) {
  EXPECT_EQ(mode_of("trace_marker"), vfs::kModeRegular | 0220);
}

TEST_F(TraceMarker, EachWriteIsOneEntry) {
  ASSERT_EQ(mark("hello world"), Errno::kOk);
  auto lines = trace_lines();
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_NE(lines[0].find("[000] "), std::string::npos);
  EXPECT_EQ(lines[0].substr(lines[0].size() - 33), ": tracing_mark_write: hello world");
}

TEST_F(TraceMarker, TracingOffIsEbadf) {
  ASSERT_EQ(echo("tracing_on", "0"), Errno::kOk);
  EXPECT_EQ(mark("while off"), Errno::kBadF);
}

TEST_F(TraceMarker, MarkersOptionOffIsEinval) {
  ASSERT_EQ(echo("options/markers", "0"), Errno::kOk);
  EXPECT_EQ(mark("markers off"), Errno::kInval);
}

TEST_F(TraceMarker, LongWriteIsShortAt4054) {
  EXPECT_EQ(write_once("trace_marker", std::string(5000, 'Y')).value(), 4054u);
  EXPECT_EQ(write_once("trace_marker", std::string(4000, 'Y')).value(), 4000u);
}

TEST_F(TraceMarker, ReadIsEinval) {
  auto file = open("trace_marker", vfs::kOpenReadWrite);
  ASSERT_TRUE(file.ok());
  char buffer[16];
  EXPECT_EQ(table_.read(*file.value(), 0, Span<char>(buffer, sizeof buffer)).error(),
            Errno::kInval);
  table_.release(file.release_value());
}

TEST_F(BufferSubbufSizeKb, ReadsFourByDefault) {
  EXPECT_EQ(cat("buffer_subbuf_size_kb"), "4\n");
}

// Linux takes the smallest power-of-two number of 4 KiB pages that holds the size.
TEST_F(BufferSubbufSizeKb, RoundsUpToAPowerOfTwoNumberOfPages) {
  const std::pair<const char*, const char*> sizes[] = {
      {"1", "4\n"},   {"4", "4\n"},   {"5", "8\n"},     {"8", "8\n"},     {"9", "16\n"},
      {"32", "32\n"}, {"33", "64\n"}, {"129", "256\n"}, {"512", "512\n"}, {"3", "4\n"}};
  for (const auto& [written, read] : sizes) {
    EXPECT_EQ(echo("buffer_subbuf_size_kb", written), Errno::kOk) << written;
    EXPECT_EQ(cat("buffer_subbuf_size_kb"), read) << written;
  }
}

TEST_F(BufferSubbufSizeKb, OutOfLinuxRangeOrMalformedIsEinvalAndChangesNothing) {
  ASSERT_EQ(echo("buffer_subbuf_size_kb", "8"), Errno::kOk);
  for (const char* bad : {"0", "513", "1024", "abc", "-4", "0x4", ""})
    EXPECT_EQ(echo("buffer_subbuf_size_kb", bad), Errno::kInval) << bad;
  EXPECT_EQ(cat("buffer_subbuf_size_kb"), "8\n");
}

// Linux multiplies an unsigned long by 1024 and keeps the page count in an int: a size whose
// product wraps to one page is accepted as one page.
TEST_F(BufferSubbufSizeKb, LinuxsWrappingArithmeticToo) {
  ASSERT_EQ(echo("buffer_subbuf_size_kb", "8"), Errno::kOk);
  EXPECT_EQ(echo("buffer_subbuf_size_kb", "4503599627370497"), Errno::kOk);  // 2^52 + 1
  EXPECT_EQ(cat("buffer_subbuf_size_kb"), "4\n");
  EXPECT_EQ(echo("buffer_subbuf_size_kb", "18014398509481984"), Errno::kInval);  // 2^54
}

// The number of sub-buffers changes so that each CPU keeps the bytes it held (rounded up).
TEST_F(BufferSubbufSizeKb, BufferSizeKbKeepsItsMeaning) {
  ASSERT_EQ(echo("buffer_subbuf_size_kb", "8"), Errno::kOk);
  EXPECT_EQ(cat("buffer_size_kb"), "1413\n");  // 177 pages of 8176 bytes (354 of 4080 before)
  EXPECT_EQ(echo("buffer_size_kb", "1000"), Errno::kOk);
  EXPECT_EQ(cat("buffer_size_kb"), "1006\n");  // 126 pages of 8176 bytes
  EXPECT_EQ(cat("per_cpu/cpu1/buffer_size_kb"), "1006\n");
  ASSERT_EQ(echo("buffer_subbuf_size_kb", "4"), Errno::kOk);
  EXPECT_EQ(cat("buffer_size_kb"), "1008\n");  // 253 pages of 4080 bytes
}

TEST_F(BufferSubbufSizeKb, ChangingItEmptiesTheBuffer) {
  ASSERT_EQ(echo("trace_marker", "before"), Errno::kOk);
  ASSERT_EQ(echo("buffer_subbuf_size_kb", "16"), Errno::kOk);
  EXPECT_TRUE(trace_lines().empty());
  ASSERT_EQ(echo("trace_marker", "after"), Errno::kOk);
  ASSERT_EQ(trace_lines().size(), 1u);
  EXPECT_NE(trace_lines()[0].find("tracing_mark_write: after"), std::string::npos);
}

TEST_F(BufferSubbufSizeKb, TheSameSizeAgainKeepsTheContents) {
  ASSERT_EQ(echo("trace_marker", "kept"), Errno::kOk);
  ASSERT_EQ(echo("buffer_subbuf_size_kb", "3"), Errno::kOk);
  EXPECT_EQ(trace_lines().size(), 1u);
}

// Linux's largest marker write is 4096 bytes; a 4 KiB sub-buffer holds only 4054 of them.
TEST_F(BufferSubbufSizeKb, LargerSubBuffersTakeLongerMarkers) {
  std::string text(5000, 'Y');
  EXPECT_EQ(write_once("trace_marker", text).value(), 4054u);
  ASSERT_EQ(echo("buffer_subbuf_size_kb", "8"), Errno::kOk);
  EXPECT_EQ(write_once("trace_marker", text).value(), 4096u);
  auto lines = trace_lines();
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_NE(lines[0].find("tracing_mark_write: " + std::string(4096, 'Y')), std::string::npos);
}

TEST_F(BufferSubbufSizeKb, HeaderPageShowsTheDataSize) {
  ASSERT_EQ(echo("buffer_subbuf_size_kb", "32"), Errno::kOk);
  EXPECT_NE(cat("events/header_page").find("\tfield: char data;\toffset:16;\tsize:32752;"),
            std::string::npos);
}

TEST_F(BufferSubbufSizeKb, EachInstanceHasItsOwn) {
  ASSERT_EQ(mkdir("foo"), Errno::kOk);
  EXPECT_EQ(cat("instances/foo/buffer_subbuf_size_kb"), "4\n");
  ASSERT_EQ(echo("instances/foo/buffer_subbuf_size_kb", "8"), Errno::kOk);
  EXPECT_EQ(cat("instances/foo/buffer_subbuf_size_kb"), "8\n");
  EXPECT_EQ(cat("buffer_subbuf_size_kb"), "4\n");
  EXPECT_NE(cat("instances/foo/events/header_page").find("size:8176;"), std::string::npos);
  EXPECT_NE(cat("events/header_page").find("size:4080;"), std::string::npos);
}

// An allocated snapshot buffer changes with the live one, so swapping still works.
TEST_F(BufferSubbufSizeKb, TheSnapshotBufferFollows) {
  ASSERT_EQ(echo("snapshot", "1"), Errno::kOk);
  ASSERT_EQ(echo("buffer_subbuf_size_kb", "8"), Errno::kOk);
  ASSERT_EQ(write_once("trace_marker", std::string(4096, 'Z')).value(), 4096u);
  ASSERT_EQ(echo("snapshot", "1"), Errno::kOk);
  std::string snapshot = cat("snapshot");
  EXPECT_NE(snapshot.find("tracing_mark_write: " + std::string(4096, 'Z')), std::string::npos);
  EXPECT_TRUE(trace_lines().empty());
}
