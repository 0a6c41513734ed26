// trace_pipe formatted on the host from raw pages: byte for byte the text the guest's own
// formatter prints for the same buffer. The "guest" here is the tracefs core on the host,
// serving the same files the kernel serves.
#include "HostText.h"

#include "TracefsFixture.h"
#include "trace/CommCache.h"
#include "trace/FunctionTracer.h"
#include "trace/RawPages.h"
#include "vfs/ProcTree.h"

using namespace tg;
using namespace tg::test;

namespace {

class HostTextTest : public TracefsTest {
 protected:
  void SetUp() override {
    TracefsTest::SetUp();
    ASSERT_TRUE(vfs::mount_proc(table_, *tracing_).ok());
  }
  std::string read_path(const std::string& path) {
    auto ref = table_.lookup(StringView(path.c_str()));
    EXPECT_TRUE(ref.ok()) << path;
    auto file = table_.open(ref.value(), vfs::kOpenReadOnly | vfs::kOpenNonBlock);
    EXPECT_TRUE(file.ok()) << path;
    std::string text;
    for (;;) {
      std::string buffer(1 << 16, '\0');
      auto n = table_.read(*file.value(), text.size(), Span<char>(buffer.data(), buffer.size()));
      if (!n.ok() || n.value() == 0) break;
      text += buffer.substr(0, n.value());
    }
    table_.release(file.release_value());
    return text;
  }
  tracegate::GuestFacts facts() {
    tracegate::GuestFacts facts;
    facts.kallsyms = read_path("proc/kallsyms");
    facts.cpus = 2;
    facts.tracer = cat("current_tracer");
    facts.options = cat("trace_options");
    facts.clock = cat("trace_clock");
    facts.cmdlines = cat("saved_cmdlines");
    facts.tgids = cat("saved_tgids");
    facts.page_size = std::stoul(cat("buffer_subbuf_size_kb")) * 1024;
    return facts;
  }
  void record_functions(usize count) {
    for (usize i = 0; i < count; ++i) {
      advance_clock(i % 11 == 0 ? 3'000'000 : 700);
      u32 cpu = static_cast<u32>(i % 3 == 0);
      i32 pid = i % 5 == 0 ? 42 : 7;
      u8 flags = i % 4 == 0 ? ring::kFlagIrqsOff : 0;
      trace::FunctionTracer::record(tracing_->top(), {cpu, pid, flags, 0},
                                    platform().text_base + 0x1000 + (i % 9) * 0x1000 + 0x10,
                                    platform().text_base + 0x7000 + 0x20);
    }
  }
  // The guest's own text of the buffer, without the header `trace` starts with.
  std::string guest_text() {
    std::string text;
    for (const std::string& line : trace_lines()) text += line + "\n";
    return text;
  }
  std::string host_text(const tracegate::GuestFacts& facts) {
    std::string pages[2] = {read_path("tracing/per_cpu/cpu0/trace_pipe_raw"),
                            read_path("tracing/per_cpu/cpu1/trace_pipe_raw")};
    std::string error;
    auto host = tracegate::HostText::create(facts, error);
    EXPECT_TRUE(host) << error;
    if (!host) return "";
    for (unsigned cpu = 0; cpu < 2; ++cpu)
      EXPECT_TRUE(host->add_pages(cpu, reinterpret_cast<const uint8_t*>(pages[cpu].data()),
                                  pages[cpu].size()));
    std::string text;
    host->take_text(text);
    return text;
  }
};

}  // namespace

TEST_F(HostTextTest, FunctionEventsPrintAsTheGuestPrintsThem) {
  trace::save_comm(7, "workloads");
  trace::save_comm(42, "kworker/0:1");
  ASSERT_EQ(echo("current_tracer", "function"), Errno::kOk);
  record_functions(2000);
  ASSERT_EQ(mark("a marker"), Errno::kOk);
  std::string want = guest_text();
  auto given = facts();
  ASSERT_TRUE(tracegate::HostText::supports(given));
  EXPECT_EQ(host_text(given), want);
}

// buffer_subbuf_size_kb 32: raw pages of 32 KiB, and markers longer than a 4 KiB page holds.
TEST_F(HostTextTest, LargeSubBuffersPrintAsTheGuestPrintsThem) {
  trace::save_comm(7, "workloads");
  trace::save_comm(42, "kworker/0:1");
  ASSERT_EQ(echo("buffer_subbuf_size_kb", "32"), Errno::kOk);
  ASSERT_EQ(echo("current_tracer", "function"), Errno::kOk);
  record_functions(3000);
  ASSERT_EQ(write_once("trace_marker", std::string(4096, 'M')).value(), 4096u);
  record_functions(500);
  std::string want = guest_text();
  ASSERT_NE(want.find(std::string(4096, 'M')), std::string::npos);
  auto given = facts();
  EXPECT_EQ(given.page_size, 32768u);
  EXPECT_EQ(host_text(given), want);
}

