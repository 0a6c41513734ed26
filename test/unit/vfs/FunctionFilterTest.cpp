#include <gtest/gtest.h>

#include <string>

#include "FakeSymbols.h"
#include "trace/EventCatalog.h"
#include "trace/FunctionFilter.h"
#include "trace/Glob.h"
#include "trace/PidList.h"

using namespace tg;
using namespace tg::trace;

namespace {

std::string show(const FunctionFilter& filter) {
  String out;
  EXPECT_TRUE(filter.show(out).ok());
  return std::string(out.data(), out.size());
}

// Calls of `ip` where every probe applies: how many acted.
int fire(FunctionFilter& filter, u64 ip) {
  int acted = 0;
  filter.run_probes(
      ip, [](FunctionFilter::Command, u16) { return true; },
      [&](FunctionFilter::Command, u16) { ++acted; });
  return acted;
}

class FunctionFilterTest : public testing::Test {
 protected:
  test::ScopedFakeSymbols symbols_;
  FunctionFilter filter_{FunctionFilter::Flavor::kFilter};
};

}  // namespace

TEST(Glob, TrailingStarIsPrefix) {
  Glob glob = Glob::parse("kmalloc*");
  EXPECT_EQ(glob.kind(), Glob::Kind::kPrefix);
  EXPECT_TRUE(glob.matches("kmalloc_node"));
  EXPECT_FALSE(glob.matches("kfree"));
}

TEST(Glob, LeadingStarIsSuffix) {
  Glob glob = Glob::parse("*_read");
  EXPECT_EQ(glob.kind(), Glob::Kind::kSuffix);
  EXPECT_TRUE(glob.matches("vfs_read"));
  EXPECT_FALSE(glob.matches("vfs_read_iter"));
}

TEST(Glob, StarsAroundIsSubstring) {
  Glob glob = Glob::parse("*fs_*");
  EXPECT_EQ(glob.kind(), Glob::Kind::kSubstring);
  EXPECT_TRUE(glob.matches("vfs_write"));
}

TEST(Glob, InnerStarQuestionBracketOrBackslashIsFullGlob) {
  for (const char* word : {"k*c", "kfre?", "k[fm]*", "a\\?b"})
    EXPECT_EQ(Glob::parse(word).kind(), Glob::Kind::kFull) << word;
  EXPECT_TRUE(Glob::parse("v*_r*d").matches("vfs_read"));
  EXPECT_TRUE(Glob::parse("kfre?").matches("kfree"));
  EXPECT_TRUE(Glob::parse("k[fm]*").matches("kmalloc"));
  EXPECT_FALSE(Glob::parse("k[!fm]*").matches("kmalloc"));
  EXPECT_TRUE(Glob::parse("a\\?b").matches("a?b"));
  EXPECT_FALSE(Glob::parse("a\\?b").matches("axb"));
}

TEST(Glob, PlainWordIsExact) {
  Glob glob = Glob::parse("kmalloc");
  EXPECT_EQ(glob.kind(), Glob::Kind::kExact);
  EXPECT_TRUE(glob.matches("kmalloc"));
  EXPECT_FALSE(glob.matches("kmalloc_node"));
}

TEST(Glob, UnterminatedClassMatchesLiteralBracket) {
  EXPECT_TRUE(glob_match("a[b", "a[b"));
  EXPECT_FALSE(glob_match("a[b", "ab"));
}

TEST_F(FunctionFilterTest, EmptyFilterReadsAllFunctionsEnabled) {
  EXPECT_EQ(show(filter_), "#### all functions enabled ####\n");
}

TEST_F(FunctionFilterTest, EmptyNotraceReadsNoFunctionsDisabled) {
  FunctionFilter notrace(FunctionFilter::Flavor::kNotrace);
  EXPECT_EQ(show(notrace), "#### no functions disabled ####\n");
}

TEST_F(FunctionFilterTest, GlobSelectsEveryMatchOnePerLineInAddressOrder) {
  ASSERT_TRUE(filter_.apply_word("kmalloc*").ok());
  EXPECT_EQ(show(filter_), "kmalloc\nkmalloc_node\n");
}

TEST_F(FunctionFilterTest, GlobWithNoMatchIsEinvalAndChangesNothing) {
  ASSERT_TRUE(filter_.apply_word("kfree").ok());
  EXPECT_EQ(filter_.apply_word("nosuch*").error(), Errno::kInval);
  EXPECT_EQ(show(filter_), "kfree\n");
}

