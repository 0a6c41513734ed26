#include "TraceFixture.h"
#include "trace/Events.h"
#include "trace/FunctionTracer.h"
#include "trace/TraceMarker.h"

namespace tg::trace::test {
namespace {

constexpr const char* kNopHeader =
    "# tracer: nop\n"
    "#\n"
    "# entries-in-buffer/entries-written: 1/1   #P:2\n"
    "#\n"
    "#                                _-----=> irqs-off/BH-disabled\n"
    "#                               / _----=> need-resched\n"
    "#                              | / _---=> hardirq/softirq\n"
    "#                              || / _--=> preempt-depth\n"
    "#                              ||| / _-=> migrate-disable\n"
    "#                              |||| /     delay\n"
    "#           TASK-PID     CPU#  |||||  TIMESTAMP  FUNCTION\n"
    "#              | |         |   |||||     |         |\n";

class DefaultOutput : public TraceFixture {
 protected:
  // The marker of capture 18: pid 6600 on CPU 1 at 5142.834746.
  void write_hello() {
    tg::test::set_clock(5142834746077ull);
    ASSERT_TRUE(write_marker(instance(), context(1, 6600, 0, 1), "hello\n").ok());
  }
};

TEST_F(DefaultOutput, EmptyNopHeader) {
  std::string expected = kNopHeader;
  expected.replace(expected.find("1/1"), 3, "0/0");
  EXPECT_EQ(trace(), expected);
}

TEST_F(DefaultOutput, MarkerLine) {
  tg::test::set_clock(5088192237000ull);
  ASSERT_TRUE(write_marker(instance(), context(0, 6113, 0, 1), "hello world\n").ok());
  EXPECT_EQ(lines(),
            "           <...>-6113    [000] ...1.  5088.192237: tracing_mark_write: hello world\n");
}

TEST_F(DefaultOutput, MarkerWithoutNewlineGetsOne) {
  ASSERT_TRUE(write_marker(instance(), context(0, 1, 0, 1), "no newline").ok());
  EXPECT_EQ(lines().substr(lines().find("tracing")), "tracing_mark_write: no newline\n");
}

TEST_F(DefaultOutput, MarkerWithInnerNewlineIsOneEntry) {
  ASSERT_TRUE(write_marker(instance(), context(0, 1, 0, 1), "two\nlines\n").ok());
  EXPECT_EQ(instance().buffer().entries(), 1u);
  EXPECT_EQ(lines().substr(lines().find("tracing")), "tracing_mark_write: two\nlines\n");
}

TEST_F(DefaultOutput, EmptyMarkerWriteIsAnEntry) {
  auto written = write_marker(instance(), context(0, 1, 0, 1), "");
  ASSERT_TRUE(written.ok());
  EXPECT_EQ(written.value(), 0u);
  EXPECT_EQ(lines().substr(lines().find("tracing")), "tracing_mark_write: \n");
}

TEST_F(DefaultOutput, LongMarkerIsShortWrite) {
  std::string big(5000, 'Y');
  auto written = write_marker(instance(), context(0, 1), StringView(big.data(), big.size()));
  ASSERT_TRUE(written.ok());
  EXPECT_EQ(written.value(), max_marker_bytes(ring::kPageDataSize));
  EXPECT_EQ(written.value(), 4054u);
}

TEST_F(DefaultOutput, MarkerWhileTracingOffIsEbadf) {
  instance().set_tracing_on(false);
  EXPECT_EQ(write_marker(instance(), context(0, 1), "x").error(), Errno::kBadF);
}

TEST_F(DefaultOutput, MarkerWithMarkersOptionOffIsEinval) {
  instance().set_option(TraceOption::kMarkers, false);
  EXPECT_EQ(write_marker(instance(), context(0, 1), "x").error(), Errno::kInval);
}

TEST_F(DefaultOutput, HeaderAndMarkerAsLinux) {
  write_hello();
  EXPECT_EQ(trace(), std::string(kNopHeader) +
                         "           <...>-6600    [001] ...1.  5142.834746: tracing_mark_write: "
                         "hello\n");
}

TEST_F(DefaultOutput, IrqInfoOff) {
  write_hello();
  instance().set_option(TraceOption::kIrqInfo, false);
  EXPECT_EQ(trace(),
            "# tracer: nop\n#\n# entries-in-buffer/entries-written: 1/1   #P:2\n#\n"
            "#           TASK-PID     CPU#     TIMESTAMP  FUNCTION\n"
            "#              | |         |         |         |\n"
            "           <...>-6600    [001]   5142.834746: tracing_mark_write: hello\n");
}

TEST_F(DefaultOutput, RecordTgid) {
  write_hello();
  instance().set_option(TraceOption::kRecordTgid, true);
  EXPECT_EQ(trace(),
            "# tracer: nop\n#\n# entries-in-buffer/entries-written: 1/1   #P:2\n#\n"
            "#                                          _-----=> irqs-off/BH-disabled\n"
            "#                                         / _----=> need-resched\n"
            "#                                        | / _---=> hardirq/softirq\n"
            "#                                        || / _--=> preempt-depth\n"
            "#                                        ||| / _-=> migrate-disable\n"
            "#                                        |||| /     delay\n"
            "#           TASK-PID       TGID    CPU#  |||||  TIMESTAMP  FUNCTION\n"
            "#              | |           |       |   |||||     |         |\n"
            "           <...>-6600    (-------) [001] ...1.  5142.834746: tracing_mark_write: "
            "hello\n");
}

TEST_F(DefaultOutput, RecordTgidWithoutIrqInfo) {
  write_hello();
  instance().set_option(TraceOption::kRecordTgid, true);
  instance().set_option(TraceOption::kIrqInfo, false);
  EXPECT_EQ(trace(),
            "# tracer: nop\n#\n# entries-in-buffer/entries-written: 1/1   #P:2\n#\n"
            "#           TASK-PID       TGID    CPU#     TIMESTAMP  FUNCTION\n"
            "#              | |           |       |         |         |\n"
            "           <...>-6600    (-------) [001]   5142.834746: tracing_mark_write: hello\n");
}

TEST_F(DefaultOutput, RecordTgidPrintsTheSavedTgid) {
  instance().set_option(TraceOption::kRecordTgid, true);
  instance().set_option(TraceOption::kIrqInfo, false);
  save_tgid(6600, 6600);
  write_hello();
  EXPECT_EQ(lines(),
            "           <...>-6600    (   6600) [001]   5142.834746: tracing_mark_write: hello\n");
}

TEST_F(DefaultOutput, RecordTgidOfTheIdleTaskIsUnknown) {
  instance().set_option(TraceOption::kRecordTgid, true);
  save_tgid(0, 0);
  ASSERT_TRUE(write_marker(instance(), context(0, 0, 0, 1), "x").ok());
  EXPECT_EQ(lines().substr(0, 35), "          <idle>-0       (-------) ");
}

TEST_F(DefaultOutput, TgidSavedBeforeRecordTgidWasSetIsUnknown) {
  save_tgid(6600, 6600);
  instance().set_option(TraceOption::kRecordTgid, true);
  instance().set_option(TraceOption::kIrqInfo, false);
  write_hello();
  EXPECT_NE(lines().find("(-------) [001]"), std::string::npos);
}

TEST_F(DefaultOutput, ContextInfoOff) {
  write_hello();
  instance().set_option(TraceOption::kContextInfo, false);
  EXPECT_EQ(trace(), "# tracer: nop\n#\ntracing_mark_write: hello\n");
}

TEST_F(DefaultOutput, VerboseDropsTheHelpHeader) {
  write_hello();
  instance().set_option(TraceOption::kVerbose, true);
  EXPECT_EQ(trace(),
            "# tracer: nop\n#\n"
            "           <...>-6600    [001] ...1.  5142.834746: tracing_mark_write: hello\n");
}

TEST_F(DefaultOutput, RawMarker) {
  write_hello();
  instance().set_option(TraceOption::kRaw, true);
  std::string line = lines();
  EXPECT_EQ(line.substr(0, 22), "6600 1 5142834746077 #");
  EXPECT_EQ(line.substr(line.size() - 7), " hello\n");
}

TEST_F(DefaultOutput, HexMarker) {
  write_hello();
  instance().set_option(TraceOption::kHex, true);
  EXPECT_EQ(lines(), "000019c8 00000001 000004ad68d692dd type: 5\n\n");
}

TEST_F(DefaultOutput, SymAddrMarker) {
  write_hello();
  instance().set_option(TraceOption::kSymAddr, true);
  std::string line = lines();
  EXPECT_NE(line.find("tracing_mark_write <"), std::string::npos);
  EXPECT_NE(line.find(">: hello\n"), std::string::npos);
}

TEST_F(DefaultOutput, CounterClockPrintsRawTimestamp) {
  ASSERT_TRUE(instance().set_clock(TraceClock::kCounter).ok());
  tg::test::set_clock(3);
  ASSERT_TRUE(write_marker(instance(), context(0, 9896, 0, 1), "x").ok());
  EXPECT_EQ(lines(), "           <...>-9896    [000] ...1.            3: tracing_mark_write: x\n");
}

TEST_F(DefaultOutput, IdlePidPrintsIdle) {
  ASSERT_TRUE(write_marker(instance(), context(0, 0, 0, 1), "x").ok());
  EXPECT_EQ(lines().substr(0, 25), "          <idle>-0       ");
}

TEST_F(DefaultOutput, SavedCommIsPrinted) {
  save_comm(21, "migration/1");
  ASSERT_TRUE(write_marker(instance(), context(0, 21, 0, 1), "x").ok());
  EXPECT_EQ(lines().substr(0, 26), "     migration/1-21      [");
}

TEST_F(DefaultOutput, SchedSwitchLine) {
  instance().set_event_enabled(kEventSchedSwitch, true);
  tg::test::set_clock(5139031277000ull);
  ASSERT_TRUE(emit_sched_switch(instance(), context(0, 6578, ring::kFlagIrqsOff, 2), "bash", 6578,
                                120, 2, "swapper/0", 0, 120));
  EXPECT_EQ(lines(),
            "           <...>-6578    [000] d..2.  5139.031277: sched_switch: prev_comm=bash "
            "prev_pid=6578 prev_prio=120 prev_state=D ==> next_comm=swapper/0 next_pid=0 "
            "next_prio=120\n");
}

TEST_F(DefaultOutput, SchedSwitchPreemptedRunningState) {
  instance().set_event_enabled(kEventSchedSwitch, true);
  ASSERT_TRUE(emit_sched_switch(instance(), context(1, 6579, ring::kFlagIrqsOff, 2), "bash", 6579,
                                120, 0x100, "migration/1", 21, 0));
  EXPECT_NE(lines().find("prev_state=R+ ==> next_comm=migration/1 next_pid=21 next_prio=0\n"),
            std::string::npos);
}

TEST_F(DefaultOutput, DisabledEventIsNotRecorded) {
  EXPECT_FALSE(emit_sched_switch(instance(), context(0, 1), "a", 1, 120, 0, "b", 2, 120));
  EXPECT_EQ(instance().buffer().entries(), 0u);
}

TEST_F(DefaultOutput, IrqHandlerEntryPrintsName) {
  instance().set_event_enabled(kEventIrqHandlerEntry, true);
  ASSERT_TRUE(
      emit_irq_handler_entry(instance(), context(0, 0, ring::kFlagHardIrq, 0), 32, "lapic_timer"));
  EXPECT_NE(lines().find("irq_handler_entry: irq=32 name=lapic_timer\n"), std::string::npos);
}

TEST_F(DefaultOutput, SchedProcessExitPrintsCommPidPrio) {
  instance().set_event_enabled(kEventSchedProcessExit, true);
  ASSERT_TRUE(emit_sched_process_exit(instance(), context(0, 42, 0, 0), "worker/3", 42, 120));
  EXPECT_NE(lines().find("sched_process_exit: comm=worker/3 pid=42 prio=120\n"), std::string::npos);
}

TEST_F(DefaultOutput, KmemCacheAllocPrintsAsLinux) {
  instance().set_event_enabled(kEventKmemCacheAlloc, true);
  ASSERT_TRUE(emit_kmem_cache_alloc(instance(), context(0, 7, 0, 0), address_of("g") + 0x10,
                                    0xffff888001234560ull, 24, 32, 0, 0, false));
  EXPECT_NE(lines().find("kmem_cache_alloc: call_site=g+0x10/0x100 ptr=ffff888001234560 "
                         "bytes_req=24 bytes_alloc=32 gfp_flags=none node=0 accounted=false\n"),
            std::string::npos)
      << lines();
}

TEST_F(DefaultOutput, KmemCacheAllocNamesGfpFlagsAsLinux) {
  instance().set_event_enabled(kEventKmemCacheAlloc, true);
  // GFP_KERNEL | __GFP_ZERO, and GFP_ATOMIC | __GFP_NOWARN with a bit Linux has no name for.
  ASSERT_TRUE(emit_kmem_cache_alloc(instance(), context(0, 7, 0, 0), 0, 0, 8, 16, 0xdc0, 0, true));
  ASSERT_TRUE(emit_kmem_cache_alloc(instance(), context(0, 7, 0, 0), 0, 0, 8, 16,
                                    0x820 | 0x2000 | 0x200, 0, false));
  std::string text = lines();
  EXPECT_NE(text.find("gfp_flags=GFP_KERNEL|__GFP_ZERO node=0 accounted=true\n"), std::string::npos)
      << text;
  EXPECT_NE(text.find("gfp_flags=GFP_ATOMIC|__GFP_NOWARN|0x200 node=0"), std::string::npos) << text;
}

TEST_F(DefaultOutput, KmemCacheFreePrintsCacheName) {
  instance().set_event_enabled(kEventKmemCacheFree, true);
  ASSERT_TRUE(emit_kmem_cache_free(instance(), context(0, 7, 0, 0), address_of("f"),
                                   0xffff888001234560ull, "workload_alloc"));
  EXPECT_NE(lines().find("kmem_cache_free: call_site=f+0x0/0x100 ptr=ffff888001234560 "
                         "name=workload_alloc\n"),
            std::string::npos)
      << lines();
}

TEST_F(DefaultOutput, FunctionLineWithParent) {
  ASSERT_TRUE(instance().set_tracer("function").ok());
  tg::test::set_clock(5088192237000ull);
  ASSERT_TRUE(FunctionTracer::record(instance(), context(0, 6113, 0, 1), address_of("mutex_unlock"),
                                     address_of("rb_simple_write") + 0x10));
  EXPECT_EQ(lines(),
            "           <...>-6113    [000] ...1.  5088.192237: mutex_unlock <-rb_simple_write\n");
}

TEST_F(DefaultOutput, FunctionNoPrintParent) {
  ASSERT_TRUE(instance().set_tracer("function").ok());
  ASSERT_TRUE(FunctionTracer::record(instance(), context(0, 1), address_of("mutex_unlock"),
                                     address_of("rb_simple_write")));
  instance().set_option(TraceOption::kPrintParent, false);
  std::string line = lines();
  EXPECT_EQ(line.substr(line.find(": ") + 2), "mutex_unlock\n");
}

TEST_F(DefaultOutput, FunctionSymOffset) {
  ASSERT_TRUE(instance().set_tracer("function").ok());
  ASSERT_TRUE(FunctionTracer::record(instance(), context(0, 1), address_of("mutex_unlock") + 4,
                                     address_of("rb_simple_write") + 0x10));
  instance().set_option(TraceOption::kSymOffset, true);
  std::string line = lines();
  EXPECT_EQ(line.substr(line.find(": ") + 2),
            "mutex_unlock+0x4/0x80 <-rb_simple_write+0x10/0x80\n");
}

TEST_F(DefaultOutput, FunctionHeaderNamesTracer) {
  ASSERT_TRUE(instance().set_tracer("function").ok());
  EXPECT_EQ(trace().substr(0, 20), "# tracer: function\n#");
}

TEST_F(DefaultOutput, PipeReaderConsumes) {
  ASSERT_TRUE(write_marker(instance(), context(0, 1), "x").ok());
  auto state = OutputState::create(instance(), true);
  ASSERT_TRUE(state.ok());
  String text;
  TextWriter out(text);
  EXPECT_TRUE(state.value()->print_next(out));
  EXPECT_FALSE(state.value()->print_next(out));
  EXPECT_EQ(instance().buffer().entries(), 0u);
}

}  // namespace
}  // namespace tg::trace::test
