// The max-stack tracer: stack_trace, stack_max_size, stack_trace_filter and the
// proc/sys/kernel/stack_tracer_enabled switch, over a fake stack (Linux's trace_stack.c).
#include "TracefsFixture.h"
#include "vfs/ProcTree.h"

using namespace tg;
using namespace tg::test;

namespace {

constexpr const char* kHeader =
    "        Depth    Size   Location    (%zu entries)\n"
    "        -----    ----   --------\n";
constexpr const char* kDisabledNote =
    "#\n"
    "#  Stack tracer disabled\n"
    "#\n"
    "# To enable the stack tracer, either add 'stacktrace' to the\n"
    "# kernel command line\n"
    "# or 'echo 1 > /proc/sys/kernel/stack_tracer_enabled'\n"
    "#\n";

std::string header(size_t entries) {
  char text[128];
  snprintf(text, sizeof text, kHeader, entries);
  return text;
}

// What the frame-pointer walk finds beyond the traced function's caller: vfs_write, then
// do_softirq.
usize walk_two_frames(u64, u64* out, usize max) {
  usize count = 0;
  for (u64 address : {u64{0x5030}, u64{0x8040}})
    if (count < max) out[count++] = address;
  return count;
}

// A walk that also names an address no longer on the stack.
usize walk_with_a_stale_frame(u64, u64* out, usize max) {
  usize count = 0;
  for (u64 address : {u64{0x5030}, u64{0x6050}, u64{0x8040}})
    if (count < max) out[count++] = address;
  return count;
}

int g_sites_changed = 0;
void count_site_changes() {
  ++g_sites_changed;
}

class StackTracerTest : public TracefsTest {
 protected:
  void SetUp() override {
    TracefsTest::SetUp();
    ASSERT_TRUE(vfs::mount_proc(table_, *tracing_).ok());
    Platform with_walk = platform();
    with_walk.walk_stack = walk_two_frames;
    with_walk.functions_changed = count_site_changes;
    install_platform(with_walk);
    g_sites_changed = 0;
  }

  trace::StackTracer& tracer() { return tracing_->stack_tracer(); }

  // kfree called from vfs_read, with `below` words of the stack in use under kfree's own
  // return address (the stack has 64 words; the deeper frames sit at fixed slots).
  void call_kfree(usize below_top) {
    for (u64& word : stack_) word = 0xdead;
    usize sp = kWords - below_top;
    stack_[sp] = 0x3005;      // the site's call: kfree+5
    stack_[sp + 1] = 0x4020;  // kfree's return into vfs_read
    stack_[kWords - 17] = 0x5030;
    stack_[kWords - 9] = 0x8040;
    tracer().check(0, {&stack_[sp], stack_ + kWords, 0});
  }

  std::string proc(const std::string& path) {
    auto ref = table_.lookup(StringView(("proc/" + path).c_str()));
    EXPECT_TRUE(ref.ok()) << path;
    if (!ref.ok()) return "<no file>";
    auto file = table_.open(ref.value(), vfs::kOpenReadOnly);
    std::string text = read_all(*file.value());
    table_.release(file.release_value());
    return text;
  }
  Errno proc_echo(const std::string& path, const std::string& text) {
    auto ref = table_.lookup(StringView(("proc/" + path).c_str()));
    if (!ref.ok()) return ref.error();
    auto file = table_.open(ref.value(), vfs::kOpenWriteOnly | vfs::kOpenTruncate);
    if (!file.ok()) return file.error();
    std::string data = text + "\n";
    auto n = table_.write(*file.value(), 0, StringView(data.data(), data.size()));
    table_.release(file.release_value());
    return n.ok() ? Errno::kOk : n.error();
  }

  static constexpr usize kWords = 64;
  u64 stack_[kWords] = {};
};

}  // namespace

