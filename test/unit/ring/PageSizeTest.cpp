// Rings whose pages (sub-buffers) are larger than 4 KiB, as buffer_subbuf_size_kb makes them.
#include <gtest/gtest.h>

#include "RingTestSupport.h"

namespace tg::ring::test {
namespace {

constexpr usize k16K = 16384;
constexpr u32 kDataSize16K = k16K - kPageHeaderSize;                         // 16368
constexpr u32 kFunctionsPer16KPage = kDataSize16K / sizeof(FunctionRecord);  // 1023

// An event record of `size` bytes (header included) whose payload bytes are `fill`.
bool write_event(CpuBuffer& buffer, u64 timestamp, usize size, u8 fill) {
  u32* record = buffer.reserve(timestamp, 1, RecordType::kEvent, size);
  if (!record) return false;
  record[1] = static_cast<u32>(size - sizeof(EventRecord));
  memset(record + 2, fill, size - sizeof(EventRecord));
  buffer.commit();
  return true;
}

class RingPageSize : public ::testing::Test {
 protected:
  void SetUp() override { buffer_ = CpuBuffer::create(0, 4, k16K).release_value(); }
  void write_many(u32 count, u32 first = 0) {
    for (u32 i = first; i < first + count; ++i) ASSERT_TRUE(write_function(*buffer_, 1 + i, i));
  }
  OwnPtr<CpuBuffer> buffer_;
};

TEST_F(RingPageSize, ABufferKnowsItsPageAndDataSize) {
  EXPECT_EQ(buffer_->page_size(), k16K);
  EXPECT_EQ(buffer_->data_size(), kDataSize16K);
  auto small = CpuBuffer::create(0, 2).release_value();
  EXPECT_EQ(small->page_size(), kPageSize);
  EXPECT_EQ(small->data_size(), kPageDataSize);
}

TEST_F(RingPageSize, OnlyPowersOfTwoFrom4KTo512KAreValid) {
  EXPECT_FALSE(CpuBuffer::create(0, 2, 2048).ok());
  EXPECT_FALSE(CpuBuffer::create(0, 2, 12288).ok());
  EXPECT_FALSE(CpuBuffer::create(0, 2, kMaxPageSize * 2).ok());
  EXPECT_EQ(buffer_->set_page_size(12288, 4).error(), Errno::kInval);
  EXPECT_EQ(buffer_->page_size(), k16K);
  EXPECT_TRUE(CpuBuffer::create(0, 2, kMaxPageSize).ok());
}

TEST_F(RingPageSize, ARecordAsLargeAsThePageDataFits) {
  ASSERT_TRUE(write_event(*buffer_, 10, kDataSize16K, 0xab));
  auto all = read_all(*buffer_, false);
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all[0].size, kDataSize16K);
  EXPECT_EQ(all[0].ip, kDataSize16K - sizeof(EventRecord));
}

TEST_F(RingPageSize, ALargerRecordIsDropped) {
  EXPECT_EQ(buffer_->reserve(1, 1, RecordType::kEvent, kDataSize16K + 4), nullptr);
  EXPECT_EQ(buffer_->stats().dropped, 1u);
}

TEST_F(RingPageSize, EventsLargerThanA4KPageKeepTheirBytes) {
  for (u32 i = 0; i < 6; ++i) ASSERT_TRUE(write_event(*buffer_, 10 + i, 6000, static_cast<u8>(i)));
  CpuBuffer::Cursor cursor(*buffer_, false);
  Entry entry;
  for (u32 i = 0; i < 6; ++i) {
    ASSERT_TRUE(cursor.peek(entry)) << i;
    ASSERT_EQ(entry.size, 6000u);
    for (usize at = sizeof(EventRecord); at < entry.size; ++at)
      ASSERT_EQ(entry.record[at], i) << "event " << i << " byte " << at;
    cursor.advance();
  }
  EXPECT_FALSE(cursor.peek(entry));
}

TEST_F(RingPageSize, APageHoldsItsDataSizeOfFunctionEvents) {
  write_many(4 * kFunctionsPer16KPage);
  EXPECT_EQ(buffer_->stats().entries, 4 * kFunctionsPer16KPage);
  EXPECT_EQ(buffer_->stats().overrun, 0u);
  write_many(1, 4 * kFunctionsPer16KPage);
  // The fifth page took over the oldest: one page's worth is overrun.
  EXPECT_EQ(buffer_->stats().overrun, kFunctionsPer16KPage);
}

TEST_F(RingPageSize, LappingKeepsTheNewestInOrder) {
  write_many(10 * kFunctionsPer16KPage + 7);
  auto all = read_all(*buffer_, false);
  CpuStats stats = buffer_->stats();
  EXPECT_EQ(all.size(), stats.entries);
  EXPECT_EQ(stats.entries + stats.overrun, 10 * kFunctionsPer16KPage + 7);
  ASSERT_FALSE(all.empty());
  EXPECT_EQ(all.back().ip, 10 * kFunctionsPer16KPage + 6);
  for (usize i = 1; i < all.size(); ++i) ASSERT_EQ(all[i].ip, all[i - 1].ip + 1);
}

TEST_F(RingPageSize, AConsumerCountsEveryEntryOnceAcrossLargePages) {
  write_many(3 * kFunctionsPer16KPage + 5);
  CpuBuffer::Cursor pipe(*buffer_, true);
  Entry entry;
  u32 expected = 0;
  while (pipe.peek(entry)) {
    ASSERT_EQ(seen(entry).ip, expected++);
    pipe.advance();
  }
  EXPECT_EQ(expected, 3 * kFunctionsPer16KPage + 5);
  CpuStats stats = buffer_->stats();
  EXPECT_EQ(stats.read, expected);
  EXPECT_EQ(stats.entries, 0u);
}

// The head packs the entries and bytes read from its page: at 512 KiB pages they exceed the
// 12 bits a 4 KiB page needs.
TEST(RingLargestPage, AConsumerStoppingMidPageResumesThere) {
  auto buffer = CpuBuffer::create(0, 2, kMaxPageSize).release_value();
  u32 per_page = static_cast<u32>((kMaxPageSize - kPageHeaderSize) / sizeof(FunctionRecord));
  for (u32 i = 0; i < per_page; ++i) ASSERT_TRUE(write_function(*buffer, 1 + i, i));
  {
    CpuBuffer::Cursor pipe(*buffer, true);
    Entry entry;
    for (u32 i = 0; i < 5000; ++i) {
      ASSERT_TRUE(pipe.peek(entry));
      pipe.advance();
    }
  }
  auto rest = read_all(*buffer, true);
  ASSERT_EQ(rest.size(), per_page - 5000);
  EXPECT_EQ(rest.front().ip, 5000u);
  EXPECT_EQ(buffer->stats().read, per_page);
}

TEST_F(RingPageSize, ChangingThePageSizeEmptiesTheBufferAndResetsItsCounters) {
  write_many(2 * kFunctionsPer16KPage);
  ASSERT_TRUE(buffer_->set_page_size(8192, 6).ok());
  EXPECT_EQ(buffer_->page_size(), 8192u);
  EXPECT_EQ(buffer_->pages(), 6u);
  EXPECT_TRUE(read_all(*buffer_, false).empty());
  CpuStats stats = buffer_->stats();
  EXPECT_EQ(stats.entries, 0u);
  EXPECT_EQ(stats.overrun, 0u);
  write_many(3, 100);
  auto all = read_all(*buffer_, false);
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[0].ip, 100u);
}

