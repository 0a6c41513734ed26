#include <gtest/gtest.h>

#include "RingTestSupport.h"

namespace tg::ring::test {
namespace {

class RingRecord : public ::testing::Test {
 protected:
  void SetUp() override { buffer_ = CpuBuffer::create(3, 4).release_value(); }

  Entry only_entry() {
    cursor_ = std::make_unique<CpuBuffer::Cursor>(*buffer_, false);
    Entry entry{};
    EXPECT_TRUE(cursor_->peek(entry));
    return entry;
  }

  OwnPtr<CpuBuffer> buffer_;
  std::unique_ptr<CpuBuffer::Cursor> cursor_;
};

TEST_F(RingRecord, FunctionRoundTrips) {
  ASSERT_TRUE(write_function(*buffer_, 5000, 42, 7));
  Entry entry = only_entry();
  EXPECT_EQ(entry.type, RecordType::kFunction);
  EXPECT_EQ(entry.size, 16u);
  EXPECT_EQ(entry.timestamp, 5000u);
  EXPECT_EQ(entry.pid, 7);
  EXPECT_EQ(entry.cpu, 3u);
  EXPECT_EQ(entry.as<FunctionRecord>().ip, 42u);
  EXPECT_EQ(entry.as<FunctionRecord>().parent_ip, checksum(42));
}

TEST_F(RingRecord, GraphEntryAndReturnRoundTripThroughReserve) {
  auto* call = reinterpret_cast<GraphEntryRecord*>(
      buffer_->reserve(100, 1, RecordType::kGraphEntry, sizeof(GraphEntryRecord)));
  ASSERT_NE(call, nullptr);
  call->ip = 0x1234;
  call->depth = 3;
  buffer_->commit();
  auto* ret = reinterpret_cast<GraphReturnRecord*>(
      buffer_->reserve(160, 1, RecordType::kGraphReturn, sizeof(GraphReturnRecord)));
  ASSERT_NE(ret, nullptr);
  ret->ip = 0x1234;
  ret->depth_duration = (60u << 8) | 3;
  buffer_->commit();

  auto all = read_all(*buffer_, false);
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].type, RecordType::kGraphEntry);
  EXPECT_EQ(all[0].size, 12u);
  EXPECT_EQ(all[0].ip, 0x1234u);
  EXPECT_EQ(all[1].type, RecordType::kGraphReturn);
  EXPECT_EQ(all[1].timestamp, 160u);
  EXPECT_EQ(buffer_->stats().bytes, 24u);
}

TEST_F(RingRecord, ReserveFillsTheHeaderWord) {
  u32* memory = buffer_->reserve(100, 1, RecordType::kIrqEnter, sizeof(IrqRecord));
  ASSERT_NE(memory, nullptr);
  EXPECT_EQ(header_type(memory[0]), RecordType::kIrqEnter);
  memory[1] = 33;
  buffer_->commit();
  Entry entry = only_entry();
  EXPECT_EQ(entry.type, RecordType::kIrqEnter);
  EXPECT_EQ(entry.as<IrqRecord>().irq, 33u);
}

TEST_F(RingRecord, LongReturnRoundTrips) {
  GraphReturnLongRecord record{};
  record.header = make_header(RecordType::kGraphReturnLong, 0);
  record.ip = 9;
  record.duration_high = 2;
  record.has_retval = 1;
  record.retval_low = 0xfffffff2;
  ASSERT_TRUE(buffer_->write(700, 1, &record, sizeof(record)));
  Entry entry = only_entry();
  EXPECT_EQ(entry.type, RecordType::kGraphReturnLong);
  EXPECT_EQ(entry.size, sizeof(GraphReturnLongRecord));
  EXPECT_EQ(entry.as<GraphReturnLongRecord>().duration_high, 2u);
  EXPECT_EQ(entry.as<GraphReturnLongRecord>().retval_low, 0xfffffff2u);
}

