#include "TraceAnalysis.h"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

namespace tracegate {
namespace {

namespace json = boost::json;

constexpr const char* kTrace =
    "# tracer: function_graph\n"
    "#\n"
    " 0)               |  outer() {\n"
    " 0)   1.000 us    |    leaf();\n"
    " 0)   2.000 us    |    leaf();\n"
    " 0) + 10.000 us   |  }\n";

std::string name_of(const json::object& out, const json::value& id) {
  return std::string(out.at("names").as_array().at(id.to_number<std::uint64_t>()).as_string());
}

TEST(TraceAnalysis, CallsNestUnderTheirTaskWithDurations) {
  json::object out = json::parse(analyse_trace(kTrace, "function_graph\n", 100)).as_object();
  EXPECT_EQ(out.at("tracer").as_string(), "function_graph");
  EXPECT_EQ(out.at("stats").at("calls").to_number<std::uint64_t>(), 3u);
  const json::array& tasks = out.at("tasks").as_array();
  ASSERT_EQ(tasks.size(), 1u);
  const json::object& outer = tasks[0].at("calls").as_array().at(0).as_object();
  EXPECT_EQ(name_of(out, outer.at("f")), "outer");
  EXPECT_EQ(outer.at("duration_ns").to_number<std::uint64_t>(), 10000u);
  EXPECT_EQ(outer.at("self_ns").to_number<std::uint64_t>(), 7000u);
  EXPECT_EQ(outer.at("children").as_array().size(), 2u);
  EXPECT_FALSE(out.at("calls_truncated").as_bool());
}

TEST(TraceAnalysis, TheCallBudgetCutsTheTreeAndSaysSo) {
  json::object out = json::parse(analyse_trace(kTrace, "function_graph\n", 2)).as_object();
  EXPECT_TRUE(out.at("calls_truncated").as_bool());
  EXPECT_EQ(out.at("calls_written").to_number<std::uint64_t>(), 2u);
  const json::object& outer = out.at("tasks").at(0).at("calls").at(0).as_object();
  EXPECT_EQ(outer.at("n").to_number<std::uint64_t>(), 2u);
  EXPECT_EQ(outer.at("children").as_array().size(), 1u);
}

TEST(TraceAnalysis, EveryTaskGetsItsShareOfTheBudgetOutermostFirst) {
  // CPU 0 has four calls and would spend a budget of 2 alone, depth first or level by level;
  // CPU 1's one call must still be sent, and CPU 0's share goes to its first outermost call.
  const std::string trace =
      std::string(kTrace) + " 0)   3.000 us    |  later();\n 1)   5.000 us    |  other();\n";
  json::object out = json::parse(analyse_trace(trace, "function_graph\n", 2)).as_object();
  const json::array& tasks = out.at("tasks").as_array();
  ASSERT_EQ(tasks.size(), 2u);
  const json::array& first = tasks[0].at("calls").as_array();
  ASSERT_EQ(first.size(), 1u);
  EXPECT_EQ(tasks[0].at("n").to_number<std::uint64_t>(), 2u);  // outer and later
  // The task's time counts the outer call that was not sent.
  EXPECT_EQ(tasks[0].at("duration_ns").to_number<std::uint64_t>(), 13000u);
  EXPECT_EQ(tasks[1].at("duration_ns").to_number<std::uint64_t>(), 5000u);
  EXPECT_FALSE(tasks[1].as_object().contains("n"));
  EXPECT_EQ(name_of(out, first[0].at("f")), "outer");
  EXPECT_EQ(first[0].at("n").to_number<std::uint64_t>(), 2u);
  EXPECT_TRUE(first[0].at("children").as_array().empty());
  ASSERT_EQ(tasks[1].at("calls").as_array().size(), 1u);
  EXPECT_EQ(name_of(out, tasks[1].at("calls").at(0).at("f")), "other");
  EXPECT_EQ(out.at("calls_written").to_number<std::uint64_t>(), 2u);
  EXPECT_TRUE(out.at("calls_truncated").as_bool());
}

TEST(TraceAnalysis, BreakdownAndFlameCarrySelfTimes) {
  json::object out = json::parse(analyse_trace(kTrace, "function_graph\n", 100)).as_object();
  const json::array& breakdown = out.at("breakdown").as_array();
  ASSERT_EQ(breakdown.size(), 2u);
  EXPECT_EQ(name_of(out, breakdown[0].at("f")), "outer");
  EXPECT_EQ(breakdown[1].at("calls").to_number<std::uint64_t>(), 2u);
  EXPECT_EQ(out.at("flame").at("total_ns").to_number<std::uint64_t>(), 10000u);
}

TEST(TraceAnalysis, ATraceWithoutCallsIsEmptyNotAnError) {
  json::object out = json::parse(analyse_trace("# tracer: nop\n", "nop\n", 100)).as_object();
  EXPECT_EQ(out.at("stats").at("calls").to_number<std::uint64_t>(), 0u);
  EXPECT_EQ(out.at("flame").at("total_ns").to_number<std::uint64_t>(), 0u);
}

}  // namespace
}  // namespace tracegate
