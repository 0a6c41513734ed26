#include <gtest/gtest.h>

#include "RingTestSupport.h"

namespace tg::ring::test {
namespace {

class RingTraceBuffer : public ::testing::Test {
 protected:
  void SetUp() override { buffer_ = TraceBuffer::create(3, 4).release_value(); }
  void write(u32 cpu, u64 timestamp, u32 sequence) {
    ASSERT_TRUE(write_function(buffer_->cpu(cpu), timestamp, sequence));
  }
  void write_graph_call(u32 cpu, u64 entry_time, u64 return_time, u32 ip) {
    GraphEntryRecord call{make_header(RecordType::kGraphEntry, 0), ip, 1, 0, 0, 0};
    ASSERT_TRUE(buffer_->cpu(cpu).write(entry_time, 1, &call, sizeof(call)));
    GraphReturnRecord ret{make_header(RecordType::kGraphReturn, 0), ip, 1};
    ASSERT_TRUE(buffer_->cpu(cpu).write(return_time, 1, &ret, sizeof(ret)));
  }
  OwnPtr<TraceBuffer> buffer_;
};

TEST_F(RingTraceBuffer, MergesCpusByTimestamp) {
  write(0, 10, 1);
  write(0, 50, 6);
  write(1, 20, 2);
  write(1, 40, 5);
  write(2, 30, 3);
  auto all = read_all(*buffer_, false);
  ASSERT_EQ(all.size(), 5u);
  const u32 cpus[] = {0, 1, 2, 1, 0};
  for (usize i = 0; i < all.size(); ++i) {
    EXPECT_EQ(all[i].cpu, cpus[i]);
    if (i) EXPECT_LE(all[i - 1].timestamp, all[i].timestamp);
  }
}

TEST_F(RingTraceBuffer, EqualTimestampsGoLowerCpuFirst) {
  write(2, 30, 3);
  write(1, 30, 2);
  write(0, 30, 1);
  auto all = read_all(*buffer_, false);
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[0].cpu, 0u);
  EXPECT_EQ(all[1].cpu, 1u);
  EXPECT_EQ(all[2].cpu, 2u);
}

TEST_F(RingTraceBuffer, OneCpuOnly) {
  write(0, 10, 1);
  write(1, 20, 2);
  write(1, 40, 5);
  auto all = read_all(*buffer_, false, 1);
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].cpu, 1u);
  EXPECT_EQ(all[1].cpu, 1u);
}

TEST_F(RingTraceBuffer, ConsumingIteratorEmptiesEveryCpu) {
  write(0, 10, 1);
  write(1, 20, 2);
  EXPECT_EQ(read_all(*buffer_, true).size(), 2u);
  EXPECT_EQ(buffer_->entries(), 0u);
  EXPECT_TRUE(read_all(*buffer_, false).empty());
}

TEST_F(RingTraceBuffer, EntriesWrittenIsEntriesPlusOverrun) {
  for (u32 i = 0; i < 5 * kFunctionsPerPage; ++i) write(0, 1 + i, i);
  write(1, 1, 1);
  CpuStats cpu0 = buffer_->cpu(0).stats();
  EXPECT_EQ(buffer_->entries(), cpu0.entries + 1);
  EXPECT_EQ(buffer_->entries_written(), 5 * kFunctionsPerPage + 1);
}

TEST_F(RingTraceBuffer, PeekNextOnCpuFindsTheReturnOfALeaf) {
  write_graph_call(0, 100, 300, 7);
  write(1, 200, 1);  // in between by time, on another CPU
  TraceBuffer::Iterator it(*buffer_, false);
  Entry call;
  ASSERT_TRUE(it.peek(call));
  ASSERT_EQ(call.type, RecordType::kGraphEntry);
  Entry next;
  ASSERT_TRUE(it.peek_next_on_cpu(call, next));
  EXPECT_EQ(next.type, RecordType::kGraphReturn);
  EXPECT_EQ(next.timestamp, 300u);
  EXPECT_EQ(next.cpu, 0u);
  // Nothing moved: the call is still the current entry and still intact.
  Entry again;
  ASSERT_TRUE(it.peek(again));
  EXPECT_EQ(again.type, RecordType::kGraphEntry);
  EXPECT_EQ(call.as<GraphEntryRecord>().ip, 7u);
}

TEST_F(RingTraceBuffer, PeekNextOnCpuLooksIntoTheNextPage) {
  // 255 function events leave no room: the graph entry (12 bytes) starts page 2 only if the
  // page is fuller; 254 functions + entry (12) leaves 4 bytes, so the return starts page 2.
  for (u32 i = 0; i < kFunctionsPerPage - 1; ++i) write(0, 1 + i, i);
  write_graph_call(0, 1000, 2000, 9);
  TraceBuffer::Iterator it(*buffer_, false);
  Entry entry;
  for (u32 i = 0; i < kFunctionsPerPage - 1; ++i) {
    ASSERT_TRUE(it.peek(entry));
    it.advance();
  }
  ASSERT_TRUE(it.peek(entry));
  ASSERT_EQ(entry.type, RecordType::kGraphEntry);
  Entry next;
  ASSERT_TRUE(it.peek_next_on_cpu(entry, next));
  EXPECT_EQ(next.type, RecordType::kGraphReturn);
  EXPECT_EQ(next.timestamp, 2000u);
  EXPECT_EQ(entry.as<GraphEntryRecord>().ip, 9u);
}

TEST_F(RingTraceBuffer, PeekNextOnCpuAtTheEndIsFalse) {
  write(0, 10, 1);
  TraceBuffer::Iterator it(*buffer_, false);
  Entry entry;
  ASSERT_TRUE(it.peek(entry));
  Entry next;
  EXPECT_FALSE(it.peek_next_on_cpu(entry, next));
}

TEST_F(RingTraceBuffer, ResetCpuClearsOnlyThatCpu) {
  write(0, 10, 1);
  write(1, 20, 2);
  buffer_->reset_cpu(0);
  auto all = read_all(*buffer_, false);
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all[0].cpu, 1u);
}

}  // namespace
}  // namespace tg::ring::test
