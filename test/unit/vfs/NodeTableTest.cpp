// The node table as a 9P server uses it: walk, readdir, getattr, open flags, mounts, and
// instances/ (mkdir, rmdir).
#include "TracefsFixture.h"
#include "trace/Events.h"

using namespace tg;
using namespace tg::test;

namespace {
class NodeTable : public TracefsTest {};
class Modes : public TracefsTest {};
class Instances : public TracefsTest {};

Result<bool> workloads_show(vfs::OpenFile&, String& out) {
  TRY(out.append("alloc\npingpong\n"));
  return false;
}
constexpr vfs::FileOps kAvailableOps = {.show = workloads_show};
constexpr vfs::Node kWorkloadFiles[] = {vfs::file_node("available", 0440, &kAvailableOps)};
constexpr vfs::Node kWorkloads = vfs::directory_node("", 0700, kWorkloadFiles);
}  // namespace

TEST_F(NodeTable, RootHoldsTheMounts) {
  vfs::NodeRef child;
  ASSERT_TRUE(table_.entry_at(table_.root(), 0, child).value());
  EXPECT_EQ(child.name_view(), StringView("tracing"));
  EXPECT_FALSE(table_.entry_at(table_.root(), 1, child).value());
}

TEST_F(NodeTable, PlatformMountsItsOwnTree) {
  ASSERT_TRUE(table_.mount({"workloads", &kWorkloads}).ok());
  auto ref = table_.lookup("workloads/available");
  ASSERT_TRUE(ref.ok());
  auto file = table_.open(ref.value(), vfs::kOpenReadOnly);
  ASSERT_TRUE(file.ok());
  char buffer[64];
  auto n = table_.read(*file.value(), 0, Span<char>(buffer, sizeof buffer));
  EXPECT_EQ(std::string(buffer, n.value()), "alloc\npingpong\n");
  table_.release(file.release_value());
}

TEST_F(NodeTable, MountingTheSameNameTwiceIsEexist) {
  EXPECT_EQ(table_.mount({"tracing", &kWorkloads}).error(), Errno::kExist);
}

TEST_F(NodeTable, MissingNameIsEnoent) {
  EXPECT_EQ(table_.lookup("tracing/nosuch").error(), Errno::kNoEnt);
}

TEST_F(NodeTable, WalkingThroughAFileIsEnotdir) {
  EXPECT_EQ(table_.lookup("tracing/trace/x").error(), Errno::kNotDir);
}

TEST_F(NodeTable, SlashesAreForgiving) {
  EXPECT_TRUE(table_.lookup("/tracing//per_cpu/cpu1/").ok());
}

TEST_F(NodeTable, InodesAreStableAndDistinct) {
  auto a = table_.getattr(table_.lookup("tracing/per_cpu/cpu0/trace").value());
  auto b = table_.getattr(table_.lookup("tracing/per_cpu/cpu1/trace").value());
  auto again = table_.getattr(table_.lookup("tracing/per_cpu/cpu0/trace").value());
  EXPECT_NE(a.inode, b.inode);
  EXPECT_EQ(a.inode, again.inode);
  EXPECT_EQ(a.size, 0u);
}

TEST_F(NodeTable, ReadingADirectoryIsEisdir) {
  auto file = table_.open(table_.lookup("tracing/events").value(), vfs::kOpenReadOnly);
  ASSERT_TRUE(file.ok());
  char buffer[8];
  EXPECT_EQ(table_.read(*file.value(), 0, Span<char>(buffer, 8)).error(), Errno::kIsDir);
  table_.release(file.release_value());
}

TEST_F(NodeTable, OpeningADirectoryForWriteIsEisdir) {
  EXPECT_EQ(table_.open(table_.lookup("tracing/events").value(), vfs::kOpenWriteOnly).error(),
            Errno::kIsDir);
}

TEST_F(NodeTable, WritingAFileOpenedReadOnlyIsEbadf) {
  auto file = open("tracing_on", vfs::kOpenReadOnly);
  ASSERT_TRUE(file.ok());
  EXPECT_EQ(table_.write(*file.value(), 0, "0\n").error(), Errno::kBadF);
  table_.release(file.release_value());
}

