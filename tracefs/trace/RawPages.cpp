#include "trace/RawPages.h"

#include "trace/EventCatalog.h"
#include "trace/GraphFormat.h"
#include "trace/Symbols.h"

namespace tg::trace {

namespace {

using ring::Entry;
using ring::RecordType;

constexpr u32 kDeltaBits = 27;
constexpr u64 kDeltaMask = (u64{1} << kDeltaBits) - 1;

// The largest Linux payload one of our records becomes (an event keeps its own size).
constexpr usize kMaxPayload = kRawPageDataSize;

struct FunctionPayload {
  EventCommon common;
  u64 ip;
  u64 parent_ip;
};
struct GraphEntryPayload {
  EventCommon common;
  u64 func;
  i32 depth;
  u32 padding;  // Linux's struct is 8-byte aligned: 24 bytes in the page
};
struct GraphExitPayload {
  EventCommon common;
  u64 func;
  i32 depth;
  u32 overrun;
  u64 calltime;
  u64 rettime;
};

template <typename Payload>
usize put(const Payload& payload, u8* out) {
  memcpy(out, &payload, sizeof payload);
  return sizeof payload;
}

// `entry` in the layout of its Linux event, or 0 for a record Linux has no event for (the
// graph tracer's interrupt arrows, which Linux draws from the handlers' own entries).
usize linux_payload(const Entry& entry, u8* out) {
  switch (entry.type) {
    case RecordType::kFunction: {
      const auto& record = entry.as<ring::FunctionRecord>();
      return put(FunctionPayload{{kEventFunction, record.flags, record.preempt, entry.pid},
                                 text_address(record.ip),
                                 text_address(record.parent_ip)},
                 out);
    }
    case RecordType::kGraphEntry: {
      const auto& record = entry.as<ring::GraphEntryRecord>();
      return put(GraphEntryPayload{{kEventFuncgraphEntry, record.flags, record.preempt, entry.pid},
                                   text_address(record.ip),
                                   record.depth,
                                   0},
                 out);
    }
    case RecordType::kGraphReturn:
    case RecordType::kGraphReturnLong: {
      GraphReturn ret = decode_return(entry);
      u8 flags = 0;
      if (entry.type == RecordType::kGraphReturnLong)
        flags = entry.as<ring::GraphReturnLongRecord>().flags;
      return put(GraphExitPayload{{kEventFuncgraphExit, flags, 0, entry.pid},
                                  text_address(ret.ip),
                                  static_cast<i32>(ret.depth),
                                  0,
                                  entry.timestamp - ret.duration,
                                  entry.timestamp},
                 out);
    }
    case RecordType::kEvent: {
      u32 size = entry.as<ring::EventRecord>().size;
      if (size > kMaxPayload) return 0;
      memcpy(out, entry.record + sizeof(ring::EventRecord), size);
      return size;
    }
    default:
      return 0;
  }
}

// Appends events to one raw page, as Linux's writer lays them out.
class RawPageWriter {
 public:
  RawPageWriter(u8* page, usize capacity) : data_(page + kRawPageHeaderSize), capacity_(capacity) {}

  // False when the event does not fit in what is left of the page.
  bool add(u64 timestamp, const u8* payload, usize size) {
    usize aligned = (size + 3) & ~usize{3};
    bool small = aligned > 0 && aligned <= kRawMaxSmallData;
    u64 delta = used_ == 0 || timestamp < last_time_ ? 0 : timestamp - last_time_;
    bool extend = delta > kDeltaMask;
    usize need = (extend ? 8 : 0) + 4 + (small ? 0 : 4) + aligned;
    if (used_ + need > capacity_) return false;
    if (used_ == 0) first_time_ = timestamp;
    if (extend) {
      word(static_cast<u32>((delta & kDeltaMask) << 5) | kRawTypeTimeExtend);
      word(static_cast<u32>(delta >> kDeltaBits));
      delta = 0;
    }
    word(static_cast<u32>(delta << 5) | (small ? static_cast<u32>(aligned / 4) : 0));
    if (!small) word(static_cast<u32>(aligned + 4));
    memcpy(data_ + used_, payload, size);
    memset(data_ + used_ + size, 0, aligned - size);
    used_ += aligned;
    last_time_ = timestamp;
    return true;
  }
  usize used() const { return used_; }
  u64 first_time() const { return first_time_; }

 private:
  void word(u32 value) {
    memcpy(data_ + used_, &value, 4);
    used_ += 4;
  }

  u8* data_;
  usize capacity_;
  usize used_ = 0;
  u64 first_time_ = 0;
  u64 last_time_ = 0;
};

}  // namespace

bool fill_raw_page(ring::TraceBuffer::Iterator& it, u64 lost, u8* page, u8* scratch) {
  // The lost count is stored after the data: keep room for it.
  RawPageWriter writer(page, kRawPageDataSize - (lost ? sizeof(u64) : 0));
  Entry entry;
  while (it.peek(entry)) {
    usize size = linux_payload(entry, scratch);
    if (size && !writer.add(entry.timestamp, scratch, size)) break;
    it.advance();
  }
  if (writer.used() == 0) return false;
  u64 commit = writer.used();
  u8* data = page + kRawPageHeaderSize;
  if (lost) {
    memcpy(data + commit, &lost, sizeof lost);
    commit |= kRawMissedEvents | kRawMissedStored;
  }
  memset(data + writer.used() + (lost ? sizeof lost : 0), 0,
         kRawPageDataSize - writer.used() - (lost ? sizeof lost : 0));
  u64 timestamp = writer.first_time();
  memcpy(page, &timestamp, sizeof timestamp);
  memcpy(page + sizeof timestamp, &commit, sizeof commit);
  return true;
}

void print_header_page(TextWriter& out) {
  out.put("\tfield: u64 timestamp;\toffset:0;\tsize:8;\tsigned:0;\n");
  out.put("\tfield: local_t commit;\toffset:8;\tsize:8;\tsigned:1;\n");
  out.put("\tfield: int overwrite;\toffset:8;\tsize:1;\tsigned:1;\n");
  out.put("\tfield: char data;\toffset:16;\tsize:").dec(kRawPageDataSize).put(";\tsigned:0;\n");
}

void print_header_event(TextWriter& out) {
  out.put(
      "# compressed entry header\n"
      "\ttype_len    :    5 bits\n"
      "\ttime_delta  :   27 bits\n"
      "\tarray       :   32 bits\n"
      "\n"
      "\tpadding     : type == 29\n"
      "\ttime_extend : type == 30\n"
      "\ttime_stamp : type == 31\n"
      "\tdata max type_len  == 28\n");
}

}  // namespace tg::trace
