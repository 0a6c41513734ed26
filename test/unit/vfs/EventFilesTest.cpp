// set_event, available_events and events/: enable, filter, format, id, system files.
#include "TracefsFixture.h"
#include "trace/Events.h"

using namespace tg;
using namespace tg::test;

namespace {
class SetEvent : public TracefsTest {};
class AvailableEvents : public TracefsTest {};
class EventEnable : public TracefsTest {};
class EventFilterFile : public TracefsTest {};
class SystemFilter : public TracefsTest {};
class EventFormat : public TracefsTest {};
class ErrorLogFile : public TracefsTest {};

constexpr const char* kSwitch = "events/sched/sched_switch/";
constexpr const char* kSystemHelp =
    "### global filter ###\n"
    "# Use this to set filters for multiple events.\n"
    "# Only events with the given fields will be affected.\n"
    "# If no events are modified, an error message will be displayed here\n";
}  // namespace

TEST_F(SetEvent, EmptyByDefault) {
  EXPECT_EQ(cat("set_event"), "");
}

TEST_F(SetEvent, SystemColonEventEnablesOne) {
  EXPECT_EQ(echo("set_event", "sched:sched_switch"), Errno::kOk);
  EXPECT_EQ(cat("set_event"), "sched:sched_switch\n");
  EXPECT_EQ(cat(std::string(kSwitch) + "enable"), "1\n");
}

TEST_F(SetEvent, UnknownIsEinval) {
  EXPECT_EQ(echo("set_event", "nonexistent_event"), Errno::kInval);
  EXPECT_EQ(echo("set_event", "foo:bar"), Errno::kInval);
}

TEST_F(SetEvent, TruncateDisablesAllFirst) {
  ASSERT_EQ(echo("set_event", "sched:sched_switch"), Errno::kOk);
  ASSERT_EQ(echo("set_event", "sched:sched_wakeup"), Errno::kOk);
  EXPECT_EQ(cat("set_event"), "sched:sched_wakeup\n");
}

TEST_F(SetEvent, AppendAddsInCatalogOrder) {
  ASSERT_EQ(echo("set_event", "sched:sched_switch"), Errno::kOk);
  ASSERT_EQ(echo_append("set_event", "sched:sched_wakeup"), Errno::kOk);
  EXPECT_EQ(cat("set_event"), "sched:sched_wakeup\nsched:sched_switch\n");
  EXPECT_EQ(cat("events/sched/enable"), "X\n");
  EXPECT_EQ(cat("events/enable"), "X\n");
}

TEST_F(SetEvent, BangDisables) {
  ASSERT_EQ(echo("set_event", "sched:*"), Errno::kOk);
  ASSERT_EQ(echo_append("set_event", "!sched:sched_switch"), Errno::kOk);
  EXPECT_EQ(cat("set_event").find("sched_switch"), std::string::npos);
  EXPECT_NE(cat("set_event").find("sched:sched_wakeup\n"), std::string::npos);
}

TEST_F(SetEvent, SystemStarAndSystemColonAndBareSystemEnableTheSystem) {
  for (const char* word : {"sched:*", "sched:", "sched"}) {
    ASSERT_EQ(echo("set_event", word), Errno::kOk) << word;
    EXPECT_EQ(cat("events/sched/enable"), "1\n") << word;
    EXPECT_EQ(cat("events/irq/enable"), "0\n") << word;
  }
}

TEST_F(SetEvent, BareEventNameEnablesThatEvent) {
  ASSERT_EQ(echo("set_event", "sched_switch"), Errno::kOk);
  EXPECT_EQ(cat("set_event"), "sched:sched_switch\n");
}

TEST_F(SetEvent, StarColonEventAndColonEventMatchAnySystem) {
  ASSERT_EQ(echo("set_event", "*:sched_switch"), Errno::kOk);
  EXPECT_EQ(cat("set_event"), "sched:sched_switch\n");
  ASSERT_EQ(echo("set_event", ":sched_wakeup"), Errno::kOk);
  EXPECT_EQ(cat("set_event"), "sched:sched_wakeup\n");
}

TEST_F(SetEvent, StarColonPrefixIsEinval) {
  EXPECT_EQ(echo("set_event", "*:sched_sw*"), Errno::kInval);
  EXPECT_EQ(cat("set_event"), "");
}

TEST_F(SetEvent, TwoWordsInOneEchoEnableBoth) {
  ASSERT_EQ(echo("set_event", "sched:sched_switch sched:sched_wakeup"), Errno::kOk);
  EXPECT_EQ(cat("set_event"), "sched:sched_wakeup\nsched:sched_switch\n");
}

TEST_F(SetEvent, BangUnknownIsEinval) {
  EXPECT_EQ(echo_append("set_event", "!nonexistent"), Errno::kInval);
}