TEST_F(StackTracerTest, FilesSitAtTheTopOnlyWithLinuxsModes) {
  EXPECT_EQ(mode_of("stack_max_size") & 0777, 0640u);
  EXPECT_EQ(mode_of("stack_trace") & 0777, 0440u);
  EXPECT_EQ(mode_of("stack_trace_filter") & 0777, 0640u);
  ASSERT_EQ(mkdir("foo"), Errno::kOk);
  for (const std::string& name : ls("instances/foo"))
    EXPECT_EQ(name.rfind("stack_", 0), std::string::npos);
}

TEST_F(StackTracerTest, DisabledAndEmptyShowsLinuxsNote) {
  EXPECT_EQ(cat("stack_trace"), header(0) + kDisabledNote);
  EXPECT_EQ(cat("stack_max_size"), "0\n");
}

TEST_F(StackTracerTest, NewMaximumRecordsEachFrameWithItsDepthAndSize) {
  ASSERT_EQ(proc_echo("sys/kernel/stack_tracer_enabled", "1"), Errno::kOk);
  call_kfree(24);
  EXPECT_EQ(cat("stack_max_size"), "192\n");
  EXPECT_EQ(cat("stack_trace"), header(4) +
                                    "  0)      192       8   kfree+0x5/0x100\n"
                                    "  1)      184      48   vfs_read+0x20/0x100\n"
                                    "  2)      136      64   vfs_write+0x30/0x100\n"
                                    "  3)       72      72   do_softirq+0x40/0x100\n");
}

TEST_F(StackTracerTest, FrameNotFoundOnTheStackIsLeftOut) {
  Platform stale = platform();
  stale.walk_stack = walk_with_a_stale_frame;
  install_platform(stale);
  call_kfree(24);
  std::string text = cat("stack_trace");
  EXPECT_EQ(text.find("Scheduler::pick_next"), std::string::npos) << text;
  EXPECT_NE(text.find("(4 entries)"), std::string::npos) << text;
}

TEST_F(StackTracerTest, ShallowerCallKeepsTheMaximum) {
  call_kfree(24);
  std::string deepest = cat("stack_trace");
  call_kfree(20);
  EXPECT_EQ(cat("stack_max_size"), "192\n");
  EXPECT_EQ(cat("stack_trace"), deepest);
}

TEST_F(StackTracerTest, RecordedMaximumHidesTheDisabledNote) {
  call_kfree(24);
  EXPECT_EQ(cat("stack_trace").find("Stack tracer disabled"), std::string::npos);
}

TEST_F(StackTracerTest, ZeroToStackMaxSizeLetsAShallowerCallRecord) {
  call_kfree(24);
  ASSERT_EQ(echo("stack_max_size", "0"), Errno::kOk);
  EXPECT_EQ(cat("stack_max_size"), "0\n");
  call_kfree(20);
  EXPECT_EQ(cat("stack_max_size"), "160\n");
  EXPECT_NE(cat("stack_trace").find("  0)      160       8   kfree+0x5/0x100\n"),
            std::string::npos);
}

TEST_F(StackTracerTest, StackMaxSizeTakesAnyDecimalAndKeepsTheChain) {
  call_kfree(24);
  ASSERT_EQ(echo("stack_max_size", "4096"), Errno::kOk);
  EXPECT_EQ(cat("stack_max_size"), "4096\n");
  call_kfree(30);
  EXPECT_NE(cat("stack_trace").find("  0)      192 "), std::string::npos);
}

TEST_F(StackTracerTest, StackMaxSizeRefusesWhatIsNotAnUnsignedDecimal) {
  for (const char* bad : {"abc", "-1", "12x", "0x10", ""})
    EXPECT_EQ(echo("stack_max_size", bad), Errno::kInval) << bad;
  EXPECT_EQ(cat("stack_max_size"), "0\n");
}

TEST_F(StackTracerTest, FilterListsLikeSetFtraceFilter) {
  EXPECT_EQ(cat("stack_trace_filter"), "#### all functions enabled ####\n");
  ASSERT_EQ(echo("stack_trace_filter", "kmalloc*"), Errno::kOk);
  EXPECT_EQ(cat("stack_trace_filter"), "kmalloc\nkmalloc_node\n");
  ASSERT_EQ(echo_append("stack_trace_filter", "!kmalloc_node"), Errno::kOk);
  EXPECT_EQ(cat("stack_trace_filter"), "kmalloc\n");
  ASSERT_EQ(echo("stack_trace_filter", ""), Errno::kOk);
  EXPECT_EQ(cat("stack_trace_filter"), "#### all functions enabled ####\n");
}

