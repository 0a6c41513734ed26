#include <gtest/gtest.h>

#include <string>

#include "trace/TraceOptions.h"

namespace tg::trace {
namespace {

std::string listing(const TraceOptions& options, StringView tracer) {
  std::string text;
  for (const auto& info : TraceOptions::table()) {
    if (!TraceOptions::listed_for(info, tracer)) continue;
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
  EXPECT_NE(graph.find("nofuncgraph-overrun\nfuncgraph-cpu\nfuncgraph-overhead\n"
                       "nofuncgraph-proc\nfuncgraph-duration\nnofuncgraph-abstime\n"
                       "funcgraph-irqs\nnofuncgraph-tail\nnofuncgraph-retval\nsleep-time\n"
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
  ASSERT_NE(TraceOptions::find("sym-addr"), nullptr);
  EXPECT_EQ(TraceOptions::find("sym-addr")->option, TraceOption::kSymAddr);
  EXPECT_EQ(TraceOptions::find("Sym-addr"), nullptr);
}

TEST(TraceOptions, WriteNoPrefixTurnsOff) {
  auto change = TraceOptions::parse_write("noprint-parent\n", "nop");
  ASSERT_TRUE(change.ok());
  EXPECT_EQ(change.value().option, TraceOption::kPrintParent);
  EXPECT_FALSE(change.value().on);
}

TEST(TraceOptions, WriteWithSurroundingBlanksIsAccepted) {
  auto change = TraceOptions::parse_write("  sym-addr\n", "nop");
  ASSERT_TRUE(change.ok());
  EXPECT_TRUE(change.value().on);
}

TEST(TraceOptions, UnknownIsEinval) {
  EXPECT_EQ(TraceOptions::parse_write("foo", "nop").error(), Errno::kInval);
  EXPECT_EQ(TraceOptions::parse_write("nofoo", "nop").error(), Errno::kInval);
}

TEST(TraceOptions, TwoNamesInOneWriteIsEinval) {
  EXPECT_EQ(TraceOptions::parse_write("print-parent sym-addr", "nop").error(), Errno::kInval);
}

TEST(TraceOptions, OtherTracersOptionIsEinval) {
  EXPECT_EQ(TraceOptions::parse_write("func_stack_trace", "nop").error(), Errno::kInval);
  EXPECT_TRUE(TraceOptions::parse_write("func_stack_trace", "function").ok());
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
