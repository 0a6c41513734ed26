#include <gtest/gtest.h>

#include "RingTestSupport.h"

namespace tg::ring::test {
namespace {

class RingTimestamp : public ::testing::Test {
 protected:
  void SetUp() override { buffer_ = CpuBuffer::create(0, 4).release_value(); }
  OwnPtr<CpuBuffer> buffer_;
};

TEST_F(RingTimestamp, SmallDeltasKeepAbsoluteTimes) {
  const u64 times[] = {1'000'000, 1'000'001, 1'000'500, 1'000'500, 1'200'000};
  for (u32 i = 0; i < 5; ++i) ASSERT_TRUE(write_function(*buffer_, times[i], i));
  auto all = read_all(*buffer_, false);
  ASSERT_EQ(all.size(), 5u);
  for (u32 i = 0; i < 5; ++i) EXPECT_EQ(all[i].timestamp, times[i]);
}

TEST_F(RingTimestamp, SmallDeltasCostNoExtraBytes) {
  for (u32 i = 0; i < 10; ++i) ASSERT_TRUE(write_function(*buffer_, 1000 + i * 100, i));
  // 10 function events in 160 bytes: the delta lives in the record header.
  EXPECT_EQ(buffer_->stats().bytes, 160u);
  Entry entry;
  CpuBuffer::Cursor cursor(*buffer_, false);
  ASSERT_TRUE(cursor.peek(entry));
  const u32* words = reinterpret_cast<const u32*>(entry.record);
  EXPECT_EQ(header_type(words[4]), RecordType::kFunction);
  EXPECT_EQ(header_delta(words[4]), 100u);
}

TEST_F(RingTimestamp, LongGapWritesATimeStampRecord) {
  const u64 start = 5'000'000;
  const u64 later = start + kMaxDelta + 1;  // one past what 27 bits hold
  ASSERT_TRUE(write_function(*buffer_, start, 0));
  ASSERT_TRUE(write_function(*buffer_, later, 1));
  CpuBuffer::Cursor cursor(*buffer_, false);
  Entry first;
  ASSERT_TRUE(cursor.peek(first));
  const u32* words = reinterpret_cast<const u32*>(first.record);
  EXPECT_EQ(header_type(words[4]), RecordType::kTimeStamp);
  EXPECT_EQ(header_type(words[7]), RecordType::kFunction);
  cursor.advance();
  Entry second;
  ASSERT_TRUE(cursor.peek(second));
  EXPECT_EQ(second.timestamp, later);
}

TEST_F(RingTimestamp, DeltaAtTheLimitNeedsNoTimeStampRecord) {
  ASSERT_TRUE(write_function(*buffer_, 100, 0));
  ASSERT_TRUE(write_function(*buffer_, 100 + kMaxDelta, 1));
  auto all = read_all(*buffer_, false);
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[1].timestamp, 100 + kMaxDelta);
  CpuBuffer::Cursor cursor(*buffer_, false);
  Entry first;
  ASSERT_TRUE(cursor.peek(first));
  EXPECT_EQ(header_type(reinterpret_cast<const u32*>(first.record)[4]), RecordType::kFunction);
}

TEST_F(RingTimestamp, HoursApartStayExact) {
  const u64 hour = 3'600'000'000'000ull;
  for (u32 i = 0; i < 4; ++i) ASSERT_TRUE(write_function(*buffer_, (i + 1) * hour + i, i));
  auto all = read_all(*buffer_, false);
  ASSERT_EQ(all.size(), 4u);
  for (u32 i = 0; i < 4; ++i) EXPECT_EQ(all[i].timestamp, (i + 1) * hour + i);
  EXPECT_EQ(buffer_->stats().entries, 4u);  // time stamps are not entries
}

TEST_F(RingTimestamp, ClockGoingBackwardsIsRecordedAsIs) {
  ASSERT_TRUE(write_function(*buffer_, 10'000, 0));
  ASSERT_TRUE(write_function(*buffer_, 9'000, 1));
  auto all = read_all(*buffer_, false);
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[1].timestamp, 9'000u);
}

TEST_F(RingTimestamp, OldestTimestampIsTheOldestUnreadEntry) {
  for (u32 i = 0; i < 3; ++i) ASSERT_TRUE(write_function(*buffer_, 1000 + i * 10, i));
  EXPECT_EQ(buffer_->stats().oldest_timestamp, 1000u);
  CpuBuffer::Cursor pipe(*buffer_, true);
  Entry entry;
  ASSERT_TRUE(pipe.peek(entry));
  pipe.advance();
  EXPECT_EQ(buffer_->stats().oldest_timestamp, 1010u);
}

}  // namespace
}  // namespace tg::ring::test