TEST_F(SetEvent, EchoNothingDisablesEverything) {
  ASSERT_EQ(echo("set_event", "sched"), Errno::kOk);
  ASSERT_EQ(echo("set_event", ""), Errno::kOk);
  EXPECT_EQ(cat("set_event"), "");
}

TEST_F(SetEvent, InstancesHaveTheirOwn) {
  ASSERT_EQ(mkdir("foo"), Errno::kOk);
  ASSERT_EQ(echo("instances/foo/set_event", "sched_switch"), Errno::kOk);
  EXPECT_EQ(cat("set_event"), "");
  EXPECT_EQ(cat("instances/foo/set_event"), "sched:sched_switch\n");
}

TEST_F(AvailableEvents, ListsSystemColonEventWithoutFtraceInternals) {
  std::string text = cat("available_events");
  EXPECT_NE(text.find("sched:sched_switch\n"), std::string::npos);
  EXPECT_EQ(text.find("ftrace:"), std::string::npos);
}

TEST_F(EventEnable, ReadsZeroByDefault) {
  EXPECT_EQ(cat(std::string(kSwitch) + "enable"), "0\n");
  EXPECT_EQ(cat("events/enable"), "0\n");
}

TEST_F(EventEnable, OnlyZeroOrOneAreWritable) {
  std::string enable = std::string(kSwitch) + "enable";
  for (const char* bad : {"2", "abc", "-1", " 1", ""}) {
    EXPECT_EQ(echo(enable, bad), Errno::kInval) << bad;
    EXPECT_EQ(cat(enable), "0\n") << bad;
  }
}

TEST_F(EventEnable, OneEventMakesSystemAndAllReadX) {
  ASSERT_EQ(echo(std::string(kSwitch) + "enable", "1"), Errno::kOk);
  EXPECT_EQ(cat("events/sched/enable"), "X\n");
  EXPECT_EQ(cat("events/enable"), "X\n");
}

TEST_F(EventEnable, SystemEnableRejectsTwoAndX) {
  EXPECT_EQ(echo("events/sched/enable", "2"), Errno::kInval);
  EXPECT_EQ(echo("events/sched/enable", "X"), Errno::kInval);
}

TEST_F(EventEnable, SystemEnableSwitchesEveryEvent) {
  ASSERT_EQ(echo("events/sched/enable", "1"), Errno::kOk);
  EXPECT_EQ(cat("events/sched/enable"), "1\n");
  EXPECT_EQ(cat(std::string(kSwitch) + "enable"), "1\n");
  ASSERT_EQ(echo("events/enable", "0"), Errno::kOk);
  EXPECT_EQ(cat("set_event"), "");
}

TEST_F(EventFilterFile, ReadsNoneByDefault) {
  EXPECT_EQ(cat(std::string(kSwitch) + "filter"), "none\n");
}

TEST_F(EventFilterFile, ValidFilterReadsBack) {
  ASSERT_EQ(echo(std::string(kSwitch) + "filter", "prev_pid == 0"), Errno::kOk);
  EXPECT_EQ(cat(std::string(kSwitch) + "filter"), "prev_pid == 0\n");
}

TEST_F(EventFilterFile, UnknownFieldIsEinvalWithParseError) {
  std::string filter = std::string(kSwitch) + "filter";
  EXPECT_EQ(echo(filter, "bogus_field == 1"), Errno::kInval);
  EXPECT_EQ(cat(filter),
            "bogus_field == 1\n"
            "            ^\n"
            "parse_error: Field not found\n\n");
}

TEST_F(EventFilterFile, WordForNumberIsEinvalWithQuotesHint) {
  std::string filter = std::string(kSwitch) + "filter";
  EXPECT_EQ(echo(filter, "common_pid == abc"), Errno::kInval);
  EXPECT_EQ(cat(filter),
            "common_pid == abc\n"
            "               ^\n"
            "parse_error: Invalid value (did you forget quotes)?\n\n");
}

TEST_F(EventFilterFile, ZeroClears) {
  std::string filter = std::string(kSwitch) + "filter";
  ASSERT_EQ(echo(filter, "prev_pid == 0"), Errno::kOk);
  ASSERT_EQ(echo(filter, "0"), Errno::kOk);
  EXPECT_EQ(cat(filter), "none\n");
}

TEST_F(EventFilterFile, FilterDecidesWhatIsRecorded) {
  ASSERT_EQ(echo(std::string(kSwitch) + "filter", "next_pid == 7"), Errno::kOk);
  auto& events = tracing_->top().events();
  usize index = 0;
  auto all = trace::all_events();
  while (!(all[index].name == StringView("sched_switch"))) ++index;
  u8 payload[64] = {};
  i32 seven = 7;
  memcpy(payload + 56, &seven, 4);
  EXPECT_TRUE(events.matches(index, payload, sizeof payload));
  payload[56] = 8;
  EXPECT_FALSE(events.matches(index, payload, sizeof payload));
}

