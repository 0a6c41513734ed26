// set_ftrace_filter, set_ftrace_notrace, set_graph_function, set_graph_notrace,
// set_ftrace_pid, available_filter_functions, and what the patcher asks of them.
#include "TracefsFixture.h"

using namespace tg;
using namespace tg::test;

namespace {
class SetFtraceFilter : public TracefsTest {};
class SetFtraceNotrace : public TracefsTest {};
class SetGraphFunction : public TracefsTest {};
class SetFtracePid : public TracefsTest {};
class AvailableFilterFunctions : public TracefsTest {};
class WantsFunction : public TracefsTest {};

u32 g_changes = 0;
void count_change() {
  ++g_changes;
}

// A call of the function at `ip` from `parent`, as the fentry trampoline reports it.
void call(trace::Tracing& tracing, u64 ip, u64 parent = 0) {
  tracing.run_probes(trace::RecordContext{0, 7, 0, 0}, {ip, parent, 0});
}

}  // namespace

TEST_F(SetFtraceFilter, EmptyReadsAllFunctionsEnabled) {
  EXPECT_EQ(cat("set_ftrace_filter"), "#### all functions enabled ####\n");
}

TEST_F(SetFtraceFilter, GlobSelectsMatches) {
  EXPECT_EQ(echo("set_ftrace_filter", "kmalloc*"), Errno::kOk);
  EXPECT_EQ(cat("set_ftrace_filter"), "kmalloc\nkmalloc_node\n");
}

TEST_F(SetFtraceFilter, GlobWithNoMatchIsEinval) {
  EXPECT_EQ(echo("set_ftrace_filter", "nosuch*"), Errno::kInval);
}

TEST_F(SetFtraceFilter, TruncatingOpenEmptiesEvenWhenTheWriteFails) {
  ASSERT_EQ(echo("set_ftrace_filter", "kfree"), Errno::kOk);
  EXPECT_EQ(echo("set_ftrace_filter", "typo"), Errno::kInval);
  EXPECT_EQ(cat("set_ftrace_filter"), "#### all functions enabled ####\n");
}

TEST_F(SetFtraceFilter, AppendKeepsTheList) {
  ASSERT_EQ(echo("set_ftrace_filter", "kfree"), Errno::kOk);
  ASSERT_EQ(echo_append("set_ftrace_filter", "vfs_read"), Errno::kOk);
  EXPECT_EQ(cat("set_ftrace_filter"), "kfree\nvfs_read\n");
}

TEST_F(SetFtraceFilter, OneWriteConsumesOneWord) {
  EXPECT_EQ(write_once("set_ftrace_filter", "kfree vfs_read\n").value(), 6u);
  EXPECT_EQ(cat("set_ftrace_filter"), "kfree\n");
}

TEST_F(SetFtraceFilter, EchoOfSeveralWordsAddsEach) {
  EXPECT_EQ(echo("set_ftrace_filter", "kfree vfs_read"), Errno::kOk);
  EXPECT_EQ(cat("set_ftrace_filter"), "kfree\nvfs_read\n");
}

TEST_F(SetFtraceFilter, BangRemoves) {
  ASSERT_EQ(echo("set_ftrace_filter", "vfs_*"), Errno::kOk);
  ASSERT_EQ(echo_append("set_ftrace_filter", "!vfs_write"), Errno::kOk);
  EXPECT_EQ(cat("set_ftrace_filter"), "vfs_read\n");
}

TEST_F(SetFtraceFilter, TraceonCommandIsListedAfterTheNames) {
  ASSERT_EQ(echo("set_ftrace_filter", "kfree"), Errno::kOk);
  ASSERT_EQ(echo_append("set_ftrace_filter", "kmalloc:traceon"), Errno::kOk);
  ASSERT_EQ(echo_append("set_ftrace_filter", "vfs_read:traceoff:5"), Errno::kOk);
  EXPECT_EQ(cat("set_ftrace_filter"),
            "kfree\nkmalloc:traceon:unlimited\nvfs_read:traceoff:count=5\n");
}

