// hist triggers: Linux's parser and its errors, the trigger listing, the hist file's table.
#include "TracefsFixture.h"
#include "trace/Events.h"

using namespace tg;
using namespace tg::test;

namespace {
class HistTrigger : public TracefsTest {
 protected:
  static constexpr const char* kKmalloc = "events/kmem/kmalloc/trigger";
  static constexpr const char* kKmallocHist = "events/kmem/kmalloc/hist";
  static constexpr const char* kPrint = "events/ftrace/print/trigger";
  static constexpr const char* kPrintHist = "events/ftrace/print/hist";

  void kmalloc(u64 call_site, u64 bytes_req, u64 bytes_alloc, i32 pid = 4242) {
    trace::RecordContext ctx = writer_context();
    ctx.pid = pid;
    trace::emit_kmalloc(tracing_->top(), ctx, call_site, 0xffff0000, bytes_req, bytes_alloc, 0, -1);
  }
  bool has(const std::string& text, const std::string& what) {
    return text.find(what) != std::string::npos;
  }
  // The last error_log entry: its message line and the column of its caret.
  std::string last_error() {
    std::string log = cat("error_log");
    usize message = log.rfind(": error: ");
    if (message == std::string::npos) return "";
    return log.substr(message + 9, log.find('\n', message) - message - 9);
  }
  usize last_caret() {
    std::string log = cat("error_log");
    usize end = log.rfind('^');
    usize start = log.rfind('\n', end);
    return end - start - 1 - std::string("  Command: ").size();
  }
  std::string last_command() {
    std::string log = cat("error_log");
    usize at = log.rfind("  Command: ");
    return log.substr(at + 11, log.find('\n', at) - at - 11);
  }
  // Writes a command with one '^' marking where Linux puts the caret, as ftracetest's
  // ftrace_errlog_check does, and checks the logged caret and message.
  void expect_error(const std::string& marked, const std::string& message,
                    const char* file = kKmalloc) {
    usize caret = marked.find('^');
    std::string command = marked;
    command.erase(caret, 1);
    ASSERT_EQ(echo("error_log", ""), Errno::kOk);
    EXPECT_NE(echo(file, command), Errno::kOk) << command;
    EXPECT_EQ(last_error(), message) << command;
    EXPECT_EQ(last_command(), command);
    EXPECT_EQ(last_caret(), caret) << command;
  }
};
}  // namespace

TEST_F(HistTrigger, FilesAreThere) {
  EXPECT_EQ(mode_of(kKmallocHist), vfs::kModeRegular | 0444);
  EXPECT_EQ(mode_of(kPrintHist), vfs::kModeRegular | 0444);
  EXPECT_EQ(cat(kKmallocHist), "");
  EXPECT_TRUE(has(cat("README"), "<var1>=<field|var_ref|numeric_literal>"));
}

TEST_F(HistTrigger, ListsAsLinuxPrintsIt) {
  ASSERT_EQ(echo(kKmalloc, "hist:keys=common_pid"), Errno::kOk);
  EXPECT_EQ(cat(kKmalloc), "hist:keys=common_pid:vals=hitcount:sort=hitcount:size=2048 [active]\n");
  EXPECT_EQ(cat("events/kmem/kmalloc/enable"), "0*\n");
}

TEST_F(HistTrigger, ListsModifiersSortAndSize) {
  ASSERT_EQ(echo(kKmalloc,
                 "hist:key=call_site.sym-offset:val=bytes_req.percent,bytes_alloc:"
                 "sort=bytes_req.descending,call_site:size=100 if bytes_req > 8"),
            Errno::kOk);
  EXPECT_EQ(cat(kKmalloc),
            "hist:keys=call_site.sym-offset:vals=hitcount,bytes_req.percent,bytes_alloc:"
            "sort=bytes_req.percent.descending,call_site.sym-offset:size=128 if bytes_req > 8 "
            "[active]\n");
}