TEST_F(StackTracerTest, FilterGlobWithNoMatchIsEinval) {
  EXPECT_EQ(echo("stack_trace_filter", "no_such_function*"), Errno::kInval);
  EXPECT_EQ(cat("stack_trace_filter"), "#### all functions enabled ####\n");
}

TEST_F(StackTracerTest, FilterCommandsAreEnodevAsWithoutATraceArray) {
  EXPECT_EQ(echo("stack_trace_filter", "kfree:traceoff"), Errno::kNoDev);
  EXPECT_EQ(echo("stack_trace_filter", "kfree:mod:ext4"), Errno::kNoDev);
  EXPECT_EQ(echo("stack_trace_filter", "kfree:nonsense"), Errno::kInval);
}

TEST_F(StackTracerTest, FilterDecidesWhichSitesTheTracerWants) {
  EXPECT_FALSE(tracer().wants_site(0x3000));  // off
  ASSERT_EQ(proc_echo("sys/kernel/stack_tracer_enabled", "1"), Errno::kOk);
  EXPECT_TRUE(tracer().wants_site(0x3000));
  ASSERT_EQ(echo("stack_trace_filter", "kmalloc"), Errno::kOk);
  EXPECT_TRUE(tracer().wants_site(0x1000));
  EXPECT_FALSE(tracer().wants_site(0x3000));
}

TEST_F(StackTracerTest, FilterChangeRepatchesOnClose) {
  ASSERT_EQ(echo("stack_trace_filter", "kmalloc"), Errno::kOk);
  EXPECT_EQ(g_sites_changed, 1);
}

TEST_F(StackTracerTest, SwitchReadsBackTheIntWritten) {
  EXPECT_EQ(proc("sys/kernel/stack_tracer_enabled"), "0\n");
  ASSERT_EQ(proc_echo("sys/kernel/stack_tracer_enabled", "2"), Errno::kOk);
  EXPECT_EQ(proc("sys/kernel/stack_tracer_enabled"), "2\n");
  EXPECT_TRUE(tracer().enabled());
  ASSERT_EQ(proc_echo("sys/kernel/stack_tracer_enabled", "-1"), Errno::kOk);
  EXPECT_EQ(proc("sys/kernel/stack_tracer_enabled"), "-1\n");
  ASSERT_EQ(proc_echo("sys/kernel/stack_tracer_enabled", "0"), Errno::kOk);
  EXPECT_FALSE(tracer().enabled());
}

TEST_F(StackTracerTest, SwitchRepatchesOnlyWhenItTurnsOnOrOff) {
  ASSERT_EQ(proc_echo("sys/kernel/stack_tracer_enabled", "1"), Errno::kOk);
  ASSERT_EQ(proc_echo("sys/kernel/stack_tracer_enabled", "2"), Errno::kOk);
  EXPECT_EQ(g_sites_changed, 1);
  ASSERT_EQ(proc_echo("sys/kernel/stack_tracer_enabled", "0"), Errno::kOk);
  EXPECT_EQ(g_sites_changed, 2);
}

TEST_F(StackTracerTest, SwitchRefusesWhatIsNotAnInt) {
  for (const char* bad : {"abc", "1x", "", "99999999999"})
    EXPECT_EQ(proc_echo("sys/kernel/stack_tracer_enabled", bad), Errno::kInval) << bad;
  EXPECT_EQ(proc("sys/kernel/stack_tracer_enabled"), "0\n");
}

TEST_F(StackTracerTest, SwitchIsASysctlFile) {
  auto ref = table_.lookup("proc/sys/kernel/stack_tracer_enabled");
  ASSERT_TRUE(ref.ok());
  EXPECT_EQ(table_.getattr(ref.value()).mode & 0777, 0644u);
}