TEST_F(SystemFilter, ReadsTheGlobalFilterHelp) {
  EXPECT_EQ(cat("events/sched/filter"), kSystemHelp);
}

TEST_F(SystemFilter, AppliesToEveryEventOfTheSystem) {
  ASSERT_EQ(echo("events/sched/filter", "common_pid > 10"), Errno::kOk);
  EXPECT_EQ(cat("events/sched/filter"), kSystemHelp);
  EXPECT_EQ(cat(std::string(kSwitch) + "filter"), "common_pid > 10\n");
  EXPECT_EQ(cat("events/sched/sched_wakeup/filter"), "common_pid > 10\n");
}

TEST_F(SystemFilter, FieldMissingEverywhereSucceedsAndChangesNothing) {
  EXPECT_EQ(echo("events/irq/filter", "prev_pid == 0"), Errno::kOk);
  EXPECT_EQ(cat("events/irq/irq_handler_entry/filter"), "none\n");
}

TEST_F(SystemFilter, ZeroClearsEveryEvent) {
  ASSERT_EQ(echo("events/sched/filter", "common_pid > 10"), Errno::kOk);
  ASSERT_EQ(echo("events/sched/filter", "0"), Errno::kOk);
  EXPECT_EQ(cat(std::string(kSwitch) + "filter"), "none\n");
}

TEST_F(EventFormat, IdReadsTheEventId) {
  EXPECT_EQ(cat(std::string(kSwitch) + "id"), "372\n");
}

TEST_F(EventFormat, FormatStartsWithNameAndId) {
  std::string text = cat(std::string(kSwitch) + "format");
  EXPECT_EQ(text.rfind("name: sched_switch\nID: 372\nformat:\n", 0), 0u);
  EXPECT_NE(text.find("\tfield:int common_pid;\toffset:4;\tsize:4;\tsigned:1;\n\n"),
            std::string::npos);
}

TEST_F(EventFormat, FtraceInternalsHaveOnlyFormatAndId) {
  EXPECT_EQ(ls("events/ftrace/function"), (std::vector<std::string>{"format", "id"}));
  // trace_marker's event takes triggers (hist ones too), as in Linux.
  auto names = ls("events/ftrace/print");
  EXPECT_EQ(names, (std::vector<std::string>{"format", "hist", "id", "trigger"}));
  EXPECT_EQ(cat("events/ftrace/print/id"), "5\n");
}

TEST_F(EventFormat, EventDirectoriesHoldEnableFilterFormatHistIdTrigger) {
  EXPECT_EQ(ls("events/sched/sched_switch"),
            (std::vector<std::string>{"enable", "filter", "format", "hist", "id", "trigger"}));
  EXPECT_EQ(mode_of("events/sched/sched_switch/format"), vfs::kModeRegular | 0440);
  EXPECT_EQ(mode_of("events/sched"), vfs::kModeDirectory | 0755);
}

TEST_F(ErrorLogFile, EmptyByDefault) {
  EXPECT_EQ(cat("error_log"), "");
}

TEST_F(ErrorLogFile, FilterErrorsAreLoggedWithCommandAndCaret) {
  test::set_clock(5128986046000ull);
  ASSERT_EQ(echo(std::string(kSwitch) + "filter", "bogus_field == 1"), Errno::kInval);
  EXPECT_EQ(cat("error_log"),
            "[ 5128.986046] event filter parse error: error: Field not found\n"
            "  Command: bogus_field == 1\n"
            "                       ^\n");
}

TEST_F(ErrorLogFile, EchoNothingClears) {
  ASSERT_EQ(echo(std::string(kSwitch) + "filter", "bogus_field == 1"), Errno::kInval);
  EXPECT_EQ(echo("error_log", ""), Errno::kOk);
  EXPECT_EQ(cat("error_log"), "");
}

TEST_F(ErrorLogFile, AppendingIsAcceptedAndIgnored) {
  EXPECT_EQ(echo_append("error_log", "x"), Errno::kOk);
}

TEST_F(ErrorLogFile, KeepsEightEntries) {
  for (int i = 0; i < 10; ++i)
    ASSERT_EQ(echo(std::string(kSwitch) + "filter", "bogus_field == 1"), Errno::kInval);
  std::string text = cat("error_log");
  usize count = 0;
  for (usize at = text.find("Command:"); at != std::string::npos;
       at = text.find("Command:", at + 1))
    ++count;
  EXPECT_EQ(count, 8u);
}