TEST_F(FunctionFilterTest, BangRemoves) {
  ASSERT_TRUE(filter_.apply_word("k*").ok());
  ASSERT_TRUE(filter_.apply_word("!kfree").ok());
  EXPECT_EQ(show(filter_), "kmalloc\nkmalloc_node\n");
}

TEST_F(FunctionFilterTest, QualifiedNamesMatchWhole) {
  ASSERT_TRUE(filter_.apply_word("Scheduler::*").ok());
  EXPECT_EQ(show(filter_), "Scheduler::pick_next\n");
}

TEST_F(FunctionFilterTest, NotraceSymbolsAreNeverSelected) {
  EXPECT_EQ(filter_.apply_word("trace_entry_stub").error(), Errno::kInval);
}

TEST_F(FunctionFilterTest, ContainsAddressInsideTheFunction) {
  ASSERT_TRUE(filter_.apply_word("vfs_read").ok());
  EXPECT_TRUE(filter_.contains_address(0x4000));
  EXPECT_TRUE(filter_.contains_address(0x4050));
  EXPECT_FALSE(filter_.contains_address(0x4100));
  EXPECT_FALSE(filter_.contains_address(0x5000));
}

TEST_F(FunctionFilterTest, TraceonProbeIsListedAfterNamesAsUnlimited) {
  ASSERT_TRUE(filter_.apply_word("kfree").ok());
  ASSERT_TRUE(filter_.apply_word("kmalloc:traceon").ok());
  EXPECT_EQ(show(filter_), "kfree\nkmalloc:traceon:unlimited\n");
}

TEST_F(FunctionFilterTest, TraceoffProbeWithCountIsListedWithCount) {
  ASSERT_TRUE(filter_.apply_word("kmalloc:traceoff:3").ok());
  EXPECT_EQ(show(filter_), "#### all functions enabled ####\nkmalloc:traceoff:count=3\n");
}

TEST_F(FunctionFilterTest, ProbeCountRunsDown) {
  ASSERT_TRUE(filter_.apply_word("kfree:traceoff:1").ok());
  EXPECT_EQ(fire(filter_, 0x3000), 1);
  EXPECT_EQ(fire(filter_, 0x3000), 0);
}

TEST_F(FunctionFilterTest, ProbeThatDoesNotApplySpendsNoCount) {
  ASSERT_TRUE(filter_.apply_word("kfree:traceoff:1").ok());
  filter_.run_probes(
      0x3000, [](FunctionFilter::Command, u16) { return false; },
      [](FunctionFilter::Command, u16) { ADD_FAILURE() << "acted"; });
  EXPECT_EQ(show(filter_), "#### all functions enabled ####\nkfree:traceoff:count=1\n");
}

TEST_F(FunctionFilterTest, CountedAndUncountedProbesAreApart) {
  ASSERT_TRUE(filter_.apply_word("kfree:traceoff:3").ok());
  ASSERT_TRUE(filter_.apply_word("kfree:traceoff").ok());
  ASSERT_TRUE(filter_.apply_word("!kfree:traceoff").ok());
  EXPECT_EQ(show(filter_), "#### all functions enabled ####\nkfree:traceoff:count=3\n");
}

TEST_F(FunctionFilterTest, EveryProbeOfTheFunctionRuns) {
  ASSERT_TRUE(filter_.apply_word("kfree:traceoff").ok());
  ASSERT_TRUE(filter_.apply_word("kfree:stacktrace").ok());
  EXPECT_EQ(fire(filter_, 0x3000), 2);
}

TEST_F(FunctionFilterTest, EventProbesTellTheOwner) {
  int attached = 0;
  FunctionFilter filter(FunctionFilter::Flavor::kFilter,
                        {&attached, [](void* context, u16 id, bool on) {
                           EXPECT_EQ(id, kEventSchedSwitch);
                           *static_cast<int*>(context) += on ? 1 : -1;
                         }});
  ASSERT_TRUE(filter.apply_word("kfree:disable_event:sched:sched_switch:2").ok());
  EXPECT_EQ(attached, 1);
  ASSERT_TRUE(filter.apply_word("!kfree:disable_event:sched:sched_switch:x").ok());
  EXPECT_EQ(attached, 0);
}

