// per_cpu/cpuN/trace_pipe_raw, events/header_page and header_event: Linux's binary pages,
// decoded here as libtraceevent reads them, and the [LOST N EVENTS] marks of trace_pipe.
#include <cstring>
#include <vector>

#include "TracefsFixture.h"
#include "trace/FunctionTracer.h"
#include "trace/GraphTracer.h"
#include "trace/RawPages.h"

using namespace tg;
using namespace tg::test;

namespace {

// One event of a raw page, decoded.
struct RawEvent {
  u64 timestamp;
  std::vector<u8> payload;
  u16 type() const { return static_cast<u16>(payload[0] | payload[1] << 8); }
  u64 u64_at(usize offset) const {
    u64 value;
    memcpy(&value, payload.data() + offset, 8);
    return value;
  }
};

struct RawPage {
  u64 timestamp;
  u64 commit;
  u64 lost = 0;
  std::vector<RawEvent> events;
};

u32 word_at(const std::string& bytes, usize offset) {
  u32 value;
  memcpy(&value, bytes.data() + offset, 4);
  return value;
}

// The reader side of Linux's format (kbuffer's rules): data length from type_len, or from
// array[0] (which counts itself) when type_len is 0; time extends add their high bits.
std::vector<RawPage> decode(const std::string& bytes, usize page_size = trace::kRawPageSize) {
  std::vector<RawPage> pages;
  for (usize at = 0; at + page_size <= bytes.size(); at += page_size) {
    RawPage page;
    memcpy(&page.timestamp, bytes.data() + at, 8);
    memcpy(&page.commit, bytes.data() + at + 8, 8);
    usize data = at + trace::kRawPageHeaderSize;
    usize length = page.commit & 0xfffff;
    if (page.commit & trace::kRawMissedStored) memcpy(&page.lost, bytes.data() + data + length, 8);
    u64 time = page.timestamp;
    for (usize offset = 0; offset < length;) {
      u32 header = word_at(bytes, data + offset);
      u32 type_len = header & 31;
      u64 delta = header >> 5;
      offset += 4;
      if (type_len == trace::kRawTypeTimeExtend) {
        time += delta | u64{word_at(bytes, data + offset)} << 27;
        offset += 4;
        continue;
      }
      EXPECT_LT(type_len, trace::kRawTypePadding);
      usize size = type_len ? type_len * 4 : word_at(bytes, data + offset) - 4;
      if (!type_len) offset += 4;
      time += delta;
      RawEvent event{time, std::vector<u8>(bytes.begin() + data + offset,
                                           bytes.begin() + data + offset + size)};
      page.events.push_back(event);
      offset += size;
    }
    pages.push_back(page);
  }
  return pages;
}

class TracePipeRaw : public TracefsTest {
 protected:
  bool function_on(u32 cpu, u64 ip_offset) {
    return trace::FunctionTracer::record(tracing_->top(), {cpu, 7, 0, 0},
                                         platform().text_base + ip_offset,
                                         platform().text_base + 0x20);
  }
  // What a reader with O_NONBLOCK gets until EAGAIN.
  std::string drain(const std::string& path, usize chunk = 65536) {
    auto file = open(path, vfs::kOpenReadOnly | vfs::kOpenNonBlock);
    EXPECT_TRUE(file.ok());
    if (!file.ok()) return "";
    std::string bytes;
    for (;;) {
      std::string buffer(chunk, '\0');
      auto n = table_.read(*file.value(), bytes.size(), Span<char>(buffer.data(), chunk));
      if (!n.ok() || n.value() == 0) break;
      bytes += buffer.substr(0, n.value());
    }
    table_.release(file.release_value());
    return bytes;
  }
};

}  // namespace

TEST_F(TracePipeRaw, HeaderPageIsLinuxs) {
  EXPECT_EQ(cat("events/header_page"),
            "\tfield: u64 timestamp;\toffset:0;\tsize:8;\tsigned:0;\n"
            "\tfield: local_t commit;\toffset:8;\tsize:8;\tsigned:1;\n"
            "\tfield: int overwrite;\toffset:8;\tsize:1;\tsigned:1;\n"
            "\tfield: char data;\toffset:16;\tsize:4080;\tsigned:0;\n");
  EXPECT_EQ(mode_of("events/header_page"), vfs::kModeRegular | 0440);
}