TEST_F(HistTrigger, VariablesFoldConstantsLeftToRight) {
  const std::pair<const char*, const char*> cases[] = {
      {"123", "123"},    {"16-8-4-2", "2"}, {"64/8/4/2", "1"}, {"16-8+4+2", "14"},
      {"4*3/2*2", "12"}, {"4+3*2-2", "8"},  {"4+6/2-2", "5"},
  };
  for (auto [expression, value] : cases) {
    ASSERT_EQ(echo(kKmalloc, std::string("hist:keys=common_pid:x=") + expression), Errno::kOk);
    EXPECT_EQ(cat(kKmalloc), std::string("hist:keys=common_pid:vals=hitcount:x=") + value +
                                 ":sort=hitcount:size=2048 [active]\n");
    ASSERT_EQ(echo_append(kKmalloc, std::string("!hist:keys=common_pid:x=") + expression),
              Errno::kOk);
    EXPECT_EQ(cat(kKmallocHist), "");
  }
}

TEST_F(HistTrigger, ExpressionsOfFieldsKeepTheirText) {
  ASSERT_EQ(echo(kKmalloc, "hist:keys=common_pid:waste=bytes_alloc-bytes_req,w2=$waste*2"),
            Errno::kOk);
  EXPECT_EQ(cat(kKmalloc),
            "hist:keys=common_pid:vals=hitcount:waste=bytes_alloc-bytes_req,w2=$waste*2:"
            "sort=hitcount:size=2048 [active]\n");
}

// trigger-hist-syntax-errors.tc and trigger-hist-expressions.tc, caret for caret.
TEST_F(HistTrigger, ParserErrorsGoToTheErrorLogWithLinuxsCaret) {
  expect_error("hist:keys=common_pid:vals=bytes_req:sort=common_pid,^junk",
               "Sort field must be a key or a val");
  expect_error("hist:keys=common_pid:vals=bytes_req:^sort=", "Empty assignment");
  expect_error("hist:keys=common_pid:vals=bytes_req:^sort=common_pid,", "Empty sort field");
  expect_error("hist:keys=common_pid:vals=bytes_req:sort=common_pid.^junk",
               "Invalid sort modifier");
  expect_error(
      "hist:keys=common_pid:vals=bytes_req,bytes_alloc:^sort=common_pid,bytes_req,"
      "bytes_alloc",
      "Too many sort fields (Max = 2)");
  expect_error("hist:keys=common_pid:x=32+^10*3/20-4", "Too many subexpressions (3 max)");
  expect_error("hist:keys=common_pid:x=^1+2+3+4+5", "Too many subexpressions (3 max)");
  expect_error("hist:keys=common_pid:x=-(^1)+2", "Unary minus not supported in sub-expressions");
  expect_error("hist:keys=common_pid:x=3/^0", "Division by zero");
  expect_error("hist:keys=^nosuch", "Couldn't find field");
  expect_error("hist:keys=common_pid.^bogus", "Invalid field modifier");
  expect_error("hist:keys=common_pid:x=$^nosuch", "Couldn't find variable");
  EXPECT_EQ(cat(kKmalloc).substr(0, 21), "# Available triggers:");
}

TEST_F(HistTrigger, ErrorsNameTheEvent) {
  ASSERT_EQ(echo(kKmalloc, "hist:keys=nosuch"), Errno::kInval);
  EXPECT_TRUE(has(cat("error_log"), "hist:kmem:kmalloc: error: Couldn't find field"));
}

TEST_F(HistTrigger, BadCommandsWithoutAMessageAreEinval) {
  for (const char* bad :
       {"hist", "hist:vals=bytes_req", "hist:keys=common_pid:size=100000000", "hist:keys=a,b,c,d",
        "hist:keys=common_pid:vals=bytes_req,ptr,node", "hist:keys=common_pid if"})
    EXPECT_EQ(echo(kKmalloc, bad), Errno::kInval) << bad;
}

TEST_F(HistTrigger, TheSameTriggerTwiceIsEexistAnotherIsAdded) {
  ASSERT_EQ(echo(kKmalloc, "hist:keys=common_pid"), Errno::kOk);
  EXPECT_EQ(echo_append(kKmalloc, "hist:keys=common_pid:size=4096"), Errno::kExist);
  EXPECT_EQ(last_error(), "Hist trigger already exists");
  ASSERT_EQ(echo_append(kKmalloc, "hist:keys=call_site"), Errno::kOk);
  EXPECT_EQ(cat(kKmalloc),
            "hist:keys=common_pid:vals=hitcount:sort=hitcount:size=2048 [active]\n"
            "hist:keys=call_site:vals=hitcount:sort=hitcount:size=2048 [active]\n");
  EXPECT_EQ(echo_append(kKmalloc, "hist:keys=bytes_req:clear"), Errno::kNoEnt);
  EXPECT_EQ(last_error(), "Can't clear or continue a nonexistent hist trigger");
}