TEST_F(SetFtraceFilter, TraceoffProbeTurnsTracingOff) {
  ASSERT_EQ(echo("set_ftrace_filter", "kfree:traceoff"), Errno::kOk);
  EXPECT_TRUE(tracing_->has_probe(0x3000));
  call(*tracing_, 0x3010);
  EXPECT_EQ(cat("tracing_on"), "0\n");
}

TEST_F(SetFtraceFilter, WritingTellsThePlatformOnRelease) {
  Platform with_hook = platform();
  with_hook.functions_changed = count_change;
  install_platform(with_hook);
  g_changes = 0;
  ASSERT_EQ(echo("set_ftrace_filter", "kfree vfs_read"), Errno::kOk);
  EXPECT_EQ(g_changes, 1u);
}

TEST_F(SetFtraceFilter, RemovingAnInstanceWithProbesTellsThePlatform) {
  ASSERT_EQ(mkdir("foo"), Errno::kOk);
  ASSERT_EQ(echo("instances/foo/set_ftrace_filter", "kfree:traceoff"), Errno::kOk);
  Platform with_hook = platform();
  with_hook.functions_changed = count_change;
  install_platform(with_hook);
  g_changes = 0;
  ASSERT_EQ(rmdir("foo"), Errno::kOk);
  EXPECT_EQ(g_changes, 1u);
  EXPECT_FALSE(tracing_->has_probe(0x3000));
}

TEST_F(SetFtraceFilter, EachInstanceHasItsOwn) {
  ASSERT_EQ(mkdir("foo"), Errno::kOk);
  ASSERT_EQ(echo("instances/foo/set_ftrace_filter", "kfree"), Errno::kOk);
  ASSERT_EQ(echo("instances/foo/set_ftrace_notrace", "vfs_read"), Errno::kOk);
  EXPECT_EQ(cat("instances/foo/set_ftrace_filter"), "kfree\n");
  EXPECT_EQ(cat("instances/foo/set_ftrace_notrace"), "vfs_read\n");
  EXPECT_EQ(cat("set_ftrace_filter"), "#### all functions enabled ####\n");
  EXPECT_EQ(cat("set_ftrace_notrace"), "#### no functions disabled ####\n");
  trace::TraceInstance& foo = *tracing_->find("foo");
  EXPECT_TRUE(foo.wants_function(0x3000));
  EXPECT_FALSE(foo.wants_function(0x1000));
  EXPECT_TRUE(tracing_->top().wants_function(0x1000));
  EXPECT_TRUE(tracing_->top().wants_function(0x4000));
}

TEST_F(SetFtraceFilter, AnInstancesProbeSwitchesThatInstanceOnly) {
  ASSERT_EQ(mkdir("foo"), Errno::kOk);
  ASSERT_EQ(echo("instances/foo/set_ftrace_filter", "kfree:traceoff"), Errno::kOk);
  EXPECT_TRUE(tracing_->has_probe(0x3000));
  call(*tracing_, 0x3010);
  EXPECT_EQ(cat("instances/foo/tracing_on"), "0\n");
  EXPECT_EQ(cat("tracing_on"), "1\n");
}

TEST_F(WantsFunction, LiveSitesAreTheUnionOfTheFunctionTracingInstances) {
  ASSERT_EQ(mkdir("foo"), Errno::kOk);
  ASSERT_EQ(echo("set_ftrace_filter", "kmalloc"), Errno::kOk);
  ASSERT_EQ(echo("instances/foo/set_ftrace_filter", "kfree"), Errno::kOk);
  EXPECT_FALSE(tracing_->function_site_wanted(0x1000));  // nobody traces functions yet
  EXPECT_EQ(tracing_->sole_function_slot(), 0u);
  ASSERT_EQ(echo("current_tracer", "function"), Errno::kOk);
  EXPECT_TRUE(tracing_->function_site_wanted(0x1000));
  EXPECT_FALSE(tracing_->function_site_wanted(0x3000));
  EXPECT_EQ(tracing_->sole_function_slot(), tracing_->top().table_index() + 1);
  ASSERT_EQ(echo("instances/foo/current_tracer", "function"), Errno::kOk);
  EXPECT_TRUE(tracing_->function_site_wanted(0x1000));
  EXPECT_TRUE(tracing_->function_site_wanted(0x3000));
  EXPECT_FALSE(tracing_->function_site_wanted(0x4000));
  EXPECT_EQ(tracing_->sole_function_slot(), 0u);
}