TEST_F(FunctionFilterTest, CountThatIsNoNumberIsEinval) {
  EXPECT_EQ(filter_.apply_word("kfree:traceoff:x").error(), Errno::kInval);
  EXPECT_EQ(filter_.apply_word("kfree:enable_event:sched:sched_switch:").error(), Errno::kInval);
  EXPECT_FALSE(filter_.has_probes());
}

TEST_F(FunctionFilterTest, EmptyCountOfTraceonIsUnlimitedListedAsMinusOne) {
  ASSERT_TRUE(filter_.apply_word("kfree:traceon:").ok());
  EXPECT_EQ(show(filter_), "#### all functions enabled ####\nkfree:traceon:count=-1\n");
  EXPECT_EQ(fire(filter_, 0x3000), 1);
  EXPECT_EQ(fire(filter_, 0x3000), 1);
}

TEST_F(FunctionFilterTest, ModuleOnTheGraphListIsEinval) {
  FunctionFilter graph(FunctionFilter::Flavor::kGraph);
  EXPECT_EQ(graph.apply_word("f:mod:m").error(), Errno::kInval);
}

TEST_F(FunctionFilterTest, BangRemovesProbe) {
  ASSERT_TRUE(filter_.apply_word("kmalloc:traceon").ok());
  ASSERT_TRUE(filter_.apply_word("!kmalloc:traceon").ok());
  EXPECT_FALSE(filter_.has_probes());
}

TEST_F(FunctionFilterTest, BangRemovesACountedProbeInTheFormItIsListed) {
  ASSERT_TRUE(filter_.apply_word("kmalloc:traceoff:3").ok());
  ASSERT_TRUE(filter_.apply_word("!kmalloc:traceoff:count=0").ok());
  EXPECT_FALSE(filter_.has_probes());
}

TEST_F(FunctionFilterTest, UnknownCommandIsEinval) {
  EXPECT_EQ(filter_.apply_word("kmalloc:bogus").error(), Errno::kInval);
}

TEST_F(FunctionFilterTest, ProbeOnNotraceIsEinval) {
  FunctionFilter notrace(FunctionFilter::Flavor::kNotrace);
  EXPECT_EQ(notrace.apply_word("kmalloc:traceon").error(), Errno::kInval);
}

TEST_F(FunctionFilterTest, ClearNamesKeepsProbes) {
  ASSERT_TRUE(filter_.apply_word("kfree").ok());
  ASSERT_TRUE(filter_.apply_word("kmalloc:traceon").ok());
  ASSERT_TRUE(filter_.clear_names().ok());
  EXPECT_TRUE(filter_.empty());
  EXPECT_TRUE(filter_.has_probes());
}

TEST(PidList, EmptyReadsNoPid) {
  PidList pids;
  String out;
  ASSERT_TRUE(pids.show(out, "no pid\n").ok());
  EXPECT_EQ(out, StringView("no pid\n"));
  EXPECT_TRUE(pids.allows(123));
}

TEST(PidList, WriteAddsEveryPidSorted) {
  PidList pids;
  EXPECT_EQ(pids.write("30 10\n20").value(), 8u);
  String out;
  ASSERT_TRUE(pids.show(out, "").ok());
  EXPECT_EQ(out, StringView("10\n20\n30\n"));
  EXPECT_TRUE(pids.allows(20));
  EXPECT_FALSE(pids.allows(21));
}

TEST(PidList, BadPidIsEinvalAndChangesNothing) {
  PidList pids;
  ASSERT_TRUE(pids.write("5").ok());
  EXPECT_EQ(pids.write("6 abc").error(), Errno::kInval);
  EXPECT_FALSE(pids.contains(6));
  EXPECT_EQ(pids.write("99999999").error(), Errno::kInval);
}

TEST_F(FunctionFilterTest, RemovingAProbeThatIsNotThereIsEinval) {
  ASSERT_TRUE(filter_.apply_word("kfree:traceoff").ok());
  EXPECT_EQ(filter_.apply_word("!kmalloc:traceoff").error(), Errno::kInval);
  EXPECT_EQ(filter_.apply_word("!kfree:traceon").error(), Errno::kInval);
  EXPECT_TRUE(filter_.has_probes());
}
