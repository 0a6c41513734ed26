#include <gtest/gtest.h>

#include "RingTestSupport.h"

namespace tg::ring::test {
namespace {

class RingCursor : public ::testing::Test {
 protected:
  void SetUp() override {
    buffer_ = CpuBuffer::create(0, 4).release_value();
    for (u32 i = 0; i < 10; ++i) ASSERT_TRUE(write_function(*buffer_, 100 + i, i));
  }
  OwnPtr<CpuBuffer> buffer_;
};

TEST_F(RingCursor, NonConsumingReadChangesNothing) {
  EXPECT_EQ(read_all(*buffer_, false).size(), 10u);
  EXPECT_EQ(read_all(*buffer_, false).size(), 10u);
  EXPECT_EQ(buffer_->stats().entries, 10u);
  EXPECT_EQ(buffer_->stats().read, 0u);
}

TEST_F(RingCursor, ConsumedEntriesVanishFromALaterNonConsumingRead) {
  CpuBuffer::Cursor pipe(*buffer_, true);
  Entry entry;
  for (int i = 0; i < 4; ++i) {
    ASSERT_TRUE(pipe.peek(entry));
    pipe.advance();
  }
  auto rest = read_all(*buffer_, false);
  ASSERT_EQ(rest.size(), 6u);
  EXPECT_EQ(rest.front().ip, 4u);
  CpuStats stats = buffer_->stats();
  EXPECT_EQ(stats.read, 4u);
  EXPECT_EQ(stats.entries, 6u);
  EXPECT_EQ(stats.bytes, 6 * sizeof(FunctionRecord));
}

TEST_F(RingCursor, PeekWithoutAdvanceConsumesNothing) {
  CpuBuffer::Cursor pipe(*buffer_, true);
  Entry entry;
  ASSERT_TRUE(pipe.peek(entry));
  ASSERT_TRUE(pipe.peek(entry));
  EXPECT_EQ(entry.as<FunctionRecord>().ip, 0u);
  EXPECT_EQ(buffer_->stats().read, 0u);
}

TEST_F(RingCursor, ConsumingCursorSeesRecordsWrittenAfterItCaughtUp) {
  CpuBuffer::Cursor pipe(*buffer_, true);
  Entry entry;
  while (pipe.peek(entry)) pipe.advance();
  ASSERT_TRUE(write_function(*buffer_, 500, 77));
  ASSERT_TRUE(pipe.peek(entry));
  EXPECT_EQ(entry.as<FunctionRecord>().ip, 77u);
}

TEST_F(RingCursor, SecondConsumerContinuesWhereTheFirstStopped) {
  {
    CpuBuffer::Cursor pipe(*buffer_, true);
    Entry entry;
    ASSERT_TRUE(pipe.peek(entry));
    pipe.advance();
  }
  auto rest = read_all(*buffer_, true);
  ASSERT_EQ(rest.size(), 9u);
  EXPECT_EQ(rest.front().ip, 1u);
  EXPECT_EQ(buffer_->stats().entries, 0u);
  EXPECT_EQ(buffer_->stats().read, 10u);
}

TEST_F(RingCursor, EntryStaysValidWhileTheWriterGoesOn) {
  CpuBuffer::Cursor reader(*buffer_, false);
  Entry entry;
  ASSERT_TRUE(reader.peek(entry));
  for (u32 i = 0; i < 20 * kFunctionsPerPage; ++i) write_function(*buffer_, 1000 + i, 1000 + i);
  EXPECT_EQ(entry.as<FunctionRecord>().ip, 0u);
  EXPECT_EQ(entry.as<FunctionRecord>().parent_ip, checksum(0));
}

TEST_F(RingCursor, ReaderLappedByTheWriterSkipsToTheOldestValidPage) {
  CpuBuffer::Cursor reader(*buffer_, false);
  Entry entry;
  ASSERT_TRUE(reader.peek(entry));
  reader.advance();
  for (u32 i = 10; i < 20 * kFunctionsPerPage; ++i) write_function(*buffer_, 100 + i, i);
  std::vector<u32> ips;
  while (reader.peek(entry)) {
    ips.push_back(entry.as<FunctionRecord>().ip);
    reader.advance();
  }
  // The rest of its copied page, then the survivors.
  auto survivors = read_all(*buffer_, false);
  ASSERT_GE(ips.size(), survivors.size());
  EXPECT_EQ(ips.back(), 20 * kFunctionsPerPage - 1);
  for (usize i = 1; i < ips.size(); ++i) EXPECT_LT(ips[i - 1], ips[i]);
}

TEST_F(RingCursor, NonConsumingReaderLappedByTheWriterReportsTheDropOnce) {
  CpuBuffer::Cursor reader(*buffer_, false);
  Entry entry;
  ASSERT_TRUE(reader.peek(entry));
  EXPECT_FALSE(reader.take_dropped());
  for (u32 i = 10; i < 20 * kFunctionsPerPage; ++i) write_function(*buffer_, 100 + i, i);
  u32 drops = 0;
  while (reader.peek(entry)) {
    if (reader.take_dropped()) ++drops;
    reader.advance();
  }
  EXPECT_EQ(drops, 1u);
}

TEST_F(RingCursor, NonConsumingReaderNotLappedDropsNothing) {
  for (u32 i = 10; i < 2 * kFunctionsPerPage; ++i) write_function(*buffer_, 100 + i, i);
  CpuBuffer::Cursor reader(*buffer_, false);
  Entry entry;
  while (reader.peek(entry)) {
    EXPECT_FALSE(reader.take_dropped());
    reader.advance();
  }
}

TEST_F(RingCursor, AConsumerMovingTheHeadPastANonConsumingReaderDropsNothing) {
  for (u32 i = 10; i < 3 * kFunctionsPerPage; ++i) write_function(*buffer_, 100 + i, i);
  CpuBuffer::Cursor reader(*buffer_, false);
  Entry entry;
  ASSERT_TRUE(reader.peek(entry));
  {
    CpuBuffer::Cursor pipe(*buffer_, true);
    for (u32 i = 0; i < 2 * kFunctionsPerPage && pipe.peek(entry); ++i) pipe.advance();
  }
  while (reader.peek(entry)) {
    EXPECT_FALSE(reader.take_dropped());
    reader.advance();
  }
}

}  // namespace
}  // namespace tg::ring::test