TEST_F(SetFtraceNotrace, EmptyReadsNoFunctionsDisabled) {
  EXPECT_EQ(cat("set_ftrace_notrace"), "#### no functions disabled ####\n");
}

TEST_F(SetFtraceNotrace, CommandsAreEinval) {
  EXPECT_EQ(echo("set_ftrace_notrace", "kmalloc:traceon"), Errno::kInval);
}

TEST_F(SetGraphFunction, EmptyReadsAllFunctionsEnabled) {
  EXPECT_EQ(cat("set_graph_function"), "#### all functions enabled ####\n");
  EXPECT_EQ(cat("set_graph_notrace"), "#### no functions disabled ####\n");
}

TEST_F(SetGraphFunction, NamesGlobsAndBang) {
  ASSERT_EQ(echo("set_graph_function", "vfs_*"), Errno::kOk);
  ASSERT_EQ(echo_append("set_graph_function", "!vfs_write"), Errno::kOk);
  EXPECT_EQ(cat("set_graph_function"), "vfs_read\n");
  EXPECT_EQ(echo("set_graph_function", "nosuch"), Errno::kInval);
}

TEST_F(SetGraphFunction, RootsGraphsOnlyAtListedFunctions) {
  EXPECT_TRUE(tracing_->graph_should_trace(0x1000));
  ASSERT_EQ(echo("set_graph_function", "vfs_read"), Errno::kOk);
  EXPECT_TRUE(tracing_->graph_should_trace(0x4000));
  EXPECT_FALSE(tracing_->graph_should_trace(0x1000));
}

TEST_F(SetGraphFunction, NotraceExcludes) {
  ASSERT_EQ(echo("set_graph_notrace", "kfree"), Errno::kOk);
  EXPECT_FALSE(tracing_->graph_should_trace(0x3000));
  EXPECT_TRUE(tracing_->graph_excluded(0x3000));
}

TEST_F(SetFtracePid, EmptyReadsNoPid) {
  EXPECT_EQ(cat("set_ftrace_pid"), "no pid\n");
}

TEST_F(SetFtracePid, ListsPidsAndFilters) {
  ASSERT_EQ(echo("set_ftrace_pid", "12 7"), Errno::kOk);
  EXPECT_EQ(cat("set_ftrace_pid"), "7\n12\n");
  EXPECT_TRUE(tracing_->top().pid_allowed(7));
  EXPECT_FALSE(tracing_->top().pid_allowed(8));
}

TEST_F(SetFtracePid, TruncateClearsAndAppendAdds) {
  ASSERT_EQ(echo("set_ftrace_pid", "12"), Errno::kOk);
  ASSERT_EQ(echo_append("set_ftrace_pid", "13"), Errno::kOk);
  EXPECT_EQ(cat("set_ftrace_pid"), "12\n13\n");
  ASSERT_EQ(echo("set_ftrace_pid", ""), Errno::kOk);
  EXPECT_EQ(cat("set_ftrace_pid"), "no pid\n");
}

TEST_F(SetFtracePid, NonNumberIsEinval) {
  EXPECT_EQ(echo_append("set_ftrace_pid", "abc"), Errno::kInval);
}

TEST_F(SetFtracePid, NotraceListReadsNoPidWhenEmpty) {
  EXPECT_EQ(cat("set_ftrace_notrace_pid"), "no pid\n");
  ASSERT_EQ(mkdir("foo"), Errno::kOk);
  EXPECT_EQ(cat("instances/foo/set_ftrace_notrace_pid"), "no pid\n");
}

