// synthetic_events, dynamic_events' `s:` lines, and the events/synthetic/ events they create.
#include "TracefsFixture.h"
#include "trace/ProbeEvents.h"

using namespace tg;
using namespace tg::test;

namespace {

class SyntheticEvents : public TracefsTest {
 protected:
  void SetUp() override {
    TracefsTest::SetUp();
    trace::install_tracing(tracing_.get());
  }
  void TearDown() override { trace::install_tracing(nullptr); }

  // Generates the synthetic event NAME in the top instance, as a hist action would.
  void generate(const char* name, const trace::SynthValue* values) {
    trace::ProbeEvent* event = tracing_->probes().find("synthetic", name);
    ASSERT_NE(event, nullptr);
    trace::RecordContext ctx{0, 7, 0, 0};
    event->fire_synthetic(tracing_->top(), ctx, values);
  }
  std::string error_log_tail() {
    std::string text = cat("error_log");
    usize at = text.find("] ");
    return at == std::string::npos ? text : text.substr(at + 2);
  }
};

TEST_F(SyntheticEvents, DefinitionListsAsLinuxInBothFiles) {
  ASSERT_EQ(echo("synthetic_events", "wakeup_latency  u64 lat pid_t pid char comm[16]"),
            Errno::kOk);
  EXPECT_EQ(cat("synthetic_events"), "wakeup_latency\tu64 lat; pid_t pid; char[16] comm\n");
  EXPECT_EQ(cat("dynamic_events"),
            "s:synthetic/wakeup_latency\tu64 lat; pid_t pid; char[16] comm\n");
  EXPECT_EQ(cat("kprobe_events"), "");
  EXPECT_EQ(ls("events/synthetic/wakeup_latency"),
            (std::vector<std::string>{"enable", "filter", "format", "hist", "id", "trigger"}));
}

TEST_F(SyntheticEvents, SemicolonsAndSpacesAreOneSyntax) {
  ASSERT_EQ(echo("synthetic_events", "myevent u64 var1 ;u64 var2"), Errno::kOk);
  EXPECT_EQ(cat("synthetic_events"), "myevent\tu64 var1; u64 var2\n");
}

TEST_F(SyntheticEvents, DynamicEventsTakesTheGroupAndRemovesByEitherSyntax) {
  ASSERT_EQ(echo_append("dynamic_events", "s:latency1 u64 lat; pid_t pid;"), Errno::kOk);
  ASSERT_EQ(echo_append("dynamic_events", "s:synthetic/latency2 u64 lat; pid_t pid;"), Errno::kOk);
  ASSERT_EQ(echo_append("dynamic_events", "-:synthetic/latency2"), Errno::kOk);
  EXPECT_EQ(cat("dynamic_events"), "s:synthetic/latency1\tu64 lat; pid_t pid\n");
  ASSERT_EQ(echo_append("dynamic_events", "!s:latency1 u64 lat; pid_t pid;"), Errno::kOk);
  EXPECT_EQ(cat("dynamic_events"), "");
  EXPECT_EQ(table_.lookup("tracing/events/synthetic").error(), Errno::kNoEnt);
}

TEST_F(SyntheticEvents, BangRemovesByNameAndUnknownIsEnoent) {
  ASSERT_EQ(echo("synthetic_events", "myevent u64 var1"), Errno::kOk);
  EXPECT_EQ(echo_append("synthetic_events", "!myevent"), Errno::kOk);
  EXPECT_EQ(cat("synthetic_events"), "");
  EXPECT_EQ(echo_append("synthetic_events", "!myevent"), Errno::kNoEnt);
}

TEST_F(SyntheticEvents, SameNameIsEexistAndLogged) {
  ASSERT_EQ(echo("synthetic_events", "myevent u64 var1"), Errno::kOk);
  EXPECT_EQ(echo_append("synthetic_events", "myevent u64 var2"), Errno::kExist);
  EXPECT_EQ(error_log_tail(),
            "synthetic_events: error: Event already exists\n"
            "  Command: myevent u64 var2\n"
            "           ^\n");
}

TEST_F(SyntheticEvents, TruncateClearsOnlySyntheticEvents) {
  ASSERT_EQ(echo_append("dynamic_events", "p:myprobe kmalloc"), Errno::kOk);
  ASSERT_EQ(echo_append("dynamic_events", "s:latency u64 lat"), Errno::kOk);
  ASSERT_EQ(echo("synthetic_events", ""), Errno::kOk);
  EXPECT_EQ(cat("dynamic_events"), "p:kprobes/myprobe kmalloc\n");
  ASSERT_EQ(echo_append("dynamic_events", "s:latency u64 lat"), Errno::kOk);
  ASSERT_EQ(echo("kprobe_events", ""), Errno::kOk);
  EXPECT_EQ(cat("dynamic_events"), "s:synthetic/latency\tu64 lat\n");
}

TEST_F(SyntheticEvents, EnabledEventCannotBeRemoved) {
  ASSERT_EQ(echo("synthetic_events", "myevent u64 var1"), Errno::kOk);
  ASSERT_EQ(echo("events/synthetic/myevent/enable", "1"), Errno::kOk);
  EXPECT_EQ(echo_append("synthetic_events", "!myevent"), Errno::kBusy);
  EXPECT_EQ(echo("synthetic_events", ""), Errno::kBusy);
  ASSERT_EQ(echo("events/synthetic/myevent/enable", "0"), Errno::kOk);
  EXPECT_EQ(echo_append("synthetic_events", "!myevent"), Errno::kOk);
}

TEST_F(SyntheticEvents, EventWithATriggerCannotBeRemoved) {
  ASSERT_EQ(echo("synthetic_events", "myevent u64 lat"), Errno::kOk);
  ASSERT_EQ(echo("events/synthetic/myevent/trigger", "hist:keys=lat"), Errno::kOk);
  EXPECT_EQ(echo_append("synthetic_events", "!myevent"), Errno::kBusy);
  ASSERT_EQ(echo_append("events/synthetic/myevent/trigger", "!hist:keys=lat"), Errno::kOk);
  EXPECT_EQ(echo_append("synthetic_events", "!myevent"), Errno::kOk);
}

// Each field takes a u64 slot, a static string 256 bytes, whatever its declared size; a
// dynamic field is a __data_loc of 8 bytes.
TEST_F(SyntheticEvents, FormatHasLinuxsOffsetsAndPrintFmt) {
  ASSERT_EQ(echo("synthetic_events", "ev u64 lat; pid_t pid; char comm[16]; char name[]; s8 x"),
            Errno::kOk);
  EXPECT_EQ(cat("events/synthetic/ev/format"),
            "name: ev\nID: 512\nformat:\n"
            "\tfield:unsigned short common_type;\toffset:0;\tsize:2;\tsigned:0;\n"
            "\tfield:unsigned char common_flags;\toffset:2;\tsize:1;\tsigned:0;\n"
            "\tfield:unsigned char common_preempt_count;\toffset:3;\tsize:1;\tsigned:0;\n"
            "\tfield:int common_pid;\toffset:4;\tsize:4;\tsigned:1;\n\n"
            "\tfield:u64 lat;\toffset:8;\tsize:8;\tsigned:0;\n"
            "\tfield:pid_t pid;\toffset:16;\tsize:4;\tsigned:1;\n"
            "\tfield:char comm[16];\toffset:24;\tsize:16;\tsigned:1;\n"
            "\tfield:__data_loc char[] name;\toffset:280;\tsize:8;\tsigned:1;\n"
            "\tfield:s8 x;\toffset:288;\tsize:1;\tsigned:1;\n\n"
            "print fmt: \"lat=%llu, pid=%d, comm=%s, name=%s, x=%d\", REC->lat, REC->pid, "
            "REC->comm, __get_str(name), REC->x\n");
}

TEST_F(SyntheticEvents, GeneratedEventPrintsAsLinux) {
  ASSERT_EQ(echo("synthetic_events", "ev u64 lat; pid_t pid; char comm[16]; char name[]"),
            Errno::kOk);
  ASSERT_EQ(echo("events/synthetic/ev/enable", "1"), Errno::kOk);
  trace::SynthValue values[4] = {};
  values[0].number = 42;
  values[1].number = static_cast<u64>(-1);
  values[2].text = "ping";
  values[3].text = "/bin/ping";
  generate("ev", values);
  auto lines = trace_lines();
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_NE(lines[0].find(" ev: lat=42 pid=-1 comm=ping name=/bin/ping"), std::string::npos)
      << lines[0];
}

TEST_F(SyntheticEvents, DisabledEventRecordsNothing) {
  ASSERT_EQ(echo("synthetic_events", "ev u64 lat"), Errno::kOk);
  trace::SynthValue values[1] = {};
  generate("ev", values);
  EXPECT_TRUE(trace_lines().empty());
}

TEST_F(SyntheticEvents, FilterAndHistWorkOnItsFields) {
  ASSERT_EQ(echo("synthetic_events", "ev u64 lat; pid_t pid"), Errno::kOk);
  ASSERT_EQ(echo("events/synthetic/ev/filter", "lat > 10"), Errno::kOk);
  ASSERT_EQ(echo("events/synthetic/ev/enable", "1"), Errno::kOk);
  ASSERT_EQ(echo("events/synthetic/ev/trigger", "hist:keys=pid:vals=lat"), Errno::kOk);
  trace::SynthValue values[2] = {};
  values[0].number = 5;
  values[1].number = 3;
  generate("ev", values);
  values[0].number = 20;
  generate("ev", values);
  EXPECT_EQ(trace_lines().size(), 1u);
  EXPECT_NE(cat("events/synthetic/ev/hist")
                .find("{ pid:          3 } hitcount:          2  lat:         25"),
            std::string::npos)
      << cat("events/synthetic/ev/hist");
}

// ftracetest's trigger-synthetic_event_syntax_errors: each message and caret as Linux's.
struct SyntaxError {
  const char* command;
  const char* message;
  usize caret;
};
constexpr SyntaxError kSyntaxErrors[] = {
    {"myevent chr arg", "Invalid type", 8},
    {"myevent unsigned arg", "Incomplete type", 8},
    {"myevent char str]; int v", "Illegal name", 13},
    {"mye-vent char str[]", "Illegal name", 0},
    {"myevent char st-r[]", "Illegal name", 13},
    {"myevent char str;[]", "Invalid field", 17},
    {"myevent char str; int", "Invalid field", 18},
    {"myevent char str[; int v", "Invalid array specification", 13},
    {"myevent char str[kdjdk]", "Invalid array specification", 13},
    {"myevent char str[257]", "Invalid array specification", 13},
    {"mye;vent char str[]", "Command must be of the form: <name> field[;field] ...", 0},
    {"myevent ; char str[]", "Command must be of the form: <name> field[;field] ...", 0},
    {"myevent", "Command must be of the form: <name> field[;field] ...", 0},
};

TEST_F(SyntheticEvents, SyntaxErrorsHaveLinuxsMessagesAndCarets) {
  for (const SyntaxError& error : kSyntaxErrors) {
    ASSERT_EQ(echo("error_log", ""), Errno::kOk);
    EXPECT_EQ(echo_append("synthetic_events", error.command), Errno::kInval) << error.command;
    EXPECT_EQ(error_log_tail(), std::string("synthetic_events: error: ") + error.message +
                                    "\n  Command: " + error.command + "\n" +
                                    std::string(11 + error.caret, ' ') + "^\n")
        << error.command;
  }
  EXPECT_EQ(cat("synthetic_events"), "");
}

TEST_F(SyntheticEvents, DynamicEventsRefusesAnotherGroup) {
  EXPECT_EQ(echo_append("dynamic_events", "s:junk/myevent char str["), Errno::kInval);
  EXPECT_EQ(error_log_tail(),
            "synthetic_events: error: Command must be of the form: s or "
            "-:[synthetic/]<name> field[;field] ...\n"
            "  Command: s:junk/myevent char str[\n"
            "           ^\n");
}

TEST_F(SyntheticEvents, TypesAsLinuxNamesThem) {
  ASSERT_EQ(
      echo("synthetic_events", "ev unsigned long a; unsigned long[] st; char[] s; gfp_t g; bool b"),
      Errno::kOk);
  EXPECT_EQ(cat("synthetic_events"),
            "ev\tunsigned long a; unsigned long[] st; char[] s; gfp_t g; bool b\n");
  std::string format = cat("events/synthetic/ev/format");
  EXPECT_NE(format.find("\tfield:__data_loc unsigned long[] st;\toffset:16;\tsize:8;\tsigned:0;\n"),
            std::string::npos)
      << format;
  EXPECT_NE(format.find("__get_stacktrace(st)"), std::string::npos);
}

TEST_F(SyntheticEvents, ReadmeNamesTheSyntax) {
  std::string readme = cat("README");
  EXPECT_NE(readme.find("s:[synthetic/]"), std::string::npos);
  EXPECT_NE(readme.find("' >> synthetic_events"), std::string::npos);
}

}  // namespace
