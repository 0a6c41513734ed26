#include <gtest/gtest.h>

#include "RingTestSupport.h"

namespace tg::ring::test {
namespace {

class RingResize : public ::testing::Test {
 protected:
  void SetUp() override { buffer_ = CpuBuffer::create(0, 4).release_value(); }
  void write_many(u32 count, u32 first = 0) {
    for (u32 i = first; i < first + count; ++i) ASSERT_TRUE(write_function(*buffer_, 1 + i, i));
  }
  OwnPtr<CpuBuffer> buffer_;
};

TEST_F(RingResize, GrowKeepsEverything) {
  write_many(3 * kFunctionsPerPage + 10);
  ASSERT_TRUE(buffer_->resize(16).ok());
  EXPECT_EQ(buffer_->pages(), 16u);
  auto all = read_all(*buffer_, false);
  ASSERT_EQ(all.size(), 3 * kFunctionsPerPage + 10);
  for (u32 i = 0; i < all.size(); ++i) EXPECT_EQ(all[i].ip, i);
  EXPECT_EQ(buffer_->stats().overrun, 0u);
}

TEST_F(RingResize, GrownBufferHoldsMore) {
  ASSERT_TRUE(buffer_->resize(16).ok());
  write_many(16 * kFunctionsPerPage);
  EXPECT_EQ(buffer_->stats().entries, 16 * kFunctionsPerPage);
  EXPECT_EQ(buffer_->stats().overrun, 0u);
}

TEST_F(RingResize, ShrinkKeepsTheNewestAndCountsTheRestAsOverrun) {
  write_many(3 * kFunctionsPerPage + 10);
  ASSERT_TRUE(buffer_->resize(2).ok());
  auto all = read_all(*buffer_, false);
  ASSERT_EQ(all.size(), kFunctionsPerPage + 10);
  EXPECT_EQ(all.front().ip, 2 * kFunctionsPerPage);
  EXPECT_EQ(all.back().ip, 3 * kFunctionsPerPage + 9);
  CpuStats stats = buffer_->stats();
  EXPECT_EQ(stats.overrun, 2 * kFunctionsPerPage);
  EXPECT_EQ(stats.entries, kFunctionsPerPage + 10);
}

TEST_F(RingResize, ShrinkCountsOnlyUnreadEntriesAsOverrun) {
  write_many(3 * kFunctionsPerPage + 10);
  CpuBuffer::Cursor pipe(*buffer_, true);
  Entry entry;
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(pipe.peek(entry));
    pipe.advance();
  }
  ASSERT_TRUE(buffer_->resize(2).ok());
  EXPECT_EQ(buffer_->stats().overrun, 2 * kFunctionsPerPage - 3);
  EXPECT_EQ(buffer_->stats().read, 3u);
}

// Everything read, then a resize: no page is live, and what was written stays counted
// (entries = written - overrun - read stays 0, and counts up again from there).
TEST_F(RingResize, ResizeOfAFullyReadBufferKeepsTheCounts) {
  write_many(kFunctionsPerPage + 7);
  {
    CpuBuffer::Cursor pipe(*buffer_, true);
    Entry entry;
    while (pipe.peek(entry)) pipe.advance();
  }
  EXPECT_EQ(buffer_->stats().entries, 0u);
  ASSERT_TRUE(buffer_->resize(6).ok());
  EXPECT_EQ(buffer_->stats().entries, 0u);
  EXPECT_EQ(buffer_->stats().read, kFunctionsPerPage + 7);
  write_many(3, 5000);
  EXPECT_EQ(buffer_->stats().entries, 3u);
  EXPECT_EQ(buffer_->stats().bytes, 3 * sizeof(FunctionRecord));
}

TEST_F(RingResize, WritingContinuesAfterShrink) {
  write_many(3 * kFunctionsPerPage + 10);
  ASSERT_TRUE(buffer_->resize(2).ok());
  write_many(5, 100000);
  auto all = read_all(*buffer_, false);
  ASSERT_EQ(all.size(), kFunctionsPerPage + 15);
  EXPECT_EQ(all.back().ip, 100004u);
}

TEST_F(RingResize, FewerThanTwoPagesMeansTwo) {
  ASSERT_TRUE(buffer_->resize(0).ok());
  EXPECT_EQ(buffer_->pages(), CpuBuffer::kMinPages);
}

TEST_F(RingResize, AbsurdSizeIsEnomemAndChangesNothing) {
  write_many(10);
  Status status = buffer_->resize(~usize{0});
  EXPECT_EQ(status.error(), Errno::kNoMem);
  EXPECT_EQ(buffer_->pages(), 4u);
  EXPECT_EQ(read_all(*buffer_, false).size(), 10u);
}

class RingReset : public RingResize {};

TEST_F(RingReset, ClearsEntriesAndCounters) {
  buffer_->set_overwrite(false);
  for (u32 i = 0; i < 5 * kFunctionsPerPage; ++i) write_function(*buffer_, 1 + i, i);
  read_all(*buffer_, true);
  buffer_->reset();
  CpuStats stats = buffer_->stats();
  EXPECT_EQ(stats.entries, 0u);
  EXPECT_EQ(stats.overrun, 0u);
  EXPECT_EQ(stats.dropped, 0u);
  EXPECT_EQ(stats.read, 0u);
  EXPECT_EQ(stats.bytes, 0u);
  EXPECT_TRUE(read_all(*buffer_, false).empty());
}

TEST_F(RingReset, RecordsAfterResetAreReadable) {
  write_many(10);
  buffer_->reset();
  write_many(3, 50);
  auto all = read_all(*buffer_, false);
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all.front().ip, 50u);
}

TEST_F(RingReset, OpenCursorFindsTheBufferEmpty) {
  write_many(10);
  CpuBuffer::Cursor reader(*buffer_, false);
  Entry entry;
  ASSERT_TRUE(reader.peek(entry));
  reader.advance();
  buffer_->reset();
  // The cursor may still return what it had copied, but nothing from before the reset
  // beyond its page copy, and records written after the reset.
  write_many(1, 77);
  std::vector<u32> ips;
  while (reader.peek(entry)) {
    ips.push_back(entry.as<FunctionRecord>().ip);
    reader.advance();
  }
  ASSERT_FALSE(ips.empty());
  EXPECT_EQ(ips.back(), 77u);
}

}  // namespace
}  // namespace tg::ring::test
