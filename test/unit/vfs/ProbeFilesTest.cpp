// kprobe_events, dynamic_events, kprobe_profile, error_log, and the events probes create.
#include <cstring>

#include "TracefsFixture.h"
#include "trace/ProbeEvents.h"

using namespace tg;
using namespace tg::test;

namespace {

// Host memory stands in for the kernel's: a probe's reads of `g_memory` succeed, all else
// faults.
u8 g_memory[64];
bool read_fake_memory(u64 address, void* out, usize size) {
  u64 base = reinterpret_cast<u64>(g_memory);
  if (address < base || address + size > base + sizeof g_memory) return false;
  memcpy(out, reinterpret_cast<const void*>(address), size);
  return true;
}

class KprobeEvents : public TracefsTest {
 protected:
  void SetUp() override {
    TracefsTest::SetUp();
    Platform with_memory = platform();
    with_memory.read_memory = read_fake_memory;
    install_platform(with_memory);
    trace::install_tracing(tracing_.get());
  }
  void TearDown() override { trace::install_tracing(nullptr); }

  // A call of kmalloc (at 0x1000) with rdi = `size` and rsi = `pointer`.
  void hit_kmalloc(u64 size, u64 pointer, bool returning = false, u64 retval = 0) {
    hit_function(0x1000, size, pointer, returning, retval);
  }
  // A call of the function at `ip` with rdi = `di` and rsi = `si`.
  void hit_function(u64 ip, u64 di, u64 si, bool returning = false, u64 retval = 0) {
    u64 registers[15] = {};
    registers[9] = di;
    registers[10] = si;
    u64 stack[2] = {0x7010, 0};
    trace::ProbeHit hit{registers, ip, reinterpret_cast<u64>(stack), 0x7010, retval};
    trace::RecordContext ctx{0, 7, 0, 0};
    tracing_->probes().fire(*tracing_, ctx, hit, returning);
  }
  std::string error_log_tail() {
    std::string text = cat("error_log");
    usize at = text.find("] ");
    return at == std::string::npos ? text : text.substr(at + 2);
  }
};

TEST_F(KprobeEvents, EmptyByDefault) {
  EXPECT_EQ(cat("kprobe_events"), "");
  EXPECT_EQ(cat("dynamic_events"), "");
  EXPECT_EQ(cat("kprobe_profile"), "");
}

TEST_F(KprobeEvents, DefinitionReadsBackAndCreatesTheEvent) {
  ASSERT_EQ(echo("kprobe_events", "p:my_probe kmalloc size=$arg1"), Errno::kOk);
  EXPECT_EQ(cat("kprobe_events"), "p:kprobes/my_probe kmalloc size=$arg1\n");
  EXPECT_EQ(cat("dynamic_events"), "p:kprobes/my_probe kmalloc size=$arg1\n");
  EXPECT_EQ(ls("events/kprobes/my_probe"),
            (std::vector<std::string>{"enable", "filter", "format", "hist", "id", "trigger"}));
  EXPECT_EQ(cat("events/kprobes/my_probe/enable"), "0\n");
  EXPECT_EQ(cat("events/kprobes/my_probe/id"), "512\n");
  EXPECT_NE(cat("available_events").find("kprobes:my_probe\n"), std::string::npos);
}

TEST_F(KprobeEvents, FormatListsTheRealFields) {
  ASSERT_EQ(echo("kprobe_events", "p:my_probe kmalloc size=$arg1:u32 name=+0(%si):string"),
            Errno::kOk);
  EXPECT_EQ(cat("events/kprobes/my_probe/format"),
            "name: my_probe\nID: 512\nformat:\n"
            "\tfield:unsigned short common_type;\toffset:0;\tsize:2;\tsigned:0;\n"
            "\tfield:unsigned char common_flags;\toffset:2;\tsize:1;\tsigned:0;\n"
            "\tfield:unsigned char common_preempt_count;\toffset:3;\tsize:1;\tsigned:0;\n"
            "\tfield:int common_pid;\toffset:4;\tsize:4;\tsigned:1;\n\n"
            "\tfield:unsigned long __probe_ip;\toffset:8;\tsize:8;\tsigned:0;\n"
            "\tfield:u32 size;\toffset:16;\tsize:4;\tsigned:0;\n"
            "\tfield:__data_loc char[] name;\toffset:20;\tsize:4;\tsigned:0;\n\n"
            "print fmt: \"(%lx) size=%u name=\\\"%s\\\"\", REC->__probe_ip, REC->size, "
            "__get_str(name)\n");
}

TEST_F(KprobeEvents, ReturnProbeFormat) {
  ASSERT_EQ(echo("kprobe_events", "r:ret kmalloc $retval"), Errno::kOk);
  std::string format = cat("events/kprobes/ret/format");
  EXPECT_NE(format.find("\tfield:unsigned long __probe_func;\toffset:8;\tsize:8;\tsigned:0;\n"
                        "\tfield:unsigned long __probe_ret_ip;\toffset:16;\tsize:8;\tsigned:0;\n"
                        "\tfield:u64 arg1;\toffset:24;\tsize:8;\tsigned:0;\n"),
            std::string::npos);
  EXPECT_NE(format.find("print fmt: \"(%lx <- %lx) arg1=0x%Lx\", REC->__probe_func, "
                        "REC->__probe_ret_ip, REC->arg1\n"),
            std::string::npos);
}

TEST_F(KprobeEvents, EnabledProbePrintsAsLinux) {
  ASSERT_EQ(echo("kprobe_events", "p:my_probe kmalloc arg1=$arg1"), Errno::kOk);
  ASSERT_EQ(echo("events/kprobes/my_probe/enable", "1"), Errno::kOk);
  hit_kmalloc(0x10, 0);
  auto lines = trace_lines();
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_NE(lines[0].find("my_probe: (kmalloc+0x0/0x100) arg1=0x10"), std::string::npos)
      << lines[0];
}

// The entry keeps the argument registers and the next four arguments, from the stack above
// the return address.
TEST_F(KprobeEvents, EntryKeepsTenArguments) {
  u64 registers[15] = {};
  registers[9] = 1;  // rdi
  registers[8] = 5;  // r8
  registers[7] = 6;  // r9
  // The stack (in the probes' readable memory): the return address, then arguments 7..11.
  u64 stack[6] = {0x7010, 7, 8, 9, 10, 11};
  memcpy(g_memory, stack, sizeof stack);
  u64 out[trace::kEntryArguments];
  trace::probe_entry_arguments(registers, reinterpret_cast<u64>(g_memory), out);
  EXPECT_EQ(out[0], 1u);
  EXPECT_EQ(out[4], 5u);
  EXPECT_EQ(out[5], 6u);
  EXPECT_EQ(out[6], 7u);
  EXPECT_EQ(out[9], 10u);
  // A stack that cannot be read keeps zeros.
  trace::probe_entry_arguments(registers, 0x10, out);
  EXPECT_EQ(out[6], 0u);
}

// A return probe's $argN is the argument as the entry saw it (the kernel keeps it in the
// shadow stack), whatever the register holds at the return.
TEST_F(KprobeEvents, ReturnProbeReadsTheEntryArguments) {
  ASSERT_EQ(echo("kprobe_events", "r:ret kmalloc size=$arg1 ptr=$arg2 $retval late=$arg8"),
            Errno::kOk);
  EXPECT_EQ(cat("kprobe_events"),
            "r:kprobes/ret kmalloc size=$arg1 ptr=$arg2 arg3=$retval late=$arg8\n");
  ASSERT_EQ(echo("events/kprobes/ret/enable", "1"), Errno::kOk);
  u64 registers[15] = {};
  registers[9] = 0xdead;  // rdi at the return: not what $arg1 reads
  u64 entry[trace::kEntryArguments] = {0x40, 0x1234, 0, 0, 0, 0, 0, 0x88, 0, 0};
  // At the return the caller's stack slot of $arg8 holds something else.
  u64 stack[4] = {0x7010, 0, 0xbad, 0};
  trace::ProbeHit hit{registers, 0x1000, reinterpret_cast<u64>(stack), 0x7010, 0x99};
  hit.entry_args = entry;
  hit.entry_sp = reinterpret_cast<u64>(stack);
  tracing_->probes().fire(*tracing_, trace::RecordContext{0, 7, 0, 0}, hit, true);
  // Without the entry's (too deeply nested), the fetch fails and the field stays 0.
  hit.entry_args = nullptr;
  tracing_->probes().fire(*tracing_, trace::RecordContext{0, 7, 0, 0}, hit, true);
  auto lines = trace_lines();
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_NE(lines[0].find("size=0x40 ptr=0x1234 arg3=0x99 late=0x88"), std::string::npos)
      << lines[0];
  EXPECT_NE(lines[1].find("size=0x0 ptr=0x0 arg3=0x99"), std::string::npos) << lines[1];
}

TEST_F(KprobeEvents, EntryArgumentsOnlyAtAnEntryOrAReturn) {
  EXPECT_EQ(echo("dynamic_events", "f:fr kmalloc%return a=$arg2"), Errno::kOk);
  EXPECT_EQ(echo("kprobe_events", "p:in kmalloc+6 a=$arg2"), Errno::kInval);
  EXPECT_NE(error_log_tail().find("$arg* can be used only on function entry or exit"),
            std::string::npos);
  EXPECT_NE(cat("README").find("kernel return probes support: $retval, $arg<N>, $comm\n"),
            std::string::npos);
}

TEST_F(KprobeEvents, DisabledProbeRecordsNothingAndCountsNoHit) {
  ASSERT_EQ(echo("kprobe_events", "p:my_probe kmalloc"), Errno::kOk);
  hit_kmalloc(1, 0);
  EXPECT_TRUE(trace_lines().empty());
  EXPECT_EQ(cat("kprobe_profile"),
            "  my_probe" + std::string(37, ' ') + "              0" + "               0\n");
}

TEST_F(KprobeEvents, ProfileCountsHits) {
  ASSERT_EQ(echo("kprobe_events", "p:my_probe kmalloc"), Errno::kOk);
  ASSERT_EQ(echo("events/kprobes/my_probe/enable", "1"), Errno::kOk);
  hit_kmalloc(1, 0);
  hit_kmalloc(2, 0);
  EXPECT_EQ(cat("kprobe_profile"),
            "  my_probe" + std::string(37, ' ') + "              2" + "               0\n");
}

TEST_F(KprobeEvents, DereferenceStringAndFault) {
  memset(g_memory, 0, sizeof g_memory);
  u32 value = 0x1234;
  memcpy(g_memory + 8, &value, 4);
  strcpy(reinterpret_cast<char*>(g_memory + 16), "hello");
  u64 name_pointer = reinterpret_cast<u64>(g_memory + 16);
  memcpy(g_memory + 32, &name_pointer, 8);
  ASSERT_EQ(echo("kprobe_events",
                 "p:deref kmalloc v=+8(%si):u32 s=+0(+32(%si)):string bad=+0(%di):string "
                 "b=+8(%si):b4@4/8"),
            Errno::kOk);
  ASSERT_EQ(echo("events/kprobes/deref/enable", "1"), Errno::kOk);
  hit_kmalloc(0x10, reinterpret_cast<u64>(g_memory));
  auto lines = trace_lines();
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_NE(lines[0].find("deref: (kmalloc+0x0/0x100) v=4660 s=\"hello\" bad=(fault) b=3"),
            std::string::npos)
      << lines[0];
}

TEST_F(KprobeEvents, ReturnProbePrintsCallerAndFunction) {
  ASSERT_EQ(echo("kprobe_events", "r:ret kmalloc $retval:s32"), Errno::kOk);
  ASSERT_EQ(echo("events/kprobes/ret/enable", "1"), Errno::kOk);
  hit_kmalloc(0, 0, true, static_cast<u64>(-12));
  auto lines = trace_lines();
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_NE(lines[0].find("ret: (schedule+0x10/0x100 <- kmalloc) arg1=-12"), std::string::npos)
      << lines[0];
}

TEST_F(KprobeEvents, SyntaxErrorGoesToErrorLog) {
  EXPECT_EQ(echo("kprobe_events", "p:my_probe kmalloc $retval"), Errno::kInval);
  EXPECT_EQ(error_log_tail(),
            "trace_kprobe: error: $retval is not available on probe\n"
            "  Command: p:my_probe kmalloc $retval\n"
            "                              ^\n");
  EXPECT_EQ(cat("kprobe_events"), "");
}

TEST_F(KprobeEvents, UnknownSymbolIsEnoent) {
  EXPECT_EQ(echo("kprobe_events", "p:x no_such_function"), Errno::kNoEnt);
}

TEST_F(KprobeEvents, AppendKeepsTruncateClears) {
  ASSERT_EQ(echo("kprobe_events", "p:a kmalloc"), Errno::kOk);
  ASSERT_EQ(echo_append("kprobe_events", "p:b kfree"), Errno::kOk);
  EXPECT_EQ(cat("kprobe_events"), "p:kprobes/a kmalloc\np:kprobes/b kfree\n");
  ASSERT_EQ(echo("kprobe_events", "p:c vfs_read"), Errno::kOk);
  EXPECT_EQ(cat("kprobe_events"), "p:kprobes/c vfs_read\n");
}

TEST_F(KprobeEvents, TruncateWhileEnabledIsEbusyAndKeepsAll) {
  ASSERT_EQ(echo("kprobe_events", "p:a kmalloc"), Errno::kOk);
  ASSERT_EQ(echo("events/kprobes/a/enable", "1"), Errno::kOk);
  EXPECT_EQ(echo("kprobe_events", "p:b kfree"), Errno::kBusy);
  EXPECT_EQ(cat("kprobe_events"), "p:kprobes/a kmalloc\n");
}

TEST_F(KprobeEvents, RemoveByNameAndBusyWhileEnabled) {
  ASSERT_EQ(echo("kprobe_events", "p:a kmalloc"), Errno::kOk);
  ASSERT_EQ(echo("events/kprobes/a/enable", "1"), Errno::kOk);
  EXPECT_EQ(echo_append("kprobe_events", "-:a"), Errno::kBusy);
  ASSERT_EQ(echo("events/kprobes/a/enable", "0"), Errno::kOk);
  EXPECT_EQ(echo_append("kprobe_events", "-:kprobes/a"), Errno::kOk);
  EXPECT_EQ(cat("kprobe_events"), "");
  EXPECT_EQ(echo_append("kprobe_events", "-:a"), Errno::kNoEnt);
  EXPECT_EQ(table_.lookup("tracing/events/kprobes").error(), Errno::kNoEnt);
}

TEST_F(KprobeEvents, GroupWithoutEventAndRemovalOfTheGroup) {
  ASSERT_EQ(echo("dynamic_events", "p:mygroup/ kmalloc"), Errno::kOk);
  ASSERT_EQ(echo_append("dynamic_events", "r:mygroup/ kfree"), Errno::kOk);
  ASSERT_EQ(echo_append("dynamic_events", "p:other kmalloc"), Errno::kOk);
  EXPECT_EQ(cat("dynamic_events"),
            "p:mygroup/p_kmalloc_0 kmalloc\nr:mygroup/r_kfree_0 kfree\np:kprobes/other kmalloc\n");
  EXPECT_TRUE(table_.lookup("tracing/events/mygroup/p_kmalloc_0").ok());
  ASSERT_EQ(echo("events/mygroup/r_kfree_0/enable", "1"), Errno::kOk);
  // An enabled member stops the removal there (EBUSY), as Linux's dyn_event_release.
  EXPECT_EQ(echo_append("dynamic_events", "-:mygroup/"), Errno::kBusy);
  ASSERT_EQ(echo("events/mygroup/r_kfree_0/enable", "0"), Errno::kOk);
  ASSERT_EQ(echo_append("dynamic_events", "-:mygroup/"), Errno::kOk);
  EXPECT_EQ(cat("dynamic_events"), "p:kprobes/other kmalloc\n");
  EXPECT_EQ(table_.lookup("tracing/events/mygroup").error(), Errno::kNoEnt);
  EXPECT_EQ(echo_append("dynamic_events", "-:mygroup/"), Errno::kNoEnt);
}

TEST_F(KprobeEvents, CharAndArraysPrintAsLinux) {
  memset(g_memory, 0, sizeof g_memory);
  strcpy(reinterpret_cast<char*>(g_memory), "tracegate");
  u16 words[3] = {1, 0x20, 0x300};
  memcpy(g_memory + 16, words, sizeof words);
  u32 last = 7;
  memcpy(g_memory + 60, &last, sizeof last);
  ASSERT_EQ(echo("kprobe_events",
                 "p:arr kmalloc c=+0(%si):char a=+0(%si):char[5] w=+16(%si):x16[3] "
                 "far=+60(%si):u32[2]"),
            Errno::kOk);
  ASSERT_EQ(echo("events/kprobes/arr/enable", "1"), Errno::kOk);
  hit_kmalloc(0, reinterpret_cast<u64>(g_memory));
  auto lines = trace_lines();
  ASSERT_EQ(lines.size(), 1u);
  // The element past the fake memory faults and stays 0; the one before it is read.
  EXPECT_NE(lines[0].find("arr: (kmalloc+0x0/0x100) c='t' a={'t','r','a','c','e'} "
                          "w={0x1,0x20,0x300} far={7,0}"),
            std::string::npos)
      << lines[0];
  std::string format = cat("events/kprobes/arr/format");
  EXPECT_NE(format.find("\tfield:u8 a[5];\toffset:17;\tsize:5;\tsigned:0;\n"), std::string::npos)
      << format;
  EXPECT_NE(format.find("\tfield:u16 w[3];\toffset:22;\tsize:6;\tsigned:0;\n"), std::string::npos)
      << format;
  EXPECT_NE(format.find("w={0x%x,0x%x,0x%x} far={%u,%u}\", REC->__probe_ip, REC->c, REC->a[0]"),
            std::string::npos)
      << format;
}

// A tracepoint probe records where the kernel hit its tracepoint, with the tracepoint's
// arguments as $argN; kprobe_events lists only kprobes.
TEST_F(KprobeEvents, TracepointProbeFiresWithTheTracepointsArguments) {
  memset(g_memory, 0, sizeof g_memory);
  strcpy(reinterpret_cast<char*>(g_memory), "cache");
  ASSERT_EQ(echo("dynamic_events", "t:tp kmem_cache_alloc site=$arg1 name=+0($arg3):string"),
            Errno::kOk);
  ASSERT_EQ(echo_append("dynamic_events", "p:kp kmalloc"), Errno::kOk);
  EXPECT_EQ(cat("kprobe_events"), "p:kprobes/kp kmalloc\n");
  EXPECT_EQ(ls("events/tracepoints"), (std::vector<std::string>{"enable", "filter", "tp"}));
  u64 args[] = {0x1010, 0x5000, reinterpret_cast<u64>(g_memory)};
  trace::RecordContext ctx{0, 7, 0, 0};
  // Not enabled: nothing.
  tracing_->probes().fire_tracepoint(*tracing_, ctx, trace::kEventKmemCacheAlloc, args, 3, 0x7010);
  EXPECT_TRUE(trace_lines().empty());
  ASSERT_EQ(echo("events/tracepoints/tp/enable", "1"), Errno::kOk);
  // Another tracepoint's hit is not this probe's.
  tracing_->probes().fire_tracepoint(*tracing_, ctx, trace::kEventKfree, args, 2, 0x7010);
  tracing_->probes().fire_tracepoint(*tracing_, ctx, trace::kEventKmemCacheAlloc, args, 3, 0x7010);
  auto lines = trace_lines();
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_NE(lines[0].find("tp: (schedule+0x10/0x100) site=0x1010 name=\"cache\""),
            std::string::npos)
      << lines[0];
  ASSERT_EQ(echo("events/tracepoints/tp/enable", "0"), Errno::kOk);
  EXPECT_EQ(echo_append("dynamic_events", "-:tracepoints/tp"), Errno::kOk);
  EXPECT_FALSE(tracing_->probes().any_tracepoint_probes());
}

// events/<group>/filter: Linux's system filter over the group's events: each event with the
// fields takes it, one without keeps its own; "0" clears them all.
TEST_F(KprobeEvents, GroupFilterAppliesToEveryEventWithTheFields) {
  ASSERT_EQ(echo("kprobe_events", "p:grp/a kmalloc size=$arg1"), Errno::kOk);
  ASSERT_EQ(echo_append("kprobe_events", "p:grp/b kfree ptr=$arg1"), Errno::kOk);
  EXPECT_EQ(cat("events/grp/filter").rfind("### global filter ###\n", 0), 0u);
  ASSERT_EQ(echo("events/grp/b/filter", "ptr == 7"), Errno::kOk);
  ASSERT_EQ(echo("events/grp/filter", "size > 16"), Errno::kOk);
  EXPECT_EQ(cat("events/grp/a/filter"), "size > 16\n");
  EXPECT_EQ(cat("events/grp/b/filter"), "ptr == 7\n");
  ASSERT_EQ(echo("events/grp/a/enable", "1"), Errno::kOk);
  hit_kmalloc(8, 0);
  hit_kmalloc(32, 0);
  auto lines = trace_lines();
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_NE(lines[0].find("size=0x20"), std::string::npos) << lines[0];
  EXPECT_EQ(echo("events/grp/filter", "size >"), Errno::kInval);
  ASSERT_EQ(echo("events/grp/filter", "0"), Errno::kOk);
  EXPECT_EQ(cat("events/grp/a/filter"), "none\n");
  EXPECT_EQ(cat("events/grp/b/filter"), "none\n");
}

// Linux's Create/append: a definition naming an existing event adds a probe point to it. The
// event (its id, files, enable bit and filter) is one; each point records into it.
TEST_F(KprobeEvents, SecondPointAppendsToTheEvent) {
  ASSERT_EQ(echo("kprobe_events", "p:multi kmalloc a=%di"), Errno::kOk);
  ASSERT_EQ(echo_append("kprobe_events", "p:multi kfree a=%si"), Errno::kOk);
  EXPECT_EQ(cat("kprobe_events"), "p:kprobes/multi kmalloc a=%di\np:kprobes/multi kfree a=%si\n");
  EXPECT_EQ(ls("events/kprobes"), (std::vector<std::string>{"enable", "filter", "multi"}));
  EXPECT_NE(cat("available_events").find("kprobes:multi\n"), std::string::npos);
  EXPECT_EQ(cat("available_events").find("kprobes:multi\n"),
            cat("available_events").rfind("kprobes:multi\n"));
  ASSERT_EQ(echo("events/kprobes/multi/enable", "1"), Errno::kOk);
  EXPECT_TRUE(tracing_->probes().has_probe_at(0x1000));
  EXPECT_TRUE(tracing_->probes().has_probe_at(0x3000));
  hit_kmalloc(5, 6);
  hit_function(0x3000, 0, 9);  // kfree
  auto lines = trace_lines();
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_NE(lines[0].find("multi: (kmalloc+0x0/0x100) a=0x5"), std::string::npos) << lines[0];
  EXPECT_NE(lines[1].find("multi: (kfree+0x0/0x100) a=0x9"), std::string::npos) << lines[1];
  ASSERT_EQ(echo("events/kprobes/multi/enable", "0"), Errno::kOk);
}

TEST_F(KprobeEvents, AppendChecksTypeArgumentsAndDuplicates) {
  ASSERT_EQ(echo("kprobe_events", "p:multi kmalloc a=%di"), Errno::kOk);
  EXPECT_EQ(echo_append("kprobe_events", "p:multi kfree a=%si b=%dx"), Errno::kExist);
  EXPECT_EQ(error_log_tail(),
            "trace_kprobe: error: Argument type or name is different from existing probe\n"
            "  Command: p:multi kfree a=%si b=%dx\n"
            "                               ^\n");
  EXPECT_EQ(echo_append("kprobe_events", "p:multi kfree a=%si:u32"), Errno::kExist);
  EXPECT_EQ(echo_append("kprobe_events", "r:multi kfree a=%si"), Errno::kExist);
  EXPECT_EQ(echo_append("kprobe_events", "p:multi kmalloc a=%di"), Errno::kExist);
  // The same point read otherwise (same names and types) is another point, as in Linux.
  EXPECT_EQ(echo_append("kprobe_events", "p:multi kmalloc a=%si"), Errno::kOk);
  EXPECT_EQ(cat("kprobe_events"), "p:kprobes/multi kmalloc a=%di\np:kprobes/multi kmalloc a=%si\n");
}

TEST_F(KprobeEvents, RemovingOnePointKeepsTheEvent) {
  ASSERT_EQ(echo("kprobe_events", "p:multi kmalloc"), Errno::kOk);
  ASSERT_EQ(echo_append("kprobe_events", "p:multi kfree"), Errno::kOk);
  ASSERT_EQ(echo_append("kprobe_events", "p:other vfs_read"), Errno::kOk);
  std::string id = cat("events/kprobes/multi/id");
  // The first point goes: the event, its id and files stay with the other.
  ASSERT_EQ(echo_append("kprobe_events", "-:kprobes/multi kmalloc"), Errno::kOk);
  EXPECT_EQ(cat("kprobe_events"), "p:kprobes/multi kfree\np:kprobes/other vfs_read\n");
  EXPECT_EQ(cat("events/kprobes/multi/id"), id);
  EXPECT_FALSE(tracing_->probes().has_probe_at(0x1000));
  EXPECT_EQ(echo_append("kprobe_events", "-:kprobes/multi kmalloc"), Errno::kNoEnt);
  // A new event does not take the id the event still has.
  ASSERT_EQ(echo_append("kprobe_events", "p:third kmalloc"), Errno::kOk);
  EXPECT_NE(cat("events/kprobes/third/id"), id);
  // Without a point, every point of the event goes.
  ASSERT_EQ(echo_append("kprobe_events", "p:multi kmalloc"), Errno::kOk);
  ASSERT_EQ(echo_append("kprobe_events", "-:multi"), Errno::kOk);
  EXPECT_EQ(cat("kprobe_events"), "p:kprobes/other vfs_read\np:kprobes/third kmalloc\n");
  EXPECT_EQ(table_.lookup("tracing/events/kprobes/multi").error(), Errno::kNoEnt);
}

TEST_F(KprobeEvents, RemovalClearsTheBuffersItWroteTo) {
  ASSERT_EQ(echo("kprobe_events", "p:a kmalloc"), Errno::kOk);
  ASSERT_EQ(echo("events/kprobes/a/enable", "1"), Errno::kOk);
  hit_kmalloc(1, 0);
  ASSERT_EQ(echo("events/kprobes/a/enable", "0"), Errno::kOk);
  ASSERT_EQ(echo_append("kprobe_events", "-:a"), Errno::kOk);
  EXPECT_TRUE(trace_lines().empty());
}

TEST_F(KprobeEvents, DuplicateNameIsEexist) {
  ASSERT_EQ(echo("kprobe_events", "p:a kmalloc"), Errno::kOk);
  EXPECT_EQ(echo_append("kprobe_events", "p:a kmalloc"), Errno::kExist);
  EXPECT_NE(cat("error_log").find("There is already the exact same probe event"),
            std::string::npos);
  EXPECT_EQ(echo_append("kprobe_events", "r:a kmalloc"), Errno::kExist);
  EXPECT_NE(cat("error_log").find("Probe type is different from existing probe"),
            std::string::npos);
}

TEST_F(KprobeEvents, CommentsAndSeveralLinesInOneWrite) {
  ASSERT_EQ(write_file("kprobe_events", "# probes\np:a kmalloc # entry\n\nr:b kfree\n",
                       vfs::kOpenWriteOnly | vfs::kOpenTruncate),
            Errno::kOk);
  EXPECT_EQ(cat("kprobe_events"), "p:kprobes/a kmalloc\nr:kprobes/b kfree\n");
}

TEST_F(KprobeEvents, SetEventAndEventsEnableCoverProbes) {
  ASSERT_EQ(echo("kprobe_events", "p:a kmalloc"), Errno::kOk);
  ASSERT_EQ(echo("set_event", "kprobes:a"), Errno::kOk);
  EXPECT_EQ(cat("set_event"), "kprobes:a\n");
  EXPECT_EQ(cat("events/kprobes/enable"), "1\n");
  EXPECT_EQ(echo("set_event", "!kprobes:a"), Errno::kOk);
  EXPECT_EQ(cat("events/kprobes/a/enable"), "0\n");
  ASSERT_EQ(echo("events/enable", "1"), Errno::kOk);
  EXPECT_EQ(cat("events/kprobes/a/enable"), "1\n");
  ASSERT_EQ(echo("events/enable", "0"), Errno::kOk);
  EXPECT_EQ(cat("events/kprobes/a/enable"), "0\n");
}

TEST_F(KprobeEvents, FilterOnAProbeField) {
  ASSERT_EQ(echo("kprobe_events", "p:a kmalloc size=$arg1:u64"), Errno::kOk);
  ASSERT_EQ(echo("events/kprobes/a/filter", "size > 100"), Errno::kOk);
  EXPECT_EQ(cat("events/kprobes/a/filter"), "size > 100\n");
  ASSERT_EQ(echo("events/kprobes/a/enable", "1"), Errno::kOk);
  hit_kmalloc(50, 0);
  hit_kmalloc(500, 0);
  auto lines = trace_lines();
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_NE(lines[0].find("size=500"), std::string::npos);
}

TEST_F(KprobeEvents, InstanceEnablesIndependently) {
  ASSERT_EQ(echo("kprobe_events", "p:a kmalloc"), Errno::kOk);
  ASSERT_EQ(mkdir("foo"), Errno::kOk);
  ASSERT_EQ(echo("instances/foo/events/kprobes/a/enable", "1"), Errno::kOk);
  EXPECT_EQ(cat("events/kprobes/a/enable"), "0\n");
  hit_kmalloc(1, 0);
  EXPECT_TRUE(trace_lines().empty());
  EXPECT_EQ(trace_lines("instances/foo/trace").size(), 1u);
  EXPECT_EQ(echo_append("kprobe_events", "-:a"), Errno::kBusy);
}

TEST_F(KprobeEvents, SurvivesTracerSwitches) {
  ASSERT_EQ(echo("kprobe_events", "p:a kmalloc"), Errno::kOk);
  ASSERT_EQ(echo("events/kprobes/a/enable", "1"), Errno::kOk);
  ASSERT_EQ(echo("current_tracer", "function"), Errno::kOk);
  ASSERT_EQ(echo("current_tracer", "nop"), Errno::kOk);
  hit_kmalloc(1, 0);
  EXPECT_EQ(trace_lines().size(), 1u);
}

TEST_F(KprobeEvents, DynamicEventsTakesFprobesAndKprobeEventsHidesThem) {
  ASSERT_EQ(echo("dynamic_events", "f:fe kmalloc $arg1"), Errno::kOk);
  ASSERT_EQ(echo_append("dynamic_events", "p:pe kfree"), Errno::kOk);
  EXPECT_EQ(cat("dynamic_events"), "f:fprobes/fe kmalloc arg1=$arg1\np:kprobes/pe kfree\n");
  EXPECT_EQ(cat("kprobe_events"), "p:kprobes/pe kfree\n");
  EXPECT_EQ(cat("events/fprobes/fe/enable"), "0\n");
  EXPECT_EQ(echo("kprobe_events", "f:x kmalloc"), Errno::kInval);
  // `>` on kprobe_events clears only the kprobes.
  EXPECT_EQ(cat("dynamic_events"), "f:fprobes/fe kmalloc arg1=$arg1\n");
}

TEST_F(KprobeEvents, IdsAreReusedAfterRemoval) {
  for (int i = 0; i < 300; ++i) {
    ASSERT_EQ(echo("kprobe_events", "p:a kmalloc"), Errno::kOk) << i;
    ASSERT_EQ(echo("kprobe_events", ""), Errno::kOk) << i;
  }
  ASSERT_EQ(echo("kprobe_events", "p:a kmalloc"), Errno::kOk);
  EXPECT_EQ(cat("events/kprobes/a/id"), "512\n");
}

}  // namespace