TEST_F(RingPageSize, AnOpenCursorStartsOverAtTheNewSize) {
  write_many(kFunctionsPer16KPage + 3);
  CpuBuffer::Cursor trace(*buffer_, false);
  Entry entry;
  ASSERT_TRUE(trace.peek(entry));
  ASSERT_TRUE(buffer_->set_page_size(k16K * 2, 4).ok());
  // The entry it had peeked stays valid until it moves on (as after a reset).
  trace.advance();
  EXPECT_FALSE(trace.peek(entry));
  // Records larger than the old page, read through the cursor opened before the change.
  ASSERT_TRUE(write_event(*buffer_, 50, 20000, 0x5a));
  ASSERT_TRUE(trace.peek(entry));
  EXPECT_EQ(entry.size, 20000u);
  EXPECT_EQ(entry.record[19999], 0x5a);
}

TEST(RingTraceBufferPageSize, EveryCpuKeepsAtLeastTheBytesItHeld) {
  auto buffer = TraceBuffer::create(2, 10).release_value();  // 10 * 4080 bytes per CPU
  ASSERT_TRUE(write_function(buffer->cpu(1), 5, 1));
  ASSERT_TRUE(buffer->set_page_size(8192).ok());
  EXPECT_EQ(buffer->page_size(), 8192u);
  for (u32 cpu = 0; cpu < 2; ++cpu) {
    EXPECT_EQ(buffer->cpu(cpu).page_size(), 8192u);
    EXPECT_EQ(buffer->cpu(cpu).pages(), 5u);  // 40800 bytes in 8176-byte pages
  }
  EXPECT_EQ(buffer->entries(), 0u);
  ASSERT_TRUE(buffer->set_page_size(kMaxPageSize).ok());
  EXPECT_EQ(buffer->cpu(0).pages(), 2u);  // never fewer than two
  ASSERT_TRUE(buffer->set_page_size(kPageSize).ok());
  EXPECT_EQ(buffer->cpu(0).pages(), 257u);  // 2 * 524272 bytes in 4080-byte pages
}

}  // namespace
}  // namespace tg::ring::test