TEST_F(SetFtracePid, NotraceListedTasksAreNeverTraced) {
  ASSERT_EQ(echo("set_ftrace_notrace_pid", "9 3"), Errno::kOk);
  EXPECT_EQ(cat("set_ftrace_notrace_pid"), "3\n9\n");
  EXPECT_FALSE(tracing_->top().pid_allowed(3));
  EXPECT_TRUE(tracing_->top().pid_allowed(4));
  ASSERT_EQ(echo("set_ftrace_pid", "3 4"), Errno::kOk);
  EXPECT_FALSE(tracing_->top().pid_allowed(3));
  EXPECT_TRUE(tracing_->top().pid_allowed(4));
  EXPECT_FALSE(tracing_->top().pid_allowed(5));
  EXPECT_EQ(echo_append("set_ftrace_notrace_pid", "-1"), Errno::kInval);
  ASSERT_EQ(echo("set_ftrace_notrace_pid", ""), Errno::kOk);
  EXPECT_EQ(cat("set_ftrace_notrace_pid"), "no pid\n");
}

TEST_F(SetFtracePid, NotraceListIsPerInstance) {
  ASSERT_EQ(mkdir("foo"), Errno::kOk);
  ASSERT_EQ(echo("instances/foo/set_ftrace_notrace_pid", "3"), Errno::kOk);
  EXPECT_FALSE(tracing_->find("foo")->pid_allowed(3));
  EXPECT_TRUE(tracing_->top().pid_allowed(3));
}

TEST_F(AvailableFilterFunctions, ListsPatchableFunctionsOnePerLine) {
  std::string text = cat("available_filter_functions");
  EXPECT_EQ(text.rfind("kmalloc\nkmalloc_node\nkfree\n", 0), 0u);
  EXPECT_EQ(text.find("trace_entry_stub"), std::string::npos);
}

TEST_F(AvailableFilterFunctions, SmallReadsSeeTheSameText) {
  EXPECT_EQ(cat("available_filter_functions", 3), cat("available_filter_functions"));
}

TEST_F(WantsFunction, EverythingWhenFiltersAreEmpty) {
  EXPECT_TRUE(tracing_->top().wants_function(0x1000));
  EXPECT_TRUE(tracing_->top().wants_function(0x8000));
}

TEST_F(WantsFunction, FilterAndNotNotrace) {
  ASSERT_EQ(echo("set_ftrace_filter", "kmalloc*"), Errno::kOk);
  ASSERT_EQ(echo("set_ftrace_notrace", "kmalloc_node"), Errno::kOk);
  EXPECT_TRUE(tracing_->top().wants_function(0x1000));
  EXPECT_FALSE(tracing_->top().wants_function(0x2000));
  EXPECT_FALSE(tracing_->top().wants_function(0x3000));
}

TEST_F(SetFtraceFilter, CountedTraceoffSpendsItsCountOnlyWhenItTurnsTracingOff) {
  ASSERT_EQ(echo("set_ftrace_filter", "kfree:traceoff:3"), Errno::kOk);
  call(*tracing_, 0x3010);
  call(*tracing_, 0x3010);
  EXPECT_EQ(cat("tracing_on"), "0\n");
  EXPECT_EQ(cat("set_ftrace_filter"), "#### all functions enabled ####\nkfree:traceoff:count=2\n");
  ASSERT_EQ(echo("tracing_on", "1"), Errno::kOk);
  call(*tracing_, 0x3010);
  EXPECT_EQ(cat("tracing_on"), "0\n");
  EXPECT_EQ(cat("set_ftrace_filter"), "#### all functions enabled ####\nkfree:traceoff:count=1\n");
}

TEST_F(SetFtraceFilter, SpentTraceoffLeavesTracingOn) {
  ASSERT_EQ(echo("set_ftrace_filter", "kfree:traceoff:1"), Errno::kOk);
  call(*tracing_, 0x3010);
  ASSERT_EQ(echo("tracing_on", "1"), Errno::kOk);
  call(*tracing_, 0x3010);
  EXPECT_EQ(cat("tracing_on"), "1\n");
}

