#include <gtest/gtest.h>

#include <string>

#include "FakeSymbols.h"
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
  bool on = true;
  EXPECT_TRUE(filter_.probe_hit(0x3000, on));
  EXPECT_FALSE(on);
  EXPECT_FALSE(filter_.probe_hit(0x3000, on));
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
