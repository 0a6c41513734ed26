#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <thread>
#include <vector>

#include "RingTestSupport.h"

namespace tg::ring::test {
namespace {

// One writer thread (the CPU that owns the buffer) races one consuming reader. Every record
// read must be intact and in order, and read + overrun + still-there must equal written.
constexpr u32 kRecords = 200000;

struct Outcome {
  u64 read_by_reader = 0;
  u64 accepted = 0;
  bool intact = true;
  bool ordered = true;
};

// `fixed`: the writer goes through write_fixed, as the tracers' recording path does.
Outcome race(CpuBuffer& buffer, bool fixed = false) {
  Outcome outcome;
  std::atomic<bool> done{false};
  std::thread writer([&] {
    for (u32 i = 0; i < kRecords; ++i) {
      // The pid changes now and then so kTask records are in the mix.
      u64 timestamp = 1000 + u64{i} * 3;
      i32 pid = static_cast<i32>(i / 1000);
      u32 words[] = {0, i, checksum(i), 0};
      outcome.accepted +=
          fixed ? buffer.write_fixed<FunctionRecord>(timestamp, pid, RecordType::kFunction, words)
                : write_function(buffer, timestamp, i, pid);
    }
    done.store(true);
  });
  CpuBuffer::Cursor pipe(buffer, true);
  i64 last = -1;
  auto consume = [&] {
    Entry entry;
    while (pipe.peek(entry)) {
      const auto& record = entry.as<FunctionRecord>();
      if (record.parent_ip != checksum(record.ip) ||
          entry.pid != static_cast<i32>(record.ip / 1000) ||
          entry.timestamp != 1000 + u64{record.ip} * 3) {
        outcome.intact = false;
      }
      if (static_cast<i64>(record.ip) <= last) outcome.ordered = false;
      last = record.ip;
      pipe.advance();
      outcome.read_by_reader++;
    }
  };
  while (!done.load()) consume();
  writer.join();
  consume();
  return outcome;
}

TEST(RingConcurrency, ConsumerRacingAnOverwritingWriterReadsIntactRecordsAndLosesNone) {
  auto buffer = CpuBuffer::create(0, 4).release_value();
  Outcome outcome = race(*buffer);
  CpuStats stats = buffer->stats();
  EXPECT_TRUE(outcome.intact);
  EXPECT_TRUE(outcome.ordered);
  EXPECT_EQ(outcome.accepted, kRecords);
  EXPECT_EQ(stats.entries, 0u);
  // An entry whose page was overwritten between peek and advance was shown but is overrun.
  EXPECT_LE(stats.read, outcome.read_by_reader);
  EXPECT_EQ(stats.read + stats.overrun + stats.entries, kRecords);
}

TEST(RingConcurrency, ConsumerRacingAWriterOfFixedRecordsReadsIntactRecordsAndLosesNone) {
  auto buffer = CpuBuffer::create(0, 4).release_value();
  Outcome outcome = race(*buffer, true);
  CpuStats stats = buffer->stats();
  EXPECT_TRUE(outcome.intact);
  EXPECT_TRUE(outcome.ordered);
  EXPECT_EQ(outcome.accepted, kRecords);
  EXPECT_LE(stats.read, outcome.read_by_reader);
  EXPECT_EQ(stats.read + stats.overrun + stats.entries, kRecords);
}

TEST(RingConcurrency, ConsumerRacingAStoppingWriterReadsEverythingAccepted) {
  auto buffer = CpuBuffer::create(0, 4).release_value();
  buffer->set_overwrite(false);
  Outcome outcome = race(*buffer);
  CpuStats stats = buffer->stats();
  EXPECT_TRUE(outcome.intact);
  EXPECT_TRUE(outcome.ordered);
  EXPECT_EQ(stats.read, outcome.accepted);
  EXPECT_EQ(stats.read, outcome.read_by_reader);
  EXPECT_EQ(stats.overrun, 0u);
  EXPECT_EQ(stats.dropped + outcome.accepted, kRecords);
}

// Batched consumption as trace_pipe_raw does it: records go into a batch and are claimed
// together; records lost to the writer before their claim are dropped from the batch. What
// the reader keeps is then exactly what the ring counts as read.
TEST(RingConcurrency, BatchedConsumerKeepsExactlyWhatItClaimed) {
  auto buffer = CpuBuffer::create(0, 4).release_value();
  std::atomic<bool> done{false};
  std::thread writer([&] {
    for (u32 i = 0; i < kRecords; ++i) write_function(*buffer, 1000 + u64{i} * 3, i);
    done.store(true);
  });
  CpuBuffer::Cursor pipe(*buffer, true);
  pipe.defer_claims();
  std::vector<u32> kept;
  bool intact = true;
  auto consume = [&] {
    for (int batch = 0; batch < 64; ++batch) {
      size_t claimed = kept.size();
      Entry entry;
      for (int i = 0; i < 150; ++i) {
        bool more = pipe.peek(entry);
        if (pipe.take_lost_claim()) kept.resize(claimed);
        // peek() may have claimed the rest of a page it moved past.
        if (pipe.all_claimed()) claimed = kept.size();
        if (!more) break;
        const auto& record = entry.as<FunctionRecord>();
        if (record.parent_ip != checksum(record.ip)) intact = false;
        kept.push_back(record.ip);
        pipe.advance();
        if (pipe.take_lost_claim()) kept.resize(claimed);
        if (pipe.all_claimed()) claimed = kept.size();
      }
      if (!pipe.claim()) kept.resize(claimed);
    }
  };
  while (!done.load()) consume();
  writer.join();
  consume();
  CpuStats stats = buffer->stats();
  EXPECT_TRUE(intact);
  EXPECT_TRUE(std::is_sorted(kept.begin(), kept.end()));
  EXPECT_TRUE(std::adjacent_find(kept.begin(), kept.end()) == kept.end());
  EXPECT_EQ(stats.entries, 0u);
  EXPECT_EQ(stats.read, kept.size());
  EXPECT_EQ(stats.read + stats.overrun, kRecords);
}

// stats() while the writer turns pages: the page being written and the totals of the pages
// left behind are read together, so what was written never appears to shrink or to exceed
// what the writer has finished.
TEST(RingConcurrency, StatsReadDuringPageTurnsNeverGoBackwards) {
  auto buffer = CpuBuffer::create(0, 4).release_value();
  std::atomic<u64> finished{0};
  std::atomic<bool> done{false};
  std::thread writer([&] {
    for (u32 i = 0; i < kRecords; ++i) {
      u32 words[] = {0, i, checksum(i), 0};
      buffer->write_fixed<FunctionRecord>(1000 + u64{i}, 0, RecordType::kFunction, words);
      finished.store(u64{i} + 1, std::memory_order_release);
    }
    done.store(true);
  });
  u64 last = 0;
  bool backwards = false;
  bool ahead = false;
  while (!done.load()) {
    u64 before = finished.load(std::memory_order_acquire);
    CpuStats stats = buffer->stats();
    u64 written = stats.entries + stats.overrun;
    u64 after = finished.load(std::memory_order_acquire);
    if (written < last) backwards = true;
    if (written > after + 1 || written + 1 < before) ahead = true;
    last = written;
  }
  writer.join();
  EXPECT_FALSE(backwards);
  EXPECT_FALSE(ahead);
  EXPECT_EQ(buffer->stats().entries + buffer->stats().overrun, u64{kRecords});
}

TEST(RingConcurrency, NonConsumingReaderSeesOnlyIntactOrderedRecords) {
  auto buffer = CpuBuffer::create(0, 4).release_value();
  std::atomic<bool> done{false};
  std::thread writer([&] {
    for (u32 i = 0; i < kRecords; ++i) write_function(*buffer, 1 + i, i);
    done.store(true);
  });
  bool intact = true;
  bool ordered = true;
  while (!done.load()) {
    CpuBuffer::Cursor reader(*buffer, false);
    Entry entry;
    i64 last = -1;
    while (reader.peek(entry)) {
      const auto& record = entry.as<FunctionRecord>();
      if (record.parent_ip != checksum(record.ip)) intact = false;
      if (static_cast<i64>(record.ip) <= last) ordered = false;
      last = record.ip;
      reader.advance();
    }
  }
  writer.join();
  EXPECT_TRUE(intact);
  EXPECT_TRUE(ordered);
  EXPECT_EQ(buffer->stats().entries + buffer->stats().overrun, kRecords);
}

}  // namespace
}  // namespace tg::ring::test