TEST_F(RingRecord, FixedRecordRoundTripsWithTheHeaderClaimWrites) {
  // The header word passed in is ignored: the type and the delta are the ring's. The third
  // word holds depth, flags and preempt, lowest byte first.
  u32 words[] = {0xffffffff, 0x4321, 7u | u32{kFlagIrqsOff} << 8 | 2u << 16};
  ASSERT_TRUE(buffer_->write_fixed<GraphEntryRecord>(300, 5, RecordType::kGraphEntry, words));
  Entry entry = only_entry();
  EXPECT_EQ(entry.type, RecordType::kGraphEntry);
  EXPECT_EQ(entry.size, sizeof(GraphEntryRecord));
  EXPECT_EQ(entry.timestamp, 300u);
  EXPECT_EQ(entry.pid, 5);
  EXPECT_EQ(entry.as<GraphEntryRecord>().ip, 0x4321u);
  EXPECT_EQ(entry.as<GraphEntryRecord>().depth, 7u);
  EXPECT_EQ(entry.as<GraphEntryRecord>().flags, kFlagIrqsOff);
  EXPECT_EQ(entry.as<GraphEntryRecord>().preempt, 2u);
  EXPECT_EQ(buffer_->stats().entries, 1u);
  EXPECT_EQ(buffer_->stats().bytes, sizeof(GraphEntryRecord));
}

TEST_F(RingRecord, FixedRecordsFollowAReservedOneInOrder) {
  u32* memory = buffer_->reserve(100, 1, RecordType::kIrqEnter, sizeof(IrqRecord));
  ASSERT_NE(memory, nullptr);
  memory[1] = 9;
  buffer_->commit();
  u32 first[] = {0, 11, checksum(11), 0};
  u32 second[] = {0, 12, checksum(12), 0};
  ASSERT_TRUE(buffer_->write_fixed<FunctionRecord>(150, 1, RecordType::kFunction, first));
  ASSERT_TRUE(buffer_->write_fixed<FunctionRecord>(170, 2, RecordType::kFunction, second));
  auto all = read_all(*buffer_, false);
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[1].ip, 11u);
  EXPECT_EQ(all[1].timestamp, 150u);
  EXPECT_EQ(all[2].ip, 12u);
  EXPECT_EQ(all[2].pid, 2);
  EXPECT_EQ(all[2].timestamp, 170u);
}

TEST_F(RingRecord, FixedRecordIsRefusedWhileRecordingIsDisabled) {
  buffer_->disable_recording();
  u32 words[] = {0, 1, checksum(1), 0};
  EXPECT_FALSE(buffer_->write_fixed<FunctionRecord>(10, 1, RecordType::kFunction, words));
  buffer_->enable_recording();
  EXPECT_EQ(buffer_->stats().entries, 0u);
}

TEST_F(RingRecord, EventPayloadRoundTripsPaddedToWords) {
  const char text[] = "hello ring";  // 11 bytes with the NUL: padded to 12
  u32* memory = buffer_->reserve(800, 1, RecordType::kEvent, sizeof(EventRecord) + 12);
  ASSERT_NE(memory, nullptr);
  memory[1] = sizeof(text);
  memcpy(memory + 2, text, sizeof(text));
  buffer_->commit();
  Entry entry = only_entry();
  EXPECT_EQ(entry.type, RecordType::kEvent);
  EXPECT_EQ(entry.size, sizeof(EventRecord) + 12);
  EXPECT_EQ(entry.as<EventRecord>().size, sizeof(text));
  EXPECT_STREQ(reinterpret_cast<const char*>(entry.record + sizeof(EventRecord)), text);
}

TEST_F(RingRecord, IrqExitRoundTrips) {
  IrqRecord record{make_header(RecordType::kIrqExit, 0), 5};
  ASSERT_TRUE(buffer_->write(900, 1, &record, sizeof(record)));
  Entry entry = only_entry();
  EXPECT_EQ(entry.type, RecordType::kIrqExit);
  EXPECT_EQ(entry.as<IrqRecord>().irq, 5u);
}

TEST_F(RingRecord, MisSizedRecordIsRefusedAndCountedAsDropped) {
  EXPECT_EQ(buffer_->reserve(1, 1, RecordType::kEvent, 10), nullptr);
  EXPECT_EQ(buffer_->reserve(1, 1, RecordType::kEvent, kPageDataSize + 4), nullptr);
  EXPECT_EQ(buffer_->stats().dropped, 2u);
  EXPECT_EQ(buffer_->stats().entries, 0u);
}

TEST_F(RingRecord, DisabledRecordingWritesNothing) {
  buffer_->disable_recording();
  buffer_->disable_recording();
  buffer_->enable_recording();
  EXPECT_FALSE(write_function(*buffer_, 10, 1));
  buffer_->enable_recording();
  EXPECT_TRUE(write_function(*buffer_, 20, 2));
  auto all = read_all(*buffer_, false);
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all[0].ip, 2u);
  EXPECT_EQ(buffer_->stats().dropped, 0u);
}

}  // namespace
}  // namespace tg::ring::test
