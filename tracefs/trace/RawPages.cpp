#include "trace/RawPages.h"

#include "trace/EventCatalog.h"
#include "trace/GraphFormat.h"
#include "trace/RecordWriter.h"
#include "trace/Symbols.h"

namespace tg::trace {

namespace {

using ring::Entry;
using ring::RecordType;

constexpr u32 kDeltaBits = 27;
constexpr u64 kDeltaMask = (u64{1} << kDeltaBits) - 1;

// The largest Linux payload one of our records becomes (an event keeps its own size): what
// the largest page holds.
constexpr usize kMaxPayload = ring::kMaxPageSize - kRawPageHeaderSize;

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
void put(const Payload& payload, u8* out) {
  memcpy(out, &payload, sizeof payload);
}

// The size of `entry`'s Linux event, or 0 for a record Linux has no event for (the graph
// tracer's interrupt arrows, which Linux draws from the handlers' own entries).
usize linux_payload_size(const Entry& entry) {
  switch (entry.type) {
    case RecordType::kFunction:
      return sizeof(FunctionPayload);
    case RecordType::kGraphEntry:
      return sizeof(GraphEntryPayload);
    case RecordType::kGraphReturn:
    case RecordType::kGraphReturnLong:
      return sizeof(GraphExitPayload);
    case RecordType::kEvent: {
      u32 size = entry.as<ring::EventRecord>().size;
      return size > kMaxPayload ? 0 : size;
    }
    default:
      return 0;
  }
}

// Writes `entry` in the layout of its Linux event (linux_payload_size bytes) to `out`.
void linux_payload(const Entry& entry, u8* out) {
  switch (entry.type) {
    case RecordType::kFunction: {
      const auto& record = entry.as<ring::FunctionRecord>();
      return put(FunctionPayload{{kEventFunction, record.flags, record.preempt, entry.pid},
                                 text_address(record.ip),
                                 text_address(record.parent_ip)},
                 out);
      return;
    }
    case RecordType::kGraphEntry: {
      const auto& record = entry.as<ring::GraphEntryRecord>();
      return put(GraphEntryPayload{{kEventFuncgraphEntry, record.flags, record.preempt, entry.pid},
                                   text_address(record.ip),
                                   record.depth,
                                   0},
                 out);
      return;
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
      return;
    }
    case RecordType::kEvent:
      memcpy(out, entry.record + sizeof(ring::EventRecord), entry.as<ring::EventRecord>().size);
      return;
    default:
      return;
  }
}

// Appends events to one raw page, as Linux's writer lays them out.
class RawPageWriter {
 public:
  RawPageWriter(u8* page, usize capacity) : data_(page + kRawPageHeaderSize), capacity_(capacity) {}

  // Writes the header of an event of `size` payload bytes and returns where its payload
  // goes (zeroed up to the 4-byte boundary), or null when it does not fit in the page.
  u8* add(u64 timestamp, usize size) {
    usize aligned = (size + 3) & ~usize{3};
    bool small = aligned > 0 && aligned <= kRawMaxSmallData;
    u64 delta = used_ == 0 || timestamp < last_time_ ? 0 : timestamp - last_time_;
    bool extend = delta > kDeltaMask;
    usize need = (extend ? 8 : 0) + 4 + (small ? 0 : 4) + aligned;
    if (used_ + need > capacity_) return nullptr;
    if (used_ == 0) first_time_ = timestamp;
    if (extend) {
      word(static_cast<u32>((delta & kDeltaMask) << 5) | kRawTypeTimeExtend);
      word(static_cast<u32>(delta >> kDeltaBits));
      delta = 0;
    }
    word(static_cast<u32>(delta << 5) | (small ? static_cast<u32>(aligned / 4) : 0));
    if (!small) word(static_cast<u32>(aligned + 4));
    u8* payload = data_ + used_;
    if (aligned != size) memset(payload + aligned - 4, 0, 4);
    used_ += aligned;
    last_time_ = timestamp;
    return payload;
  }
  usize used() const { return used_; }
  u64 first_time() const { return first_time_; }