TEST_F(TracePipeRaw, HeaderEventIsLinuxs) {
  EXPECT_EQ(cat("events/header_event"),
            "# compressed entry header\n\ttype_len    :    5 bits\n\ttime_delta  :   27 bits\n"
            "\tarray       :   32 bits\n\n\tpadding     : type == 29\n"
            "\ttime_extend : type == 30\n\ttime_stamp : type == 31\n"
            "\tdata max type_len  == 28\n");
}

TEST_F(TracePipeRaw, EveryCpuHasOneReadOnly) {
  EXPECT_EQ(mode_of("per_cpu/cpu0/trace_pipe_raw"), vfs::kModeRegular | 0440);
  EXPECT_EQ(mode_of("per_cpu/cpu1/trace_pipe_raw"), vfs::kModeRegular | 0440);
}

TEST_F(TracePipeRaw, EmptyIsEagain) {
  EXPECT_EQ(read_error("per_cpu/cpu0/trace_pipe_raw"), Errno::kAgain);
}

TEST_F(TracePipeRaw, FunctionEventsDecodeWithTheirTimesAndAddresses) {
  ASSERT_EQ(echo("current_tracer", "function"), Errno::kOk);
  for (u64 i = 0; i < 3; ++i) {
    advance_clock(1000);
    ASSERT_TRUE(function_on(0, 0x100 + i));
  }
  auto pages = decode(drain("per_cpu/cpu0/trace_pipe_raw"));
  ASSERT_EQ(pages.size(), 1u);
  ASSERT_EQ(pages[0].events.size(), 3u);
  for (u64 i = 0; i < 3; ++i) {
    const RawEvent& event = pages[0].events[i];
    EXPECT_EQ(event.type(), 1);  // ftrace/function's id
    EXPECT_EQ(event.payload.size(), 24u);
    EXPECT_EQ(event.u64_at(8), platform().text_base + 0x100 + i);
    EXPECT_EQ(event.u64_at(16), platform().text_base + 0x20);
  }
  EXPECT_EQ(pages[0].events[1].timestamp - pages[0].events[0].timestamp, 1000u);
  EXPECT_EQ(pages[0].lost, 0u);
}

TEST_F(TracePipeRaw, ReadingConsumes) {
  ASSERT_EQ(echo("current_tracer", "function"), Errno::kOk);
  ASSERT_TRUE(function_on(0, 0x100));
  EXPECT_EQ(decode(drain("per_cpu/cpu0/trace_pipe_raw")).size(), 1u);
  EXPECT_EQ(trace_lines().size(), 0u);
  EXPECT_EQ(read_error("per_cpu/cpu0/trace_pipe_raw"), Errno::kAgain);
}

TEST_F(TracePipeRaw, OnlyItsCpu) {
  ASSERT_EQ(echo("current_tracer", "function"), Errno::kOk);
  ASSERT_TRUE(function_on(1, 0x100));
  EXPECT_EQ(read_error("per_cpu/cpu0/trace_pipe_raw"), Errno::kAgain);
  EXPECT_EQ(decode(drain("per_cpu/cpu1/trace_pipe_raw"))[0].events.size(), 1u);
}

TEST_F(TracePipeRaw, LongGapsBecomeTimeExtends) {
  ASSERT_EQ(echo("current_tracer", "function"), Errno::kOk);
  ASSERT_TRUE(function_on(0, 0x100));
  advance_clock(u64{5} << 30);  // beyond 27 bits of ns
  ASSERT_TRUE(function_on(0, 0x101));
  auto pages = decode(drain("per_cpu/cpu0/trace_pipe_raw"));
  ASSERT_EQ(pages[0].events.size(), 2u);
  EXPECT_EQ(pages[0].events[1].timestamp - pages[0].events[0].timestamp, u64{5} << 30);
}

