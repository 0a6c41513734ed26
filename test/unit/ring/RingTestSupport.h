#pragma once
#include <vector>

#include "ring/RingBuffer.h"

namespace tg::ring::test {

// Function events carry a sequence number in `ip` and a checksum of it in `parent_ip`, so a
// test can tell which event it reads and that it arrived intact.
inline u32 checksum(u32 sequence) {
  return sequence * 2654435761u ^ 0x5a5a5a5au;
}

inline FunctionRecord function_record(u32 sequence) {
  return {make_header(RecordType::kFunction, 0), sequence, checksum(sequence), 0, 0, 0};
}

inline bool write_function(CpuBuffer& buffer, u64 timestamp, u32 sequence, i32 pid = 1) {
  FunctionRecord record = function_record(sequence);
  return buffer.write(timestamp, pid, &record, sizeof(record));
}

// What a test keeps of an entry (its record bytes are only valid until the cursor moves).
struct Seen {
  u64 timestamp;
  i32 pid;
  u32 cpu;
  RecordType type;
  u32 size;
  u32 ip;  // the first word after the header: sequence number of function events
};

inline Seen seen(const Entry& entry) {
  u32 ip = entry.size >= 8 ? reinterpret_cast<const u32*>(entry.record)[1] : 0;
  return {entry.timestamp, entry.pid, entry.cpu, entry.type, entry.size, ip};
}

inline std::vector<Seen> read_all(CpuBuffer& buffer, bool consuming) {
  std::vector<Seen> all;
  CpuBuffer::Cursor cursor(buffer, consuming);
  Entry entry;
  while (cursor.peek(entry)) {
    all.push_back(seen(entry));
    cursor.advance();
  }
  return all;
}

inline std::vector<Seen> read_all(TraceBuffer& buffer, bool consuming, i32 only_cpu = -1) {
  std::vector<Seen> all;
  TraceBuffer::Iterator it(buffer, consuming, only_cpu);
  Entry entry;
  while (it.peek(entry)) {
    all.push_back(seen(entry));
    it.advance();
  }
  return all;
}

// Function events written back to back with the same pid fill a page exactly.
inline constexpr u32 kFunctionsPerPage = kPageDataSize / sizeof(FunctionRecord);  // 255

}  // namespace tg::ring::test