  // What has been written, to go back to when later events must be dropped.
  struct Mark {
    usize used;
    u64 first_time;
    u64 last_time;
  };
  Mark mark() const { return {used_, first_time_, last_time_}; }
  void back_to(const Mark& mark) {
    used_ = mark.used;
    first_time_ = mark.first_time;
    last_time_ = mark.last_time;
  }

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

u32 read_u32(const u8* at) {
  u32 value;
  memcpy(&value, at, sizeof value);
  return value;
}

template <typename Payload>
bool take(const u8* payload, usize size, Payload& out) {
  if (size < sizeof out) return false;
  memcpy(&out, payload, sizeof out);
  return true;
}

// One Linux payload back into the record the kernel wrote for it.
bool import_event(ring::CpuBuffer& buffer, u64 timestamp, const u8* payload, usize size) {
  EventCommon common;
  if (!take(payload, size, common)) return false;
  switch (common.type) {
    case kEventFunction: {
      FunctionPayload in;
      if (!take(payload, size, in)) return false;
      ring::FunctionRecord record{ring::make_header(RecordType::kFunction, 0),
                                  text_offset(in.ip),
                                  text_offset(in.parent_ip),
                                  common.flags,
                                  common.preempt_count,
                                  0};
      return buffer.write(timestamp, common.pid, &record, sizeof record);
    }
    case kEventFuncgraphEntry: {
      GraphEntryPayload in;
      if (!take(payload, size, in)) return false;
      ring::GraphEntryRecord record{ring::make_header(RecordType::kGraphEntry, 0),
                                    text_offset(in.func),
                                    static_cast<u8>(in.depth),
                                    common.flags,
                                    common.preempt_count,
                                    0};
      return buffer.write(timestamp, common.pid, &record, sizeof record);
    }
    case kEventFuncgraphExit: {
      GraphExitPayload in;
      if (!take(payload, size, in)) return false;
      u64 duration = in.rettime - in.calltime;
      if (common.flags == 0 && duration <= ring::kMaxShortDuration) {
        ring::GraphReturnRecord record{
            ring::make_header(RecordType::kGraphReturn, 0), text_offset(in.func),
            static_cast<u32>(in.depth & 0xff) | static_cast<u32>(duration << 8)};
        return buffer.write(timestamp, common.pid, &record, sizeof record);
      }
      ring::GraphReturnLongRecord record{ring::make_header(RecordType::kGraphReturnLong, 0),
                                         text_offset(in.func),
                                         static_cast<u8>(in.depth),
                                         common.flags,
                                         0,
                                         0,
                                         static_cast<u32>(duration),
                                         static_cast<u32>(duration >> 32),
                                         0,
                                         0};
      return buffer.write(timestamp, common.pid, &record, sizeof record);
    }
    default: {
      // Written in place: an event may be as large as the page.
      usize padded = (size + 3) & ~usize{3};
      if (padded > kMaxPayload) return false;
      u32* place = buffer.reserve(timestamp, common.pid, RecordType::kEvent,
                                  sizeof(ring::EventRecord) + padded);
      if (!place) return false;
      place[1] = static_cast<u32>(size);
      u8* record = reinterpret_cast<u8*>(place);
      memcpy(record + sizeof(ring::EventRecord), payload, size);
      memset(record + sizeof(ring::EventRecord) + size, 0, padded - size);
      buffer.commit();
      return true;
    }
  }
}

}  // namespace

u64 raw_page_lost(const u8* page, usize size) {
  u64 commit;
  u64 lost = 0;
  if (size < kRawPageHeaderSize) return 0;
  memcpy(&commit, page + sizeof(u64), sizeof commit);
  usize length = commit & 0xfffff;
  if ((commit & kRawMissedStored) && length + sizeof lost <= size - kRawPageHeaderSize)
    memcpy(&lost, page + kRawPageHeaderSize + length, sizeof lost);
  return lost;
}

Result<usize> for_each_raw_event(const u8* page, usize size, RawEventVisitor visit, void* context) {
  if (size < kRawPageHeaderSize) return Errno::kInval;
  u64 time;
  u64 commit;
  memcpy(&time, page, sizeof time);
  memcpy(&commit, page + sizeof time, sizeof commit);
  usize length = commit & 0xfffff;
  const u8* data = page + kRawPageHeaderSize;
  if (length > size - kRawPageHeaderSize) return Errno::kInval;
  usize events = 0;
  for (usize offset = 0; offset + 4 <= length;) {
    u32 header = read_u32(data + offset);
    u32 type_len = header & 31;
    u64 delta = header >> 5;
    offset += 4;
    if (type_len == kRawTypeTimeExtend || type_len == kRawTypeTimeStamp) {
      if (offset + 4 > length) return Errno::kInval;
      u64 high = u64{read_u32(data + offset)} << kDeltaBits;
      time = type_len == kRawTypeTimeExtend ? time + (delta | high) : (delta | high);
      offset += 4;
      continue;
    }
    if (type_len == kRawTypePadding) break;
    usize event_size = type_len * 4;
    if (type_len == 0) {
      if (offset + 4 > length) return Errno::kInval;
      event_size = read_u32(data + offset);
      if (event_size < 4) return Errno::kInval;
      event_size -= 4;
      offset += 4;
    }
    if (offset + event_size > length) return Errno::kInval;
    time += delta;
    if (visit(context, time, data + offset, event_size)) ++events;
    offset += event_size;
  }
  return events;
}

Result<usize> import_raw_page(ring::CpuBuffer& buffer, const u8* page, usize size) {
  return for_each_raw_event(
      page, size,
      [](void* context, u64 time, const u8* payload, usize payload_size) {
        return import_event(*static_cast<ring::CpuBuffer*>(context), time, payload, payload_size);
      },
      &buffer);
}

bool fill_raw_page(ring::CpuBuffer::Cursor& cursor, u64 lost, u8* page, usize size) {
  usize data_size = size - kRawPageHeaderSize;
  // The lost count is stored after the data: keep room for it.
  RawPageWriter writer(page, data_size - (lost ? sizeof(u64) : 0));
  // The records go into the page first and are claimed from the ring together at the end
  // (one step instead of one per record); records the writer overwrote before they were
  // claimed are overrun, and what the page made of them is dropped.
  cursor.defer_claims();
  RawPageWriter::Mark claimed = writer.mark();
  Entry entry;
  for (;;) {
    bool more = cursor.peek(entry);
    if (cursor.take_lost_claim()) writer.back_to(claimed);
    // Moving on to the next page claims the rest of the one before.
    if (cursor.all_claimed()) claimed = writer.mark();
    if (!more) break;
    if (usize size = linux_payload_size(entry)) {
      u8* payload = writer.add(entry.timestamp, size);
      if (!payload) break;
      linux_payload(entry, payload);
    }
    cursor.advance();
    if (cursor.take_lost_claim()) writer.back_to(claimed);
    if (cursor.all_claimed()) claimed = writer.mark();
  }
  if (!cursor.claim()) writer.back_to(claimed);
  if (writer.used() == 0) return false;
  u64 commit = writer.used();
  u8* data = page + kRawPageHeaderSize;
  if (lost) {
    memcpy(data + commit, &lost, sizeof lost);
    commit |= kRawMissedEvents | kRawMissedStored;
  }
  memset(data + writer.used() + (lost ? sizeof lost : 0), 0,
         data_size - writer.used() - (lost ? sizeof lost : 0));
  u64 timestamp = writer.first_time();
  memcpy(page, &timestamp, sizeof timestamp);
  memcpy(page + sizeof timestamp, &commit, sizeof commit);
  return true;
}

void print_header_page(TextWriter& out, usize page_size) {
  out.put("\tfield: u64 timestamp;\toffset:0;\tsize:8;\tsigned:0;\n");
  out.put("\tfield: local_t commit;\toffset:8;\tsize:8;\tsigned:1;\n");
  out.put("\tfield: int overwrite;\toffset:8;\tsize:1;\tsigned:1;\n");
  out.put("\tfield: char data;\toffset:16;\tsize:")
      .dec(page_size - kRawPageHeaderSize)
      .put(";\tsigned:0;\n");
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