TEST_F(TracePipeRaw, ManyEventsFillWholePagesInOrder) {
  ASSERT_EQ(echo("current_tracer", "function"), Errno::kOk);
  for (u64 i = 0; i < 1000; ++i) {
    advance_clock(10);
    ASSERT_TRUE(function_on(0, i));
  }
  auto pages = decode(drain("per_cpu/cpu0/trace_pipe_raw", 4096));
  ASSERT_GT(pages.size(), 1u);
  u64 next = 0;
  for (const RawPage& page : pages) {
    EXPECT_LE(page.commit & 0xfffff, trace::kRawPageDataSize);
    for (const RawEvent& event : page.events)
      EXPECT_EQ(event.u64_at(8), platform().text_base + next++);
  }
  EXPECT_EQ(next, 1000u);
}

TEST_F(TracePipeRaw, MarkersKeepTheirPrintLayout) {
  ASSERT_EQ(mark("hello"), Errno::kOk);
  auto pages = decode(drain("per_cpu/cpu0/trace_pipe_raw"));
  ASSERT_EQ(pages.size(), 1u);
  ASSERT_EQ(pages[0].events.size(), 1u);
  EXPECT_EQ(pages[0].events[0].type(), 5);  // ftrace/print
  std::string text(pages[0].events[0].payload.begin() + 16, pages[0].events[0].payload.end());
  EXPECT_EQ(text.substr(0, 6), "hello\n");
}

// buffer_subbuf_size_kb 8: pages of 8192 bytes, described by header_page, and a marker
// longer than a 4 KiB page holds (Linux's largest, 4096 bytes) in one event.
TEST_F(TracePipeRaw, LargerSubBuffersGiveLargerPages) {
  ASSERT_EQ(echo("buffer_subbuf_size_kb", "8"), Errno::kOk);
  EXPECT_EQ(cat("events/header_page"),
            "\tfield: u64 timestamp;\toffset:0;\tsize:8;\tsigned:0;\n"
            "\tfield: local_t commit;\toffset:8;\tsize:8;\tsigned:1;\n"
            "\tfield: int overwrite;\toffset:8;\tsize:1;\tsigned:1;\n"
            "\tfield: char data;\toffset:16;\tsize:8176;\tsigned:0;\n");
  std::string text(5000, 'X');
  ASSERT_EQ(write_once("trace_marker", text).value(), 4096u);
  for (u32 i = 0; i < 700; ++i) ASSERT_TRUE(function_on(0, 0x10 + i % 3));
  std::string bytes = drain("per_cpu/cpu0/trace_pipe_raw");
  ASSERT_EQ(bytes.size() % 8192, 0u);
  auto pages = decode(bytes, 8192);
  ASSERT_GE(pages.size(), 2u);
  for (const auto& page : pages) EXPECT_LE(page.commit & 0xfffff, 8176u);
  const RawEvent& marker = pages[0].events[0];
  EXPECT_EQ(marker.type(), 5);  // ftrace/print
  std::string printed(marker.payload.begin() + 16, marker.payload.end());
  EXPECT_EQ(printed.substr(0, 4097), std::string(4096, 'X') + "\n");
  usize functions = 0;
  for (const auto& page : pages) functions += page.events.size();
  EXPECT_EQ(functions, 701u);
}

TEST_F(TracePipeRaw, TextPipeOpenMakesItBusy) {
  auto pipe = open("trace_pipe", vfs::kOpenReadOnly);
  ASSERT_TRUE(pipe.ok());
  EXPECT_EQ(open("per_cpu/cpu0/trace_pipe_raw", vfs::kOpenReadOnly).error(), Errno::kBusy);
  table_.release(pipe.release_value());
}

TEST_F(TracePipeRaw, EachCpuHasItsOwnReader) {
  auto cpu0 = open("per_cpu/cpu0/trace_pipe_raw", vfs::kOpenReadOnly);
  auto cpu1 = open("per_cpu/cpu1/trace_pipe_raw", vfs::kOpenReadOnly);
  ASSERT_TRUE(cpu0.ok());
  ASSERT_TRUE(cpu1.ok());
  EXPECT_EQ(open("per_cpu/cpu0/trace_pipe_raw", vfs::kOpenReadOnly).error(), Errno::kBusy);
  EXPECT_EQ(open("trace_pipe", vfs::kOpenReadOnly).error(), Errno::kBusy);
  table_.release(cpu0.release_value());
  table_.release(cpu1.release_value());
}

