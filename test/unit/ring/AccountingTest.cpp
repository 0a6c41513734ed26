#include <gtest/gtest.h>

#include "RingTestSupport.h"

namespace tg::ring::test {
namespace {

// Four pages of 255 function events each: the writer fills page after page, so after
// `count` writes the newest ceil(count / 255) pages hold the survivors.
constexpr usize kPages = 4;

class RingOverwrite : public ::testing::Test {
 protected:
  void SetUp() override { buffer_ = CpuBuffer::create(0, kPages).release_value(); }
  void write_many(u32 count, u32 first = 0) {
    for (u32 i = first; i < first + count; ++i) ASSERT_TRUE(write_function(*buffer_, 1 + i, i));
  }
  OwnPtr<CpuBuffer> buffer_;
};

TEST_F(RingOverwrite, EntriesAndOverrunAreExactAfterWrappingManyTimes) {
  write_many(10000);
  // 10000 = 39 full pages + 55: the last 3 full pages and the partial one survive.
  const u64 survivors = 3 * kFunctionsPerPage + 55;
  CpuStats stats = buffer_->stats();
  EXPECT_EQ(stats.entries, survivors);
  EXPECT_EQ(stats.overrun, 10000 - survivors);
  EXPECT_EQ(stats.dropped, 0u);
  EXPECT_EQ(stats.bytes, survivors * sizeof(FunctionRecord));
}

// The page being written counts at once, and joins the totals when the writer moves on:
// the figures are exact after every single record, across page turns and overwrites.
TEST_F(RingOverwrite, StatsAreExactAfterEveryRecord) {
  for (u32 i = 0; i < 6 * kFunctionsPerPage; ++i) {
    ASSERT_TRUE(write_function(*buffer_, 1 + i, i));
    CpuStats stats = buffer_->stats();
    ASSERT_EQ(stats.entries + stats.overrun, u64{i} + 1) << "after record " << i;
    ASSERT_EQ(stats.bytes, stats.entries * sizeof(FunctionRecord)) << "after record " << i;
  }
}

TEST_F(RingOverwrite, SurvivorsAreTheNewestInOrder) {
  write_many(10000);
  auto all = read_all(*buffer_, false);
  ASSERT_EQ(all.size(), 3 * kFunctionsPerPage + 55);
  for (usize i = 0; i < all.size(); ++i) EXPECT_EQ(all[i].ip, 10000 - all.size() + i);
}

TEST_F(RingOverwrite, PartlyConsumedPageOverwrittenCountsOnlyUnreadEntries) {
  write_many(kPages * kFunctionsPerPage);  // exactly full
  {
    CpuBuffer::Cursor pipe(*buffer_, true);
    Entry entry;
    for (int i = 0; i < 5; ++i) {
      ASSERT_TRUE(pipe.peek(entry));
      pipe.advance();
    }
  }
  write_many(1, kPages * kFunctionsPerPage);  // takes over the oldest page
  CpuStats stats = buffer_->stats();
  EXPECT_EQ(stats.read, 5u);
  EXPECT_EQ(stats.overrun, kFunctionsPerPage - 5);
  EXPECT_EQ(stats.entries, 3 * kFunctionsPerPage + 1);
}

TEST_F(RingOverwrite, NothingIsLostSilently) {
  u32 written = 0;
  CpuBuffer::Cursor pipe(*buffer_, true);
  u64 consumed = 0;
  for (int round = 0; round < 50; ++round) {
    write_many(333, written);
    written += 333;
    Entry entry;
    for (int i = 0; i < 100 && pipe.peek(entry); ++i, ++consumed) pipe.advance();
  }
  CpuStats stats = buffer_->stats();
  EXPECT_EQ(stats.read, consumed);
  EXPECT_EQ(stats.read + stats.overrun + stats.entries, written);
  EXPECT_EQ(read_all(*buffer_, false).size(), stats.entries);
}

class RingStopWhenFull : public RingOverwrite {
 protected:
  void SetUp() override {
    RingOverwrite::SetUp();
    buffer_->set_overwrite(false);
  }
};

TEST_F(RingStopWhenFull, RefusedWritesAreCountedAsDropped) {
  u32 accepted = 0;
  for (u32 i = 0; i < 10000; ++i) accepted += write_function(*buffer_, 1 + i, i);
  EXPECT_EQ(accepted, kPages * kFunctionsPerPage);
  CpuStats stats = buffer_->stats();
  EXPECT_EQ(stats.entries, accepted);
  EXPECT_EQ(stats.dropped, 10000 - accepted);
  EXPECT_EQ(stats.overrun, 0u);
}

TEST_F(RingStopWhenFull, KeepsTheOldest) {
  for (u32 i = 0; i < 10000; ++i) write_function(*buffer_, 1 + i, i);
  auto all = read_all(*buffer_, false);
  ASSERT_EQ(all.size(), kPages * kFunctionsPerPage);
  for (u32 i = 0; i < all.size(); ++i) EXPECT_EQ(all[i].ip, i);
}

TEST_F(RingStopWhenFull, ConsumedPagesBecomeWritableAgain) {
  for (u32 i = 0; i < 10000; ++i) write_function(*buffer_, 1 + i, i);
  EXPECT_EQ(read_all(*buffer_, true).size(), kPages * kFunctionsPerPage);
  // Every page is free again but the writer's own (full) one.
  u32 accepted = 0;
  for (u32 i = 0; i < 1000; ++i) accepted += write_function(*buffer_, 20000 + i, 20000 + i);
  EXPECT_EQ(accepted, (kPages - 1) * kFunctionsPerPage);
  CpuStats stats = buffer_->stats();
  EXPECT_EQ(stats.read, kPages * kFunctionsPerPage);
  EXPECT_EQ(stats.dropped, 10000 - kPages * kFunctionsPerPage + 1000 - accepted);
  EXPECT_EQ(stats.entries, accepted);
}

TEST_F(RingStopWhenFull, SwitchingBackToOverwriteOverwrites) {
  for (u32 i = 0; i < kPages * kFunctionsPerPage; ++i) write_function(*buffer_, 1 + i, i);
  EXPECT_FALSE(write_function(*buffer_, 5000, 5000));
  buffer_->set_overwrite(true);
  EXPECT_TRUE(write_function(*buffer_, 5001, 5001));
  EXPECT_EQ(buffer_->stats().overrun, kFunctionsPerPage);
  EXPECT_EQ(buffer_->stats().dropped, 1u);
}

}  // namespace
}  // namespace tg::ring::test