TEST_F(NodeTable, CreatingAFileIsEacces) {
  EXPECT_EQ(table_.create(table_.lookup("tracing").value(), "newfile").error(), Errno::kAccess);
}

TEST_F(NodeTable, TopLevelHasLinuxFiles) {
  auto names = ls("");
  for (const char* name : {"README",
                           "available_events",
                           "available_filter_functions",
                           "available_tracers",
                           "buffer_size_kb",
                           "buffer_total_size_kb",
                           "current_tracer",
                           "error_log",
                           "events",
                           "instances",
                           "max_graph_depth",
                           "options",
                           "per_cpu",
                           "set_event",
                           "set_ftrace_filter",
                           "set_ftrace_notrace",
                           "set_ftrace_pid",
                           "set_ftrace_notrace_pid",
                           "set_event_notrace_pid",
                           "set_graph_function",
                           "set_graph_notrace",
                           "trace",
                           "trace_clock",
                           "trace_marker",
                           "trace_options",
                           "trace_pipe",
                           "tracing_on",
                           "tracing_thresh"})
    EXPECT_NE(std::find(names.begin(), names.end(), name), names.end()) << name;
}

TEST_F(NodeTable, ReadmeIsOurs) {
  EXPECT_EQ(cat("README").rfind("tracegate", 0), 0u);
}

TEST_F(Modes, MatchLinux) {
  EXPECT_EQ(table_.getattr(table_.lookup("tracing").value()).mode, vfs::kModeDirectory | 0700);
  EXPECT_EQ(mode_of("current_tracer"), vfs::kModeRegular | 0640);
  EXPECT_EQ(mode_of("trace_pipe"), vfs::kModeRegular | 0440);
  EXPECT_EQ(mode_of("README"), vfs::kModeRegular | 0440);
  EXPECT_EQ(mode_of("buffer_total_size_kb"), vfs::kModeRegular | 0440);
  EXPECT_EQ(mode_of("trace_marker"), vfs::kModeRegular | 0220);
  EXPECT_EQ(mode_of("instances"), vfs::kModeDirectory | 0750);
  EXPECT_EQ(mode_of("options"), vfs::kModeDirectory | 0750);
  EXPECT_EQ(mode_of("events"), vfs::kModeDirectory | 0755);
}

TEST_F(Instances, MkdirMakesAnIndependentTree) {
  ASSERT_EQ(mkdir("foo"), Errno::kOk);
  EXPECT_EQ(ls("instances"), std::vector<std::string>{"foo"});
  EXPECT_EQ(cat("instances/foo/current_tracer"), "nop\n");
  EXPECT_EQ(cat("instances/foo/buffer_size_kb"), "1410\n");
  EXPECT_EQ(cat("instances/foo/tracing_on"), "1\n");
  ASSERT_EQ(mark("inst-marker", 0, "instances/foo/"), Errno::kOk);
  EXPECT_EQ(trace_lines("instances/foo/trace").size(), 1u);
  EXPECT_EQ(trace_lines().size(), 0u);
}

TEST_F(Instances, HoldTheLinuxSubset) {
  ASSERT_EQ(mkdir("foo"), Errno::kOk);
  auto names = ls("instances/foo");
  for (const char* absent : {"tracing_thresh", "available_filter_functions", "README", "instances",
                             "set_graph_function", "max_graph_depth"})
    EXPECT_EQ(std::find(names.begin(), names.end(), absent), names.end()) << absent;
  for (const char* present : {"per_cpu", "events", "options", "trace_pipe", "set_event"})
    EXPECT_NE(std::find(names.begin(), names.end(), present), names.end()) << present;
  EXPECT_EQ(ls("instances/foo/per_cpu/cpu0").size(), 6u);
}

TEST_F(Instances, MkdirExistingIsEexist) {
  ASSERT_EQ(mkdir("foo"), Errno::kOk);
  EXPECT_EQ(mkdir("foo"), Errno::kExist);
}