TEST_F(HistTrigger, CountsHitsPerKeyAndSumsValues) {
  ASSERT_EQ(echo(kKmalloc, "hist:keys=common_pid:vals=bytes_req"), Errno::kOk);
  kmalloc(0x1000, 10, 16, 7);
  kmalloc(0x1000, 20, 32, 7);
  kmalloc(0x1000, 5, 8, 300);
  EXPECT_EQ(cat(kKmallocHist),
            "# event histogram\n"
            "#\n"
            "# trigger info: hist:keys=common_pid:vals=hitcount,bytes_req:sort=hitcount:size=2048 "
            "[active]\n"
            "#\n"
            "\n"
            "{ common_pid:        300 } hitcount:          1  bytes_req:          5\n"
            "{ common_pid:          7 } hitcount:          2  bytes_req:         30\n"
            "\n"
            "Totals:\n"
            "    Hits: 3\n"
            "    Entries: 2\n"
            "    Dropped: 0\n");
}

TEST_F(HistTrigger, SymKeysPrintTheFunction) {
  ScopedFakeSymbols symbols;
  ASSERT_EQ(echo(kKmalloc, "hist:keys=call_site.sym:vals=bytes_req:sort=bytes_req.descending"),
            Errno::kOk);
  kmalloc(0x1010, 8, 8);
  kmalloc(0x3004, 64, 64);
  std::string hist = cat(kKmallocHist);
  EXPECT_TRUE(has(hist,
                  "{ call_site: [3004] kfree                                         } "
                  "hitcount:          1  bytes_req:         64\n"
                  "{ call_site: [1010] kmalloc                                       } "
                  "hitcount:          1  bytes_req:          8\n"))
      << hist;
}

TEST_F(HistTrigger, ModifiersPrintAsLinuxDoes) {
  ScopedFakeSymbols symbols;
  ASSERT_EQ(echo(kKmalloc,
                 "hist:keys=call_site.sym-offset,bytes_req.log2,bytes_alloc.buckets=100:"
                 "vals=hitcount,ptr.hex"),
            Errno::kOk);
  kmalloc(0x1010, 100, 250);
  std::string hist = cat(kKmallocHist);
  EXPECT_TRUE(has(hist, "{ call_site: [1010] kmalloc+0x10/0x100" + std::string(55 - 18, ' ') +
                            ", bytes_req: ~ 2^7 , bytes_alloc: ~ 200-299 } hitcount:          1"
                            "  ptr:   ffff0000\n"))
      << hist;
}

TEST_F(HistTrigger, PercentOfTheTotal) {
  ASSERT_EQ(echo(kKmalloc, "hist:keys=common_pid:vals=bytes_req.percent:sort=common_pid"),
            Errno::kOk);
  kmalloc(0x1000, 1, 8, 1);
  kmalloc(0x1000, 3, 8, 2);
  std::string hist = cat(kKmallocHist);
  EXPECT_TRUE(has(hist,
                  "{ common_pid:          1 } hitcount:          1  bytes_req (%):  25.00\n"
                  "{ common_pid:          2 } hitcount:          1  bytes_req (%):  75.00\n"))
      << hist;
}

TEST_F(HistTrigger, PauseContinueAndClear) {
  ASSERT_EQ(echo(kKmalloc, "hist:keys=common_pid"), Errno::kOk);
  kmalloc(0x1000, 1, 8);
  ASSERT_EQ(echo_append(kKmalloc, "hist:keys=common_pid:pause"), Errno::kOk);
  EXPECT_EQ(cat(kKmalloc), "hist:keys=common_pid:vals=hitcount:sort=hitcount:size=2048 [paused]\n");
  kmalloc(0x1000, 1, 8);
  EXPECT_TRUE(has(cat(kKmallocHist), "    Hits: 1\n"));
  ASSERT_EQ(echo_append(kKmalloc, "hist:keys=common_pid:cont"), Errno::kOk);
  kmalloc(0x1000, 1, 8);
  EXPECT_TRUE(has(cat(kKmallocHist), "    Hits: 2\n"));
  ASSERT_EQ(echo_append(kKmalloc, "hist:keys=common_pid:clear"), Errno::kOk);
  EXPECT_TRUE(has(cat(kKmallocHist), "    Hits: 0\n    Entries: 0\n"));
  EXPECT_TRUE(has(cat(kKmalloc), "[active]"));
}