TEST_F(HostTextTest, PagesSplitAcrossReadsAreJoined) {
  trace::save_comm(7, "workloads");
  ASSERT_EQ(echo("current_tracer", "function"), Errno::kOk);
  record_functions(3000);
  std::string want = guest_text();
  auto given = facts();
  std::string pages[2] = {read_path("tracing/per_cpu/cpu0/trace_pipe_raw"),
                          read_path("tracing/per_cpu/cpu1/trace_pipe_raw")};
  std::string error;
  auto host = tracegate::HostText::create(given, error);
  ASSERT_TRUE(host) << error;
  for (unsigned cpu = 0; cpu < 2; ++cpu)
    for (size_t at = 0; at < pages[cpu].size(); at += 1000)  // reads that split pages
      ASSERT_TRUE(host->add_pages(cpu, reinterpret_cast<const uint8_t*>(pages[cpu].data()) + at,
                                  std::min<size_t>(1000, pages[cpu].size() - at)));
  std::string got;
  host->take_text(got);
  EXPECT_EQ(got, want);
}

TEST_F(HostTextTest, OptionsAndClockComeAlong) {
  trace::save_comm(7, "workloads");
  ASSERT_EQ(echo("current_tracer", "function"), Errno::kOk);
  ASSERT_EQ(echo("trace_clock", "counter"), Errno::kOk);
  ASSERT_EQ(echo("trace_options", "noprint-parent"), Errno::kOk);
  ASSERT_EQ(echo("trace_options", "record-tgid"), Errno::kOk);
  ASSERT_EQ(echo("trace_options", "irq-info"), Errno::kOk);
  record_functions(300);
  std::string want = guest_text();
  EXPECT_EQ(host_text(facts()), want);
}

TEST_F(HostTextTest, LostEventsAreMarkedWhereTheGuestMarksThem) {
  trace::save_comm(7, "workloads");
  ASSERT_EQ(echo("buffer_size_kb", "8"), Errno::kOk);
  ASSERT_EQ(echo("current_tracer", "function"), Errno::kOk);
  record_functions(3000);
  auto given = facts();
  std::string host = host_text(given);
  EXPECT_NE(host.find("CPU:0 [LOST "), std::string::npos);
  EXPECT_NE(host.find("CPU:1 [LOST "), std::string::npos);
}

TEST_F(HostTextTest, GraphTracersAndSymbolSizesStayInTheGuest) {
  auto given = facts();
  given.tracer = "function_graph\n";
  EXPECT_FALSE(tracegate::HostText::supports(given));
  given.tracer = "function\n";
  given.options += "sym-offset\n";
  EXPECT_FALSE(tracegate::HostText::supports(given));
}

// The stream reads saved_cmdlines again only when a page holds a task it has not named.
TEST_F(HostTextTest, AskForTasksOnlyWhenAPageHoldsAnUnnamedOne) {
  trace::save_comm(7, "workloads");
  trace::save_comm(42, "kworker/0:1");
  ASSERT_EQ(echo("current_tracer", "function"), Errno::kOk);
  auto given = facts();
  std::string error;
  auto host = tracegate::HostText::create(given, error);
  ASSERT_TRUE(host) << error;
  record_functions(500);  // pids 7 and 42, both named
  std::string pages = read_path("tracing/per_cpu/cpu0/trace_pipe_raw");
  ASSERT_TRUE(host->add_pages(0, reinterpret_cast<const uint8_t*>(pages.data()), pages.size()));
  EXPECT_TRUE(host->knows_every_task());

  trace::save_comm(99, "newcomer");
  advance_clock(1000);
  trace::FunctionTracer::record(tracing_->top(), {0, 99, 0, 0}, platform().text_base + 0x1010,
                                platform().text_base + 0x7020);
  pages = read_path("tracing/per_cpu/cpu0/trace_pipe_raw");
  ASSERT_TRUE(host->add_pages(0, reinterpret_cast<const uint8_t*>(pages.data()), pages.size()));
  EXPECT_FALSE(host->knows_every_task());
  host->update_tasks(cat("saved_cmdlines"), cat("saved_tgids"));
  EXPECT_TRUE(host->knows_every_task());
  std::string text;
  host->take_text(text);
  EXPECT_NE(text.find("newcomer-99"), std::string::npos);
}
