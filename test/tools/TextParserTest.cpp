#include <gtest/gtest.h>

#include "TextParser.h"

using namespace tg::analysis;

TEST(TextParser, GraphEntryGivesCpuDepthAndName) {
  TraceItem item = parse_line(" 1)               |    kmem_cache_alloc() {");
  EXPECT_EQ(item.kind, ItemKind::kGraphEntry);
  EXPECT_EQ(item.cpu, 1);
  EXPECT_EQ(item.depth, 1);
  EXPECT_EQ(item.name, "kmem_cache_alloc");
  EXPECT_FALSE(item.has_duration);
}

TEST(TextParser, GraphLeafWithMarkKeepsQualifiedNameAndDuration) {
  TraceItem item = parse_line(" 0) + 19.337 us   |            KmemCache::grow();");
  EXPECT_EQ(item.kind, ItemKind::kGraphLeaf);
  EXPECT_EQ(item.depth, 5);
  EXPECT_EQ(item.name, "KmemCache::grow");
  EXPECT_EQ(item.duration_ns, 19337u);
}

TEST(TextParser, BareBraceIsAReturnWithoutName) {
  TraceItem item = parse_line(" 0) ! 826.700 us  |        }");
  EXPECT_EQ(item.kind, ItemKind::kGraphReturn);
  EXPECT_EQ(item.depth, 3);
  EXPECT_EQ(item.name, "");
  EXPECT_EQ(item.duration_ns, 826700u);
}

TEST(TextParser, TailCommentNamesTheReturnedFunction) {
  TraceItem item = parse_line(" 1) + 57.640 us   |        } /* __schedule */");
  EXPECT_EQ(item.kind, ItemKind::kGraphReturn);
  EXPECT_EQ(item.name, "__schedule");
}

TEST(TextParser, RetvalCommentStillNamesTheFunction) {
  TraceItem item = parse_line(" 0)   1.000 us    |  } /* vfs_read = -22 */");
  EXPECT_EQ(item.name, "vfs_read");
}

TEST(TextParser, SevenDigitDurationHasNoDecimals) {
  TraceItem item = parse_line(" 0) $ 1234567 us  |  idle();");
  EXPECT_EQ(item.kind, ItemKind::kGraphLeaf);
  EXPECT_EQ(item.duration_ns, 1234567000u);
}

TEST(TextParser, AbstimeAndProcColumns) {
  TraceItem item = parse_line("   22.725560 |   1)    9p-rx-5     |   0.003 us    |    kmalloc();");
  EXPECT_EQ(item.kind, ItemKind::kGraphLeaf);
  EXPECT_TRUE(item.has_time);
  EXPECT_EQ(item.time_ns, 22725560000u);
  EXPECT_EQ(item.cpu, 1);
  EXPECT_EQ(item.comm, "9p-rx");
  EXPECT_EQ(item.pid, 5);
  EXPECT_EQ(item.depth, 1);
}

TEST(TextParser, GraphCommentIsAnEvent) {
  TraceItem item = parse_line(
      "   22.612707 |   0)      9p-4      |               |  /* sched_wakeup: comm=9p-rx pid=5 "
      "prio=120 target_cpu=000 */");
  EXPECT_EQ(item.kind, ItemKind::kEvent);
  EXPECT_EQ(item.name, "sched_wakeup");
  EXPECT_EQ(item.text, "comm=9p-rx pid=5 prio=120 target_cpu=000");
  EXPECT_EQ(item.pid, 4);
}

TEST(TextParser, TaskSwitchLineNamesBothTasks) {
  TraceItem item = parse_line(" 0)    <idle>-0    =>    9p-rx-5    ");
  EXPECT_EQ(item.kind, ItemKind::kTaskSwitch);
  EXPECT_EQ(item.cpu, 0);
  EXPECT_EQ(item.comm, "<idle>");
  EXPECT_EQ(item.pid, 0);
  EXPECT_EQ(item.next_comm, "9p-rx");
  EXPECT_EQ(item.next_pid, 5);
}

TEST(TextParser, DashedSeparatorIsNothing) {
  EXPECT_EQ(parse_line(" ------------------------------------------").kind, ItemKind::kNone);
}

TEST(TextParser, DurationLineHasCalltimeDepthAndName) {
  TraceItem item = parse_line(" 0)     0.000001062 |    0.001 us    |        KmemCache::grow");
  EXPECT_EQ(item.kind, ItemKind::kDurationCall);
  EXPECT_EQ(item.time_ns, 1062u);
  EXPECT_EQ(item.duration_ns, 1u);
  EXPECT_EQ(item.depth, 3);
  EXPECT_EQ(item.name, "KmemCache::grow");
}

TEST(TextParser, FunctionLineGivesTaskCpuTimeAndParent) {
  TraceItem item = parse_line(
      "       workloads-3       [001] d....    12.000345: KmemCache::grow <-KmemCache::allocate");
  EXPECT_EQ(item.kind, ItemKind::kFunctionHit);
  EXPECT_EQ(item.comm, "workloads");
  EXPECT_EQ(item.pid, 3);
  EXPECT_EQ(item.cpu, 1);
  EXPECT_EQ(item.time_ns, 12000345000u);
  EXPECT_EQ(item.name, "KmemCache::grow");
  EXPECT_EQ(item.text, "KmemCache::allocate");
}

TEST(TextParser, EventLineWithTgidColumn) {
  TraceItem item = parse_line(
      "          <idle>-0       (-------) [000] .....    1.000001: sched_switch: prev_comm=a");
  EXPECT_EQ(item.kind, ItemKind::kEvent);
  EXPECT_EQ(item.comm, "<idle>");
  EXPECT_EQ(item.name, "sched_switch");
  EXPECT_EQ(item.text, "prev_comm=a");
}

TEST(TextParser, LostEventsMark) {
  TraceItem item = parse_line("CPU:1 [LOST 42 EVENTS]");
  EXPECT_EQ(item.kind, ItemKind::kLostEvents);
  EXPECT_EQ(item.cpu, 1);
  EXPECT_EQ(item.lost, 42u);
}

TEST(TextParser, IrqArrows) {
  EXPECT_EQ(parse_line(" 0)   ==========> |").kind, ItemKind::kIrqEnter);
  EXPECT_EQ(parse_line(" 0)   <========== |").kind, ItemKind::kIrqExit);
}

TEST(TextParser, HeaderLines) {
  EXPECT_EQ(parse_line("# tracer: function_graph").kind, ItemKind::kHeader);
}

TEST(TextParser, WithoutContextInfoOnlyTheFunctionColumn) {
  TraceItem item = parse_line("    kmalloc() {");
  EXPECT_EQ(item.kind, ItemKind::kGraphEntry);
  EXPECT_EQ(item.depth, 2);
  EXPECT_EQ(item.cpu, -1);
}