TEST_F(HistTrigger, AFullTableCountsDrops) {
  ASSERT_EQ(echo(kKmalloc, "hist:keys=bytes_req:size=128"), Errno::kOk);
  for (u64 i = 0; i < 130; ++i) kmalloc(0x1000, i, 8);
  kmalloc(0x1000, 1, 8);
  std::string hist = cat(kKmallocHist);
  EXPECT_TRUE(has(hist, "    Hits: 129\n    Entries: 128\n    Dropped: 2\n")) << hist;
}

TEST_F(HistTrigger, FilterDecidesWhatIsCounted) {
  ASSERT_EQ(echo(kKmalloc, "hist:keys=common_pid if bytes_req > 10"), Errno::kOk);
  kmalloc(0x1000, 5, 8);
  kmalloc(0x1000, 50, 64);
  EXPECT_TRUE(has(cat(kKmallocHist), "    Hits: 1\n"));
  ASSERT_EQ(echo_append(kKmalloc, "!hist:keys=common_pid if bytes_req > 10"), Errno::kOk);
  EXPECT_EQ(cat(kKmallocHist), "");
  EXPECT_EQ(cat("events/kmem/kmalloc/enable"), "0\n");
}

// trigger-trace-marker-hist.tc
TEST_F(HistTrigger, OnTraceMarker) {
  ASSERT_EQ(echo(kPrint, "hist:keys=common_pid"), Errno::kOk);
  for (int i = 0; i < 10; ++i) ASSERT_EQ(mark("hello"), Errno::kOk);
  EXPECT_TRUE(has(cat(kPrintHist), "{ common_pid:       4242 } hitcount:         10\n"));
  expect_error("hist:keys=^buf", "Couldn't find field", kPrint);
}

TEST_F(HistTrigger, StringKeys) {
  ASSERT_EQ(echo("events/sched/sched_switch/trigger", "hist:keys=prev_comm,next_pid"), Errno::kOk);
  trace::emit_sched_switch(tracing_->top(), writer_context(), "worker", 5, 120, 1, "b", 7, 120);
  std::string hist = cat("events/sched/sched_switch/hist");
  EXPECT_TRUE(has(hist, "{ prev_comm: worker" + std::string(44, ' ') +
                            ", next_pid:          7 } hitcount:          1\n"))
      << hist;
}

TEST_F(HistTrigger, InstancesKeepTheirOwn) {
  ASSERT_EQ(mkdir("foo"), Errno::kOk);
  ASSERT_EQ(echo(std::string("instances/foo/") + kPrint, "hist:keys=common_pid"), Errno::kOk);
  ASSERT_EQ(mark("top"), Errno::kOk);
  ASSERT_EQ(mark("inst", 0, "instances/foo/"), Errno::kOk);
  ASSERT_EQ(mark("inst", 0, "instances/foo/"), Errno::kOk);
  EXPECT_EQ(cat(kPrintHist), "");
  EXPECT_TRUE(has(cat(std::string("instances/foo/") + kPrintHist), "hitcount:          2\n"));
  ASSERT_EQ(rmdir("foo"), Errno::kOk);
}

// Linux's trigger open with O_TRUNC unregisters the hist triggers (and only those).
TEST_F(HistTrigger, TruncatingWriteReplacesTheHistTriggers) {
  ASSERT_EQ(echo(kKmalloc, "hist:keys=common_pid"), Errno::kOk);
  ASSERT_EQ(echo_append(kKmalloc, "traceoff"), Errno::kOk);
  ASSERT_EQ(echo(kKmalloc, "hist:keys=call_site"), Errno::kOk);
  EXPECT_EQ(cat(kKmalloc),
            "traceoff:unlimited\n"
            "hist:keys=call_site:vals=hitcount:sort=hitcount:size=2048 [active]\n");
  ASSERT_EQ(echo(kKmalloc, "!traceoff"), Errno::kOk);
  EXPECT_EQ(cat("events/kmem/kmalloc/enable"), "0\n");
}