TEST_F(Instances, NamesMayHaveSpaces) {
  EXPECT_EQ(mkdir("a b"), Errno::kOk);
  EXPECT_EQ(cat("instances/a b/tracing_on"), "1\n");
}

TEST_F(Instances, RmdirRemoves) {
  ASSERT_EQ(mkdir("foo"), Errno::kOk);
  ASSERT_EQ(mkdir("bar"), Errno::kOk);
  EXPECT_EQ(rmdir("foo"), Errno::kOk);
  EXPECT_EQ(ls("instances"), std::vector<std::string>{"bar"});
}

TEST_F(Instances, RmdirMissingIsEnoent) {
  EXPECT_EQ(rmdir("nonexist"), Errno::kNoEnt);
}

TEST_F(Instances, RmdirWhileTracePipeOpenIsEbusy) {
  ASSERT_EQ(mkdir("busy"), Errno::kOk);
  auto pipe = open("instances/busy/trace_pipe", vfs::kOpenReadOnly | vfs::kOpenNonBlock);
  ASSERT_TRUE(pipe.ok());
  EXPECT_EQ(rmdir("busy"), Errno::kBusy);
  table_.release(pipe.release_value());
  EXPECT_EQ(rmdir("busy"), Errno::kOk);
}

TEST_F(Instances, RmdirWhileAnyFileOpenIsEbusy) {
  ASSERT_EQ(mkdir("busy"), Errno::kOk);
  auto file = open("instances/busy/tracing_on", vfs::kOpenReadOnly);
  ASSERT_TRUE(file.ok());
  EXPECT_EQ(rmdir("busy"), Errno::kBusy);
  table_.release(file.release_value());
}

// Linux 6.12 runs function_graph in instances (several fgraph users), and the latency
// tracers; function_duration, tracegate's own, runs at the top only.
TEST_F(Instances, OfferEveryTracerButFunctionDuration) {
  ASSERT_EQ(mkdir("foo"), Errno::kOk);
  EXPECT_EQ(
      cat("instances/foo/available_tracers"),
      "function_graph wakeup_dl wakeup_rt wakeup preemptirqsoff preemptoff irqsoff function nop\n");
  EXPECT_EQ(cat("available_tracers"),
            "function_duration function_graph wakeup_dl wakeup_rt wakeup preemptirqsoff preemptoff "
            "irqsoff function nop\n");
}

TEST_F(Instances, RefuseFunctionDurationWithEinval) {
  ASSERT_EQ(mkdir("foo"), Errno::kOk);
  EXPECT_EQ(echo("instances/foo/current_tracer", "function_duration"), Errno::kInval);
  EXPECT_EQ(cat("instances/foo/current_tracer"), "nop\n");
  EXPECT_EQ(echo("instances/foo/current_tracer", "function_graph"), Errno::kOk);
  EXPECT_EQ(cat("instances/foo/current_tracer"), "function_graph\n");
  EXPECT_EQ(echo("instances/foo/current_tracer", "function"), Errno::kOk);
  EXPECT_EQ(cat("instances/foo/current_tracer"), "function\n");
  EXPECT_EQ(cat("current_tracer"), "nop\n");
}

std::vector<std::string> recorder_names(trace::Tracing& tracing) {
  std::vector<std::string> names;
  tracing.for_each_recorder([&](trace::TraceInstance& instance) {
    names.emplace_back(instance.name().data(), instance.name().size());
  });
  return names;
}

TEST_F(Instances, RecordersSeeEveryLiveInstanceAndReuseFreedSlots) {
  ASSERT_EQ(mkdir("a"), Errno::kOk);
  ASSERT_EQ(mkdir("b"), Errno::kOk);
  EXPECT_EQ(recorder_names(*tracing_), (std::vector<std::string>{"", "a", "b"}));
  ASSERT_EQ(rmdir("a"), Errno::kOk);
  EXPECT_EQ(recorder_names(*tracing_), (std::vector<std::string>{"", "b"}));
  ASSERT_EQ(mkdir("c"), Errno::kOk);
  EXPECT_EQ(recorder_names(*tracing_), (std::vector<std::string>{"", "c", "b"}));
  EXPECT_EQ(ls("instances"), (std::vector<std::string>{"b", "c"}));
}

