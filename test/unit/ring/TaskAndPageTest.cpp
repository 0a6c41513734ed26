#include <gtest/gtest.h>

#include "RingTestSupport.h"

namespace tg::ring::test {
namespace {

class RingTask : public ::testing::Test {
 protected:
  void SetUp() override { buffer_ = CpuBuffer::create(0, 4).release_value(); }
  OwnPtr<CpuBuffer> buffer_;
};

TEST_F(RingTask, PidChangeWritesATaskRecord) {
  ASSERT_TRUE(write_function(*buffer_, 100, 0, 10));
  ASSERT_TRUE(write_function(*buffer_, 200, 1, 20));
  CpuBuffer::Cursor cursor(*buffer_, false);
  Entry first;
  ASSERT_TRUE(cursor.peek(first));
  const u32* words = reinterpret_cast<const u32*>(first.record);
  EXPECT_EQ(header_type(words[4]), RecordType::kTask);
  EXPECT_EQ(static_cast<i32>(words[5]), 20);
}

TEST_F(RingTask, EntriesCarryThePidTheyWereWrittenFor) {
  const i32 pids[] = {10, 10, 20, 0, 10};
  for (u32 i = 0; i < 5; ++i) ASSERT_TRUE(write_function(*buffer_, 100 + i, i, pids[i]));
  auto all = read_all(*buffer_, false);
  ASSERT_EQ(all.size(), 5u);
  for (u32 i = 0; i < 5; ++i) EXPECT_EQ(all[i].pid, pids[i]);
}

TEST_F(RingTask, TaskRecordsAreNotEntries) {
  ASSERT_TRUE(write_function(*buffer_, 100, 0, 10));
  ASSERT_TRUE(write_function(*buffer_, 200, 1, 20));
  EXPECT_EQ(buffer_->stats().entries, 2u);
  EXPECT_EQ(buffer_->stats().bytes, 32u);
}

TEST_F(RingTask, ReaderStartingMidRingKnowsThePidFromThePageHeader) {
  // pid 7 is set once; after the first pages are overwritten no kTask record for it is left,
  // only the page headers.
  ASSERT_TRUE(write_function(*buffer_, 1, 0, 5));
  for (u32 i = 1; i < 10 * kFunctionsPerPage; ++i) {
    ASSERT_TRUE(write_function(*buffer_, 1 + i, i, 7));
  }
  auto all = read_all(*buffer_, false);
  ASSERT_FALSE(all.empty());
  for (const Seen& entry : all) EXPECT_EQ(entry.pid, 7);
}

class RingPage : public ::testing::Test {
 protected:
  void SetUp() override { buffer_ = CpuBuffer::create(0, 4).release_value(); }
  OwnPtr<CpuBuffer> buffer_;
};

TEST_F(RingPage, RecordsCrossIntoTheNextPageInOrder) {
  const u32 count = 3 * kFunctionsPerPage + 7;
  for (u32 i = 0; i < count; ++i) ASSERT_TRUE(write_function(*buffer_, 1000 + i, i));
  auto all = read_all(*buffer_, false);
  ASSERT_EQ(all.size(), count);
  for (u32 i = 0; i < count; ++i) {
    EXPECT_EQ(all[i].ip, i);
    EXPECT_EQ(all[i].timestamp, 1000u + i);
  }
}

TEST_F(RingPage, RecordThatDoesNotFitStartsANewPageAndLeavesPadding) {
  // 254 function events leave 16 bytes: a 24-byte event goes to the next page.
  for (u32 i = 0; i < kFunctionsPerPage - 1; ++i) ASSERT_TRUE(write_function(*buffer_, 10, i));
  u32* event = buffer_->reserve(20, 1, RecordType::kEvent, 24);
  ASSERT_NE(event, nullptr);
  event[1] = 16;
  buffer_->commit();
  ASSERT_TRUE(write_function(*buffer_, 30, 999));
  auto all = read_all(*buffer_, false);
  ASSERT_EQ(all.size(), kFunctionsPerPage + 1);
  EXPECT_EQ(all[kFunctionsPerPage - 1].type, RecordType::kEvent);
  EXPECT_EQ(all[kFunctionsPerPage - 1].timestamp, 20u);
  EXPECT_EQ(all[kFunctionsPerPage].ip, 999u);
}

TEST_F(RingPage, FullPageSizedRecordFits) {
  u32* event = buffer_->reserve(20, 1, RecordType::kEvent, kPageDataSize);
  ASSERT_NE(event, nullptr);
  event[1] = kPageDataSize - sizeof(EventRecord);
  buffer_->commit();
  auto all = read_all(*buffer_, false);
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all[0].size, kPageDataSize);
}

TEST_F(RingPage, BookkeepingRecordsTravelWithTheirEntry) {
  // A pid change at the end of a full page: the kTask record must not be stranded at the end
  // of the old page; the new page's header carries the pid instead.
  for (u32 i = 0; i < kFunctionsPerPage; ++i) ASSERT_TRUE(write_function(*buffer_, 10 + i, i, 1));
  ASSERT_TRUE(write_function(*buffer_, 1000, 500, 2));
  auto all = read_all(*buffer_, false);
  ASSERT_EQ(all.size(), kFunctionsPerPage + 1);
  EXPECT_EQ(all.back().pid, 2);
  EXPECT_EQ(all.back().timestamp, 1000u);
  EXPECT_EQ(buffer_->stats().bytes, (kFunctionsPerPage + 1) * 16);
}

}  // namespace
}  // namespace tg::ring::test