// trigger-multihist.tc's last part: same-named triggers on two events share one table.
TEST_F(HistTrigger, SameNameSharesOneTableAcrossEvents) {
  const char* kKfree = "events/kmem/kfree/trigger";
  ASSERT_EQ(echo(kKmalloc, "hist:name=test_hist:keys=common_pid"), Errno::kOk);
  ASSERT_EQ(echo(kKfree, "hist:name=test_hist:keys=common_pid"), Errno::kOk);
  EXPECT_EQ(cat(kKfree),
            "hist:name=test_hist:keys=common_pid:vals=hitcount:sort=hitcount:size=2048 [active]\n");
  kmalloc(0x1000, 8, 8);
  trace::emit_kfree(tracing_->top(), writer_context(), 0x3000, 0xffff0000);
  EXPECT_TRUE(has(cat(kKmallocHist), "hitcount:          2\n"));
  EXPECT_EQ(cat(kKmallocHist), cat("events/kmem/kfree/hist"));
  expect_error("hist:^name=test_hist:keys=call_site",
               "Named hist trigger doesn't match existing named trigger (includes variables)",
               "events/kmem/kmem_cache_alloc/trigger");
  // Pausing is the trigger's own; the table lives until its last trigger goes.
  ASSERT_EQ(echo_append(kKfree, "hist:name=test_hist:keys=common_pid:pause"), Errno::kOk);
  EXPECT_TRUE(has(cat(kKmalloc), "[active]"));
  ASSERT_EQ(echo_append(kKmalloc, "!hist:name=test_hist:keys=common_pid"), Errno::kOk);
  EXPECT_TRUE(has(cat("events/kmem/kfree/hist"), "hitcount:          2\n"));
  ASSERT_EQ(echo_append(kKfree, "!hist:name=test_hist:keys=common_pid"), Errno::kOk);
  EXPECT_EQ(cat("events/kmem/kfree/hist"), "");
}

TEST_F(HistTrigger, TimestampsAndCpuKeys) {
  ASSERT_EQ(echo(kKmalloc, "hist:keys=common_cpu:ts=common_timestamp.usecs"), Errno::kOk);
  EXPECT_EQ(cat(kKmalloc),
            "hist:keys=common_cpu:vals=hitcount:ts=common_timestamp.usecs:sort=hitcount:"
            "size=2048:clock=global [active]\n");
  g_writer_cpu = 1;
  kmalloc(0x1000, 8, 8);
  EXPECT_TRUE(has(cat(kKmallocHist), "{ common_cpu:          1 } hitcount:          1\n"));
  expect_error("^hist:keys=common_pid:x=common_timestamp.usecs-common_timestamp",
               "Timestamp units in expression don't match");
}

// keys=common_stacktrace (and the older "stacktrace"): one entry per call chain, printed a frame
// a line as Linux's hist_trigger_stacktrace_print, the key closed without a space.
TEST_F(HistTrigger, StacktraceKeyCountsPerCallChain) {
  Platform without_walk = platform();
  Platform with_stack = platform();
  with_stack.walk_stack = walk_two_fake_frames;
  install_platform(with_stack);
  ASSERT_EQ(echo(kKmalloc, "hist:keys=stacktrace:vals=bytes_req"), Errno::kOk);
  kmalloc(0x1000, 32, 32);
  kmalloc(0x1000, 64, 64);
  EXPECT_EQ(cat(kKmalloc),
            "hist:keys=common_stacktrace:vals=hitcount,bytes_req:sort=hitcount:size=2048 "
            "[active]\n");
  std::string hist = cat(kKmallocHist);
  EXPECT_TRUE(has(hist,
                  "\n{ common_stacktrace:\n"
                  "         vfs_write+0x10/0x100\n"
                  "         do_softirq+0x10/0x100\n"
                  "} hitcount:          2  bytes_req:         96\n"))
      << hist;
  // Without a stack walk the chain is empty, and still one entry.
  install_platform(without_walk);
  ASSERT_EQ(echo(kKmalloc, "!hist:keys=stacktrace:vals=bytes_req"), Errno::kOk);
  ASSERT_EQ(echo(kKmalloc, "hist:keys=common_stacktrace"), Errno::kOk);
  kmalloc(0x1000, 32, 32);
  EXPECT_TRUE(has(cat(kKmallocHist), "\n{ common_stacktrace:\n} hitcount:          1\n"));
}