TEST_F(Instances, MkdirBeyondTheTableIsEnospc) {
  for (usize i = 1; i < trace::Tracing::kMaxInstances; ++i)
    ASSERT_EQ(mkdir("i" + std::to_string(i)), Errno::kOk) << i;
  EXPECT_EQ(mkdir("one-too-many"), Errno::kNoSpc);
  ASSERT_EQ(rmdir("i5"), Errno::kOk);
  EXPECT_EQ(mkdir("one-too-many"), Errno::kOk);
}

TEST_F(Instances, EventsRecordIntoEachInstanceThatEnablesThem) {
  ASSERT_EQ(mkdir("foo"), Errno::kOk);
  ASSERT_EQ(echo("instances/foo/events/sched/sched_wakeup/enable", "1"), Errno::kOk);
  trace::RecordContext ctx{0, 7, 0, 0};
  tracing_->for_each_recorder([&](trace::TraceInstance& instance) {
    trace::emit_sched_wakeup(instance, ctx, "worker", 42, 120, 1);
  });
  auto lines = trace_lines("instances/foo/trace");
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_NE(lines[0].find("sched_wakeup: comm=worker pid=42 prio=120 target_cpu=001"),
            std::string::npos)
      << lines[0];
  EXPECT_EQ(trace_lines().size(), 0u);
}

TEST_F(Instances, NestedMkdirIsEperm) {
  ASSERT_EQ(mkdir("foo"), Errno::kOk);
  auto foo = table_.lookup("tracing/instances/foo");
  EXPECT_EQ(table_.mkdir(foo.value(), "sub").error(), Errno::kPerm);
}

TEST_F(Instances, CreatingAFileInInstancesIsEacces) {
  ASSERT_EQ(mkdir("foo"), Errno::kOk);
  EXPECT_EQ(table_.create(table_.lookup("tracing/instances/foo").value(), "newfile").error(),
            Errno::kAccess);
}

TEST_F(Instances, RefIntoARemovedInstanceIsEnoent) {
  ASSERT_EQ(mkdir("gone"), Errno::kOk);
  auto ref = table_.lookup("tracing/instances/gone/tracing_on");
  ASSERT_TRUE(ref.ok());
  ASSERT_EQ(rmdir("gone"), Errno::kOk);
  EXPECT_EQ(table_.open(ref.value(), vfs::kOpenReadOnly).error(), Errno::kNoEnt);
}

TEST_F(NodeTable, ResolvesInodesOfWalkedNodes) {
  auto ref = table_.lookup("tracing/per_cpu/cpu1/stats");
  ASSERT_TRUE(ref.ok());
  u64 inode = table_.getattr(ref.value()).inode;
  auto again = table_.resolve(inode);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again.value().name_view(), StringView("stats"));
  EXPECT_EQ(again.value().context.cpu, 1);
}

TEST_F(NodeTable, ParentOfNamesTheDirectory) {
  auto ref = table_.lookup("tracing/per_cpu/cpu1");
  ASSERT_TRUE(ref.ok());
  auto parent = table_.parent_of(table_.getattr(ref.value()).inode);
  ASSERT_TRUE(parent.ok());
  EXPECT_EQ(parent.value().name_view(), StringView("per_cpu"));
  EXPECT_EQ(table_.parent_of(1).value().node, table_.root().node);
}

TEST_F(NodeTable, UnknownInodeIsEnoent) {
  EXPECT_EQ(table_.resolve(12345).error(), Errno::kNoEnt);
}

TEST_F(Instances, InodeOfARemovedInstanceNoLongerResolves) {
  ASSERT_EQ(mkdir("gone"), Errno::kOk);
  auto ref = table_.lookup("tracing/instances/gone/trace");
  ASSERT_TRUE(ref.ok());
  u64 inode = table_.getattr(ref.value()).inode;
  ASSERT_EQ(rmdir("gone"), Errno::kOk);
  EXPECT_EQ(table_.resolve(inode).error(), Errno::kNoEnt);
}
