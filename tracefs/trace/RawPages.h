#pragma once
#include "ring/RingBuffer.h"
#include "support/Result.h"
#include "support/TextWriter.h"

namespace tg::trace {

// Linux's ring-buffer page (sub-buffer), as per_cpu/cpuN/trace_pipe_raw yields it and
// events/header_page describes it: u64 time stamp, u64 commit (data bytes, with the
// missed-events flags), then the events (4080 bytes at the default 4 KiB page; the page is the
// buffer's page size, buffer_subbuf_size_kb), each behind a 4-byte header (type_len: 5 bits,
// time_delta: 27 bits), in the Linux layouts the events' `format` files give. Our own pages
// are denser (a function event is 16 bytes here, 28 there), so a page is converted when a raw
// reader asks for it, into a raw page of the same size as the ring's.
inline constexpr usize kRawPageSize = 4096;  // the default page
inline constexpr usize kRawPageHeaderSize = 16;
inline constexpr usize kRawPageDataSize = kRawPageSize - kRawPageHeaderSize;
// In `commit`: events were lost before this page; their count follows the data.
inline constexpr u64 kRawMissedEvents = u64{1} << 31;
inline constexpr u64 kRawMissedStored = u64{1} << 30;

// Linux's type_len values beyond the data lengths (events/header_event).
inline constexpr u32 kRawTypePadding = 29;
inline constexpr u32 kRawTypeTimeExtend = 30;
inline constexpr u32 kRawTypeTimeStamp = 31;
inline constexpr u32 kRawMaxSmallData = 28 * 4;

// Fills `page` (`size` bytes: the buffer's page size) with the next entries of `cursor` (one
// CPU's consuming cursor), converted, consuming what it converts; `lost` events went missing
// before them. Returns false, with `page` untouched, when there was nothing to convert.
bool fill_raw_page(ring::CpuBuffer::Cursor& cursor, u64 lost, u8* page, usize size);

// The way back, for a host that formats text from raw pages with this same formatter:
// writes the events of one raw page (`size` bytes, the guest's page size) into `buffer` as
// the kernel recorded them, timestamps and pids included. Returns the events written;
// EINVAL for a page that does not decode.
Result<usize> import_raw_page(ring::CpuBuffer& buffer, const u8* page, usize size);
// Walks the events of one raw page in order, calling `visit` with each event's absolute
// time and its Linux payload (the layout of its `format` file); the one decoder of the page
// format, shared by the import above and the host tools. Returns how many visits returned
// true; EINVAL for a page that does not decode.
using RawEventVisitor = bool (*)(void* context, u64 time, const u8* payload, usize size);
Result<usize> for_each_raw_event(const u8* page, usize size, RawEventVisitor visit, void* context);
// How many events were lost before the page's own (its stored missed-events count).
u64 raw_page_lost(const u8* page, usize size);

// events/header_page (for pages of `page_size` bytes) and events/header_event, as Linux
// prints them.
void print_header_page(TextWriter& out, usize page_size);
void print_header_event(TextWriter& out);

}  // namespace tg::trace