TEST_F(SetFtraceFilter, CountedProbeIsRemovedByTheFormItIsListedIn) {
  ASSERT_EQ(echo("set_ftrace_filter", "kfree:traceoff:3"), Errno::kOk);
  ASSERT_EQ(echo("set_ftrace_filter", "!kfree:traceoff:count=3"), Errno::kOk);
  EXPECT_EQ(cat("set_ftrace_filter"), "#### all functions enabled ####\n");
  EXPECT_FALSE(tracing_->has_probe(0x3000));
}

TEST_F(SetFtraceFilter, StacktraceProbeRecordsTheCallChain) {
  Platform with_stack = platform();
  with_stack.walk_stack = walk_two_fake_frames;
  install_platform(with_stack);
  ASSERT_EQ(echo("set_ftrace_filter", "kfree:stacktrace"), Errno::kOk);
  EXPECT_EQ(cat("set_ftrace_filter"),
            "#### all functions enabled ####\nkfree:stacktrace:unlimited\n");
  call(*tracing_, 0x3010, 0x4020);
  std::string trace = cat("trace");
  EXPECT_NE(trace.find(": <stack trace>\n => kfree\n => vfs_read\n => vfs_write\n => do_softirq\n"),
            std::string::npos)
      << trace;
}

TEST_F(SetFtraceFilter, StacktraceProbeRecordsNothingWhileTracingIsOff) {
  ASSERT_EQ(echo("set_ftrace_filter", "kfree:stacktrace:1"), Errno::kOk);
  ASSERT_EQ(echo("tracing_on", "0"), Errno::kOk);
  call(*tracing_, 0x3010);
  EXPECT_EQ(cat("set_ftrace_filter"),
            "#### all functions enabled ####\nkfree:stacktrace:count=1\n");
}

TEST_F(SetFtraceFilter, EnableEventProbePutsTheEventInSoftModeDisabled) {
  ASSERT_EQ(echo("set_ftrace_filter", "kfree:enable_event:sched:sched_switch"), Errno::kOk);
  EXPECT_EQ(cat("set_ftrace_filter"),
            "#### all functions enabled ####\nkfree:enable_event:sched:sched_switch:unlimited\n");
  EXPECT_EQ(cat("events/sched/sched_switch/enable"), "0*\n");
}

TEST_F(SetFtraceFilter, EnableEventProbeEnablesOnAHitAndAgainAfterADisable) {
  ASSERT_EQ(echo("set_ftrace_filter", "kfree:enable_event:sched:sched_switch"), Errno::kOk);
  call(*tracing_, 0x3010);
  EXPECT_EQ(cat("events/sched/sched_switch/enable"), "1*\n");
  ASSERT_EQ(echo("events/sched/sched_switch/enable", "0"), Errno::kOk);
  EXPECT_EQ(cat("events/sched/sched_switch/enable"), "0*\n");
  call(*tracing_, 0x3010);
  EXPECT_EQ(cat("events/sched/sched_switch/enable"), "1*\n");
}

TEST_F(SetFtraceFilter, RemovingTheEnableEventProbeKeepsTheStateItLeft) {
  ASSERT_EQ(echo("set_ftrace_filter", "kfree:enable_event:sched:sched_switch"), Errno::kOk);
  call(*tracing_, 0x3010);
  ASSERT_EQ(echo("set_ftrace_filter", "!kfree:enable_event:sched:sched_switch"), Errno::kOk);
  EXPECT_EQ(cat("events/sched/sched_switch/enable"), "1\n");
}