// Overwrite a small buffer many times over, then read: what was lost is flagged and counted.
class LostEvents : public TracePipeRaw {
 protected:
  u64 overrun_of_cpu0() {
    std::string stats = cat("per_cpu/cpu0/stats");
    usize at = stats.find("overrun: ");
    return std::stoull(stats.substr(at + 9));
  }
  void overrun() {
    ASSERT_EQ(echo("buffer_size_kb", "8"), Errno::kOk);
    ASSERT_EQ(echo("current_tracer", "function"), Errno::kOk);
    for (u64 i = 0; i < 5000; ++i) {
      advance_clock(10);
      ASSERT_TRUE(function_on(0, i % 256));
    }
    ASSERT_GT(overrun_of_cpu0(), 0u);
  }
};

TEST_F(LostEvents, TracePipeSaysHowManyWereLostAndTheyAddUpToTheOverrun) {
  overrun();
  u64 overrun = overrun_of_cpu0();
  std::string text = drain("trace_pipe", 4096);
  u64 lost = 0;
  usize marks = 0;
  for (usize at = text.find("CPU:0 [LOST "); at != std::string::npos;
       at = text.find("CPU:0 [LOST ", at + 1)) {
    lost += std::stoull(text.substr(at + 12));
    ++marks;
  }
  EXPECT_EQ(marks, 1u);
  EXPECT_EQ(lost, overrun);
  EXPECT_EQ(text.find("CPU:0 [LOST "), 0u) << "the mark comes before the first entry";
  EXPECT_NE(text.find(" EVENTS]\n"), std::string::npos);
}

TEST_F(LostEvents, TraceOpenedAfterTheOverrunDoesNotMarkThem) {
  overrun();
  EXPECT_EQ(cat("trace").find("LOST"), std::string::npos);
}

TEST_F(LostEvents, TraceLappedWhileReadingSaysSoWithoutACount) {
  ASSERT_EQ(echo("buffer_size_kb", "8"), Errno::kOk);
  ASSERT_EQ(echo("current_tracer", "function"), Errno::kOk);
  // Two pages' worth: more text than the first read renders.
  for (u64 i = 0; i < 450; ++i) {
    advance_clock(10);
    ASSERT_TRUE(function_on(0, i % 256));
  }
  auto file = open("trace", vfs::kOpenReadOnly);
  ASSERT_TRUE(file.ok());
  std::vector<char> chunk(4096);
  auto first = table_.read(*file.value(), 0, Span<char>(chunk.data(), chunk.size()));
  ASSERT_TRUE(first.ok());
  std::string text(chunk.data(), first.value());
  // The writer laps the reader, which is still on its first page.
  for (u64 i = 0; i < 5000; ++i) {
    advance_clock(10);
    ASSERT_TRUE(function_on(0, i % 256));
  }
  ASSERT_GT(overrun_of_cpu0(), 0u);
  for (;;) {
    auto n = table_.read(*file.value(), text.size(), Span<char>(chunk.data(), chunk.size()));
    ASSERT_TRUE(n.ok());
    if (n.value() == 0) break;
    text.append(chunk.data(), n.value());
  }
  table_.release(file.release_value());
  usize mark = text.find("CPU:0 [LOST EVENTS]\n");
  ASSERT_NE(mark, std::string::npos) << "no mark where the writer overran the reader";
  EXPECT_EQ(text.find("CPU:0 [LOST EVENTS]\n", mark + 1), std::string::npos) << "one mark";
  EXPECT_EQ(text.find(" [LOST "), mark + 5) << "trace gives no count, as Linux";
  EXPECT_NE(text.rfind(" <-", mark), std::string::npos) << "entries read before the lap first";
  EXPECT_NE(text.find(" <-", mark), std::string::npos) << "the survivors follow the mark";
}

