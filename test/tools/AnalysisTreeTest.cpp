// The call tree, the self time per task and the flame graph's tree, as the page gets them.
#include <gtest/gtest.h>

#include "CallTree.h"
#include "FlameGraph.h"
#include "SelfTime.h"
#include "TraceReader.h"

using namespace tg::analysis;

namespace {

constexpr const char* kNested =
    "# tracer: function_graph\n"
    "#\n"
    " 0)               |  outer() {\n"
    " 0)   1.000 us    |    leaf();\n"
    " 0)               |    middle() {\n"
    " 0)   2.000 us    |      leaf();\n"
    " 0)   5.000 us    |    }\n"
    " 0) + 10.000 us   |  }\n";

struct Analysed {
  NameTable names;
  CallAssembler calls{names};
  CallTree tree;
  SelfTime self_time;
  FlameGraph flame{calls, CallFilter{}};

  explicit Analysed(const char* text) {
    calls.add_sink(tree);
    calls.add_sink(self_time);
    calls.add_sink(flame);
    for_each_line(text, [&](std::string_view, const TraceItem& item) { calls.consume(item); });
    calls.finish();
  }
  std::string name(const CallTree::Node& node) const {
    return std::string(names.name(node.function));
  }
};

TEST(CallTree, NestsCallsAsTheGraphPrintsThem) {
  Analysed trace(kNested);
  ASSERT_EQ(trace.calls.task_count(), 1u);
  const auto& roots = trace.tree.roots(0);
  ASSERT_EQ(roots.size(), 1u);
  const auto& outer = trace.tree.node(roots[0]);
  EXPECT_EQ(trace.name(outer), "outer");
  EXPECT_EQ(outer.duration_ns, 10000u);
  EXPECT_EQ(outer.self_ns, 4000u);
  ASSERT_EQ(outer.children.size(), 2u);
  EXPECT_EQ(trace.name(trace.tree.node(outer.children[0])), "leaf");
  const auto& middle = trace.tree.node(outer.children[1]);
  EXPECT_EQ(trace.name(middle), "middle");
  EXPECT_EQ(middle.self_ns, 3000u);
  ASSERT_EQ(middle.children.size(), 1u);
  EXPECT_EQ(trace.tree.node(middle.children[0]).duration_ns, 2000u);
}

TEST(CallTree, ACallWithoutItsReturnIsAnUnfinishedRootWithItsChildren) {
  Analysed trace(
      " 0)               |  outer() {\n"
      " 0)   1.000 us    |    leaf();\n");
  const auto& roots = trace.tree.roots(0);
  ASSERT_EQ(roots.size(), 1u);
  const auto& outer = trace.tree.node(roots[0]);
  EXPECT_EQ(trace.name(outer), "outer");
  EXPECT_FALSE(outer.finished);
  ASSERT_EQ(outer.children.size(), 1u);
  EXPECT_TRUE(trace.tree.node(outer.children[0]).finished);
}

TEST(SelfTime, SumsSelfTimePerFunctionPerTaskLargestFirst) {
  Analysed trace(kNested);
  auto rows = trace.self_time.rows();
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(trace.names.name(rows[0].function), "outer");
  EXPECT_EQ(rows[0].self_ns, 4000u);
  EXPECT_EQ(trace.names.name(rows[1].function), "leaf");
  EXPECT_EQ(rows[1].self_ns, 3000u);
  EXPECT_EQ(rows[1].calls, 2u);
  EXPECT_EQ(trace.names.name(rows[2].function), "middle");
}

TEST(FlameGraphTree, TotalsAreSelfPlusChildrenUnderOneFramePerTask) {
  Analysed trace(kNested);
  FlameGraph::Frame root = trace.flame.tree();
  EXPECT_EQ(root.total_ns, 10000u);
  ASSERT_EQ(root.children.size(), 1u);
  const auto& task = root.children[0];
  EXPECT_EQ(task.name, "cpu0");
  ASSERT_EQ(task.children.size(), 1u);
  const auto& outer = task.children[0];
  EXPECT_EQ(outer.name, "outer");
  EXPECT_EQ(outer.self_ns, 4000u);
  ASSERT_EQ(outer.children.size(), 2u);
  EXPECT_EQ(outer.children[0].name, "leaf");
  EXPECT_EQ(outer.children[1].name, "middle");
  EXPECT_EQ(outer.children[1].total_ns, 5000u);
  EXPECT_EQ(trace.flame.total_ns(), root.total_ns);
}

}  // namespace