TEST_F(SetFtraceFilter, CountedEnableEventSpendsACountPerChange) {
  ASSERT_EQ(echo("set_ftrace_filter", "kfree:enable_event:sched:sched_switch:2"), Errno::kOk);
  call(*tracing_, 0x3010);
  call(*tracing_, 0x3010);
  EXPECT_EQ(cat("set_ftrace_filter"),
            "#### all functions enabled ####\nkfree:enable_event:sched:sched_switch:count=1\n");
  ASSERT_EQ(echo("events/sched/sched_switch/enable", "0"), Errno::kOk);
  call(*tracing_, 0x3010);
  ASSERT_EQ(echo("events/sched/sched_switch/enable", "0"), Errno::kOk);
  call(*tracing_, 0x3010);
  EXPECT_EQ(cat("events/sched/sched_switch/enable"), "0*\n");
  ASSERT_EQ(echo("set_ftrace_filter", "!kfree:enable_event:sched:sched_switch:count=0"),
            Errno::kOk);
  EXPECT_EQ(cat("events/sched/sched_switch/enable"), "0\n");
}

TEST_F(SetFtraceFilter, DisableEventProbeDisablesAnEnabledEvent) {
  ASSERT_EQ(echo("events/sched/sched_switch/enable", "1"), Errno::kOk);
  ASSERT_EQ(echo("set_ftrace_filter", "kfree:disable_event:sched:sched_switch"), Errno::kOk);
  EXPECT_EQ(cat("events/sched/sched_switch/enable"), "1*\n");
  call(*tracing_, 0x3010);
  EXPECT_EQ(cat("events/sched/sched_switch/enable"), "0*\n");
  ASSERT_EQ(echo("events/sched/sched_switch/enable", "1"), Errno::kOk);
  EXPECT_EQ(cat("events/sched/sched_switch/enable"), "1*\n");
  ASSERT_EQ(echo("set_ftrace_filter", "!kfree:disable_event:sched:sched_switch"), Errno::kOk);
  EXPECT_EQ(cat("events/sched/sched_switch/enable"), "1\n");
}

TEST_F(SetFtraceFilter, EnableEventOfAnUnknownEventIsEinval) {
  EXPECT_EQ(echo("set_ftrace_filter", "kfree:enable_event:sched:nosuch"), Errno::kInval);
  EXPECT_EQ(echo("set_ftrace_filter", "kfree:enable_event:sched"), Errno::kInval);
}

TEST_F(SetFtraceFilter, ModuleEntryIsKeptAndListedAfterTheNames) {
  ASSERT_EQ(echo("set_ftrace_filter", "non_exist_func:mod:non_exist_module"), Errno::kOk);
  EXPECT_EQ(cat("set_ftrace_filter"),
            "#### all functions enabled ####\nnon_exist_func:mod:non_exist_module\n");
  EXPECT_TRUE(tracing_->top().wants_function(0x3000));
}

TEST_F(SetFtraceFilter, TruncatingOpenDropsModuleEntries) {
  ASSERT_EQ(echo("set_ftrace_filter", "f:mod:m"), Errno::kOk);
  ASSERT_EQ(echo("set_ftrace_filter", "kfree"), Errno::kOk);
  EXPECT_EQ(cat("set_ftrace_filter"), "kfree\n");
}

TEST_F(SetFtraceFilter, BangRemovesModuleEntriesAndIsEinvalWithoutOne) {
  ASSERT_EQ(echo("set_ftrace_filter", "f:mod:m"), Errno::kOk);
  ASSERT_EQ(echo_append("set_ftrace_filter", "g:mod:m"), Errno::kOk);
  ASSERT_EQ(echo_append("set_ftrace_filter", "!f:mod:m"), Errno::kOk);
  EXPECT_EQ(cat("set_ftrace_filter"), "#### all functions enabled ####\ng:mod:m\n");
  ASSERT_EQ(echo_append("set_ftrace_filter", "!*:mod:m"), Errno::kOk);
  EXPECT_EQ(echo_append("set_ftrace_filter", "!g:mod:m"), Errno::kInval);
}

TEST_F(SetFtraceNotrace, ModuleEntryIsKeptToo) {
  ASSERT_EQ(echo("set_ftrace_notrace", "f:mod:m"), Errno::kOk);
  EXPECT_EQ(cat("set_ftrace_notrace"), "#### no functions disabled ####\nf:mod:m\n");
}
