#include <gtest/gtest.h>

#include <string>

#include "trace/Tracer.h"

namespace tg::trace {
namespace {

std::string listing(const TraceOptions& options, StringView tracer) {
  std::string text;
  for (usize i = 0; i < option_row_count(); ++i) {
    const OptionInfo& info = option_row(i);
    if (!option_listed_for(info, tracer)) continue;
    if (!options.get(info.option)) text += "no";
    text.append(info.name.data(), info.name.size());
    text += '\n';
  }
  return text;
}

TEST(TraceOptions, NopListingMatchesLinuxOrderAndDefaults) {
  // Capture 00_defaults without blk and test_nop options.
  EXPECT_EQ(listing(TraceOptions(), "nop"),
            "print-parent\nnosym-offset\nnosym-addr\nnoverbose\nnoraw\nnohex\nnobin\nnoblock\n"
            "nofields\ntrace_printk\nannotate\nnouserstacktrace\nnosym-userobj\n"
            "noprintk-msg-only\ncontext-info\nnolatency-format\nrecord-cmd\nnorecord-tgid\n"
            "overwrite\nnodisable_on_free\nirq-info\nmarkers\nnoevent-fork\ntrace_printk_dest\n"
            "copy_trace_marker\nnopause-on-trace\nhash-ptr\nfunction-trace\nnofunction-fork\n"
            "nostacktrace\n");
}

TEST(TraceOptions, FunctionGraphOptionsListedOnlyForFunctionGraph) {
  std::string graph = listing(TraceOptions(), "function_graph");
  EXPECT_NE(
      graph.find("nofuncgraph-overrun\nfuncgraph-cpu\nfuncgraph-overhead\n"
                 "nofuncgraph-proc\nfuncgraph-duration\nnofuncgraph-abstime\n"
                 "funcgraph-irqs\nnofuncgraph-tail\nnofuncgraph-retval\nnofuncgraph-retval-hex\n"
                 "sleep-time\n"
                 "graph-time\n"),
      std::string::npos);
  EXPECT_EQ(listing(TraceOptions(), "function").find("funcgraph"), std::string::npos);
}

TEST(TraceOptions, DurationOptionsDefaultCpuAndOverheadOn) {
  TraceOptions options;
  EXPECT_TRUE(options.get(TraceOption::kDurationCpu));
  EXPECT_TRUE(options.get(TraceOption::kDurationOverhead));
  EXPECT_FALSE(options.get(TraceOption::kDurationAbstime));
  EXPECT_FALSE(options.get(TraceOption::kDurationProc));
}

TEST(TraceOptions, FindByExactName) {
  ASSERT_NE(find_option("sym-addr"), nullptr);
  EXPECT_EQ(find_option("sym-addr")->option, TraceOption::kSymAddr);
  EXPECT_EQ(find_option("Sym-addr"), nullptr);
}

TEST(TraceOptions, WriteNoPrefixTurnsOff) {
  auto change = parse_option_write("noprint-parent\n", "nop");
  ASSERT_TRUE(change.ok());
  EXPECT_EQ(change.value().option, TraceOption::kPrintParent);
  EXPECT_FALSE(change.value().on);
}

TEST(TraceOptions, WriteWithSurroundingBlanksIsAccepted) {
  auto change = parse_option_write("  sym-addr\n", "nop");
  ASSERT_TRUE(change.ok());
  EXPECT_TRUE(change.value().on);
}

TEST(TraceOptions, UnknownIsEinval) {
  EXPECT_EQ(parse_option_write("foo", "nop").error(), Errno::kInval);
  EXPECT_EQ(parse_option_write("nofoo", "nop").error(), Errno::kInval);
}

TEST(TraceOptions, TwoNamesInOneWriteIsEinval) {
  EXPECT_EQ(parse_option_write("print-parent sym-addr", "nop").error(), Errno::kInval);
}

TEST(TraceOptions, OtherTracersOptionIsEinval) {
  EXPECT_EQ(parse_option_write("func_stack_trace", "nop").error(), Errno::kInval);
  EXPECT_TRUE(parse_option_write("func_stack_trace", "function").ok());
}

TEST(TraceOptions, RowsNameEveryBitOnceInBitOrder) {
  ASSERT_EQ(option_row_count(), kOptionCount);
  for (usize i = 0; i < option_row_count(); ++i)
    EXPECT_EQ(static_cast<usize>(option_row(i).option), i) << option_row(i).name.data();
}

TEST(TraceOptions, SetAndGetToggle) {
  TraceOptions options;
  options.set(TraceOption::kRaw, true);
  EXPECT_TRUE(options.get(TraceOption::kRaw));
  options.set(TraceOption::kRaw, false);
  EXPECT_FALSE(options.get(TraceOption::kRaw));
  EXPECT_TRUE(options.get(TraceOption::kPrintParent));
}

}  // namespace
}  // namespace tg::trace