TEST_F(EventFilterFile, EmittersCheckByEventId) {
  ASSERT_EQ(echo(std::string(kSwitch) + "filter", "next_pid == 7"), Errno::kOk);
  u8 payload[64] = {};
  EXPECT_FALSE(tracing_->top().event_passes(372, payload, sizeof payload));
  EXPECT_TRUE(tracing_->top().event_passes(370, payload, sizeof payload));
  payload[56] = 7;
  EXPECT_TRUE(tracing_->top().event_passes(372, payload, sizeof payload));
}

// The filter decides what reaches the buffer: a rejected event is never recorded.
class EventFilterRecording : public TracefsTest {
 protected:
  void SetUp() override {
    TracefsTest::SetUp();
    trace::install_tracing(tracing_.get());
  }
  void TearDown() override { trace::install_tracing(nullptr); }

  void emit_switch(i32 prev_pid) {
    trace::emit_sched_switch(tracing_->top(), writer_context(), "a", prev_pid, 120, 1, "b", 7, 120);
  }
};

TEST_F(EventFilterRecording, OnlyMatchingEventsAreRecorded) {
  ASSERT_EQ(echo(std::string(kSwitch) + "filter", "prev_pid == 5"), Errno::kOk);
  ASSERT_EQ(echo(std::string(kSwitch) + "enable", "1"), Errno::kOk);
  emit_switch(5);
  emit_switch(6);
  std::string trace = cat("trace");
  EXPECT_NE(trace.find("prev_pid=5 "), std::string::npos) << trace;
  EXPECT_EQ(trace.find("prev_pid=6 "), std::string::npos) << trace;
}

TEST_F(EventFilterRecording, ClearingTheFilterRecordsEverythingAgain) {
  ASSERT_EQ(echo(std::string(kSwitch) + "filter", "prev_pid == 5"), Errno::kOk);
  ASSERT_EQ(echo(std::string(kSwitch) + "filter", "0"), Errno::kOk);
  ASSERT_EQ(echo(std::string(kSwitch) + "enable", "1"), Errno::kOk);
  emit_switch(6);
  EXPECT_NE(cat("trace").find("prev_pid=6 "), std::string::npos);
}

TEST_F(AvailableEvents, ListsProcessAndObjectCacheEvents) {
  std::string text = cat("available_events");
  for (const char* name :
       {"sched:sched_process_fork\n", "sched:sched_process_exit\n", "sched:sched_process_free\n",
        "kmem:kmem_cache_alloc\n", "kmem:kmem_cache_free\n"})
    EXPECT_NE(text.find(name), std::string::npos) << name;
  EXPECT_EQ(text.find("sched:sched_process_exec\n"), std::string::npos);
}

TEST_F(EventFilterRecording, ForkFilterOnChildPid) {
  const std::string fork = "events/sched/sched_process_fork/";
  ASSERT_EQ(echo(fork + "filter", "child_pid == 12 && child_comm == \"worker\""), Errno::kOk);
  ASSERT_EQ(echo(fork + "enable", "1"), Errno::kOk);
  trace::emit_sched_process_fork(tracing_->top(), writer_context(), "init", 1, "worker", 12);
  trace::emit_sched_process_fork(tracing_->top(), writer_context(), "init", 1, "worker", 13);
  std::string trace = cat("trace");
  EXPECT_NE(trace.find("sched_process_fork: comm=init pid=1 child_comm=worker child_pid=12\n"),
            std::string::npos)
      << trace;
  EXPECT_EQ(trace.find("child_pid=13"), std::string::npos) << trace;
}

TEST_F(EventFilterRecording, KmemCacheFreeFilterOnCacheName) {
  const std::string free = "events/kmem/kmem_cache_free/";
  ASSERT_EQ(echo(free + "filter", "name == \"task_cache\""), Errno::kOk);
  ASSERT_EQ(echo(free + "enable", "1"), Errno::kOk);
  trace::emit_kmem_cache_free(tracing_->top(), writer_context(), 0, 0x1000, "task_cache");
  trace::emit_kmem_cache_free(tracing_->top(), writer_context(), 0, 0x2000, "other");
  std::string trace = cat("trace");
  EXPECT_NE(trace.find("ptr=0000000000001000 name=task_cache\n"), std::string::npos) << trace;
  EXPECT_EQ(trace.find("name=other"), std::string::npos) << trace;
}

TEST_F(EventFilterRecording, ForkTriggerFiresOnTheEvent) {
  ASSERT_EQ(echo("events/sched/sched_process_fork/trigger", "traceoff"), Errno::kOk);
  EXPECT_EQ(cat("tracing_on"), "1\n");
  trace::emit_sched_process_fork(tracing_->top(), writer_context(), "init", 1, "worker", 12);
  EXPECT_EQ(cat("tracing_on"), "0\n");
}
