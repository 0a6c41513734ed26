#pragma once
#include "support/Types.h"

namespace tg::ring {

// One ring-buffer page (Linux's sub-buffer): 16 bytes of header, then records. A buffer's
// pages are 2^order system pages, order 0 to 7 as buffer_subbuf_size_kb allows; each
// CpuBuffer knows its own size. Order 0 is the default: 4080 bytes of records (Linux's data
// size, so buffer_size_kb rounds as Linux's does). Records never cross a page; `commit`
// marks the end of the valid data, the rest is padding.
inline constexpr usize kPageSize = 4096;
inline constexpr usize kPageHeaderSize = 16;
inline constexpr usize kPageDataSize = kPageSize - kPageHeaderSize;  // 4080
inline constexpr u32 kMaxPageOrder = 7;
inline constexpr usize kMaxPageSize = kPageSize << kMaxPageOrder;  // 512 KiB

constexpr bool valid_page_size(usize size) {
  return size >= kPageSize && size <= kMaxPageSize && (size & (size - 1)) == 0;
}

struct PageHeader {
  u64 timestamp;  // absolute time (ns) the first record's delta is relative to
  u32 commit;     // bytes of record data written and published
  i32 pid;        // task running on this CPU when the page was started
};
static_assert(sizeof(PageHeader) == kPageHeaderSize);

// Every record starts with a 32-bit header: type in the low 5 bits, the time delta (ns)
// since the previous record (or the page timestamp) in the upper 27 bits, as Linux's
// ring buffer does. A delta that does not fit is preceded by a kTimeStamp record.
enum class RecordType : u8 {
  kPadding = 0,          // nothing more in this page
  kTimeStamp = 1,        // TimeStampRecord: new absolute time base
  kTask = 2,             // TaskRecord: the CPU switched to another pid
  kFunction = 3,         // FunctionRecord (function tracer)
  kGraphEntry = 4,       // GraphEntryRecord (function_graph)
  kGraphReturn = 5,      // GraphReturnRecord: short calls (< 2^24 ns)
  kGraphReturnLong = 6,  // GraphReturnLongRecord: long calls, or with a return value
  kEvent = 7,            // EventRecord + Linux-layout event payload (tracepoints, print)
  kIrqEnter = 8,         // IrqRecord: a hard interrupt handler starts (graph markers)
  kIrqExit = 9,          // IrqRecord: it ends
};

inline constexpr u32 kTypeBits = 5;
inline constexpr u32 kMaxDelta = (1u << (32 - kTypeBits)) - 1;

constexpr u32 make_header(RecordType type, u32 delta) {
  return (delta << kTypeBits) | static_cast<u32>(type);
}
constexpr RecordType header_type(u32 header) {
  return static_cast<RecordType>(header & ((1u << kTypeBits) - 1));
}
constexpr u32 header_delta(u32 header) {
  return header >> kTypeBits;
}

// Linux's TRACE_FLAG_* bits for the `flags` byte (the irqs-off / need-resched / hardirq /
// softirq columns). `preempt` holds the preempt depth in its low nibble and the
// migrate-disable depth in its high nibble.
enum TraceFlag : u8 {
  kFlagIrqsOff = 0x01,
  kFlagIrqsNoSupport = 0x02,
  kFlagNeedResched = 0x04,
  kFlagHardIrq = 0x08,
  kFlagSoftIrq = 0x10,
  kFlagPreemptResched = 0x20,
  kFlagNmi = 0x40,
  kFlagBhOff = 0x80,
};

// Instruction pointers are stored as 32-bit offsets from the kernel's text base (the
// platform's `text_base`), which keeps a function event within 16 bytes.
struct TimeStampRecord {
  u32 header;
  u32 timestamp_low;
  u32 timestamp_high;
};
struct TaskRecord {
  u32 header;
  i32 pid;
};
struct FunctionRecord {
  u32 header;
  u32 ip;
  u32 parent_ip;
  u8 flags;
  u8 preempt;
  u16 reserved;
};
struct GraphEntryRecord {
  u32 header;
  u32 ip;
  u8 depth;
  u8 flags;
  u8 preempt;
  u8 reserved;
};
// The record's own time is the return time; calltime = rettime - duration.
inline constexpr u32 kShortDurationBits = 24;
inline constexpr u64 kMaxShortDuration = (u64{1} << kShortDurationBits) - 1;
struct GraphReturnRecord {
  u32 header;
  u32 ip;
  u32 depth_duration;  // depth in the low 8 bits, duration (ns) in the upper 24
};
struct GraphReturnLongRecord {
  u32 header;
  u32 ip;
  u8 depth;
  u8 flags;
  u8 has_retval;
  u8 reserved;
  u32 duration_low;
  u32 duration_high;
  u32 retval_low;
  u32 retval_high;
};
// Followed by `size` bytes of event data in Linux's layout (common_type, common_flags,
// common_preempt_count, common_pid, then the fields at the offsets its format file
// shows), padded to 4 bytes.
struct EventRecord {
  u32 header;
  u32 size;
};
struct IrqRecord {
  u32 header;
  u32 irq;
};

static_assert(sizeof(FunctionRecord) == 16, "function event budget: 16 bytes");
static_assert(sizeof(GraphEntryRecord) + sizeof(GraphReturnRecord) == 24,
              "function_graph call budget: 24 bytes");

// Size in bytes of the record starting with `header` whose following word is `next`
// (only kEvent needs it). Records are 4-byte aligned.
constexpr usize record_size(u32 header, u32 next) {
  switch (header_type(header)) {
    case RecordType::kTimeStamp:
      return sizeof(TimeStampRecord);
    case RecordType::kTask:
      return sizeof(TaskRecord);
    case RecordType::kFunction:
      return sizeof(FunctionRecord);
    case RecordType::kGraphEntry:
      return sizeof(GraphEntryRecord);
    case RecordType::kGraphReturn:
      return sizeof(GraphReturnRecord);
    case RecordType::kGraphReturnLong:
      return sizeof(GraphReturnLongRecord);
    case RecordType::kEvent:
      return sizeof(EventRecord) + ((next + 3) & ~u32{3});
    case RecordType::kIrqEnter:
    case RecordType::kIrqExit:
      return sizeof(IrqRecord);
    case RecordType::kPadding:
      break;
  }
  return 0;
}

}  // namespace tg::ring