TEST_F(LostEvents, TheFirstRawPageFlagsAndCountsThem) {
  overrun();
  u64 overrun = overrun_of_cpu0();
  auto pages = decode(drain("per_cpu/cpu0/trace_pipe_raw"));
  ASSERT_FALSE(pages.empty());
  EXPECT_TRUE(pages[0].commit & trace::kRawMissedEvents);
  EXPECT_EQ(pages[0].lost, overrun);
  for (usize i = 1; i < pages.size(); ++i) EXPECT_FALSE(pages[i].commit & trace::kRawMissedEvents);
}

// The way back: pages read out and imported again print the same text, byte for byte, with
// the same formatter (what a host that formats from raw pages relies on).
class RawRoundTrip : public TracePipeRaw {
 protected:
  // Drains every CPU's raw pages and writes them back into the same (now empty) buffers.
  void round_trip(usize page_size = trace::kRawPageSize) {
    for (u32 cpu = 0; cpu < 2; ++cpu) {
      std::string bytes = drain("per_cpu/cpu" + std::to_string(cpu) + "/trace_pipe_raw");
      EXPECT_EQ(bytes.size() % page_size, 0u);
      for (usize at = 0; at + page_size <= bytes.size(); at += page_size) {
        auto imported =
            trace::import_raw_page(tracing_->top().buffer().cpu(cpu),
                                   reinterpret_cast<const u8*>(bytes.data()) + at, page_size);
        ASSERT_TRUE(imported.ok());
      }
    }
  }
};

TEST_F(RawRoundTrip, FunctionEventsMarkersAndFlagsPrintTheSame) {
  ASSERT_EQ(echo("current_tracer", "function"), Errno::kOk);
  for (u64 i = 0; i < 300; ++i) {
    advance_clock(i % 7 == 0 ? (u64{1} << 28) : 1234);
    u8 flags = i % 3 == 0 ? ring::kFlagIrqsOff | ring::kFlagHardIrq : 0;
    trace::FunctionTracer::record(tracing_->top(), {static_cast<u32>(i % 2), 7, flags, 1},
                                  platform().text_base + 0x10 + i % 5, platform().text_base + 0x20);
    if (i % 50 == 0) ASSERT_EQ(mark("marker " + std::to_string(i), i % 2), Errno::kOk);
  }
  std::string before = cat("trace");
  round_trip();
  EXPECT_EQ(cat("trace"), before);
}

TEST_F(RawRoundTrip, GraphCallsPrintTheSame) {
  ASSERT_EQ(echo("current_tracer", "function_graph"), Errno::kOk);
  auto& top = tracing_->top();
  u64 base = platform().text_base;
  for (u64 i = 0; i < 100; ++i) {
    trace::RecordContext ctx{0, 9, 0, 0};
    u64 outer = tracing_->top().now();
    trace::GraphTracer::record_entry(top, ctx, base + 0x10, 0, outer);
    advance_clock(500);
    u64 inner = tracing_->top().now();
    trace::GraphTracer::record_entry(top, ctx, base + 0x20, 1, inner);
    advance_clock(i % 10 == 0 ? (u64{1} << 25) : 300);  // some calls too long for 24 bits
    trace::GraphTracer::record_return(top, ctx, base + 0x20, 1, inner, tracing_->top().now(), 0);
    advance_clock(200);
    trace::GraphTracer::record_return(top, ctx, base + 0x10, 0, outer, tracing_->top().now(), 0);
  }
  std::string before = cat("trace");
  round_trip();
  EXPECT_EQ(cat("trace"), before);
}

TEST_F(RawRoundTrip, LargeMarkersIn32KPagesPrintTheSame) {
  ASSERT_EQ(echo("buffer_subbuf_size_kb", "32"), Errno::kOk);
  ASSERT_EQ(echo("current_tracer", "function"), Errno::kOk);
  for (u64 i = 0; i < 3000; ++i) {
    advance_clock(900);
    trace::FunctionTracer::record(tracing_->top(), {static_cast<u32>(i % 2), 7, 0, 1},
                                  platform().text_base + 0x10 + i % 5, platform().text_base + 0x20);
    if (i % 500 == 0)
      ASSERT_EQ(mark(std::string(4096, static_cast<char>('a' + i / 500)), i % 2), Errno::kOk);
  }
  std::string before = cat("trace");
  round_trip(32768);
  EXPECT_EQ(cat("trace"), before);
}
