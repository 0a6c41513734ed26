// What must hold between the outputs, on every trace the kernel produced.
#include <gtest/gtest.h>

#include <algorithm>
#include <boost/json.hpp>
#include <map>

#include "ReportFixture.h"

using namespace tg::analysis;
using namespace tg::analysis::test;

namespace {

// Sums per task: the self time of every call, and the duration of the root calls.
class TaskSums : public CallSink {
 public:
  void on_call(const Call& call) override {
    self[call.task] += call.self_ns;
    if (call.depth == 0) roots[call.task] += call.duration_ns;
  }
  std::map<TaskId, std::uint64_t> self, roots;
};

TraceStats sum_per_task(const std::string& fixture, TaskSums& sums) {
  NameTable names;
  CallAssembler calls(names);
  calls.add_sink(sums);
  std::string error;
  auto reader = open_trace(fixture_path(fixture), error);
  EXPECT_TRUE(reader) << error;
  if (reader)
    reader->read([&](std::string_view, const TraceItem& item) { calls.consume(item); }, error);
  calls.finish();
  return calls.stats();
}

std::uint64_t folded_total(const std::string& folded) {
  std::uint64_t total = 0;
  std::istringstream lines(folded);
  for (std::string line; std::getline(lines, line);)
    total += std::stoull(line.substr(line.rfind(' ') + 1));
  return total;
}

// latency_us_self summed, in ns (the CSV prints three decimals: exact).
std::uint64_t csv_self_total(const std::string& csv) {
  std::uint64_t total = 0;
  std::istringstream lines(csv);
  std::string line;
  std::getline(lines, line);
  EXPECT_EQ(line, "function,tid,latency_us,latency_us_self");
  while (std::getline(lines, line)) {
    std::string self = line.substr(line.rfind(',') + 1);
    size_t dot = self.find('.');
    total += std::stoull(self.substr(0, dot)) * 1000 + std::stoull(self.substr(dot + 1));
  }
  return total;
}

class EveryFixture : public testing::TestWithParam<const char*> {};

struct Slice {
  double start, end;
  std::string name;
};

}  // namespace

// Traces cut at neither end (no return without its entry, no entry without its return).
TEST(SelfTimes, PerTaskTheySumToTheRootCallsDurations) {
  for (const char* fixture : {"fgraph-alloc.txt", "fgraph-kmalloc.txt",
                              "fgraph-pingpong-proc-abstime.txt", "fduration-alloc.txt"}) {
    TaskSums sums;
    TraceStats stats = sum_per_task(fixture, sums);
    ASSERT_EQ(stats.orphan_returns + stats.unfinished, 0u) << fixture;
    ASSERT_FALSE(sums.roots.empty()) << fixture;
    EXPECT_EQ(sums.self, sums.roots) << fixture;
  }
}

TEST(SelfTimes, ACutTraceStillAccountsEveryCompletedCall) {
  TaskSums sums;
  TraceStats stats = sum_per_task("fgraph-pingpong.txt", sums);
  // ping migrated to CPU 1 in the middle of __schedule: without funcgraph-proc the text
  // cannot say it is the same task, so its returns there are orphans.
  EXPECT_GT(stats.orphan_returns, 0u);
  EXPECT_GT(stats.unfinished, 0u);
  EXPECT_EQ(stats.calls, 53u);
}

TEST_P(EveryFixture, FoldedStacksAndCsvAgreeOnTotalSelfTime) {
  Outputs outputs = analyse(GetParam());
  EXPECT_EQ(folded_total(outputs.folded), csv_self_total(outputs.csv));
}

TEST_P(EveryFixture, ChromeJsonParsesWithBalancedNestedSlicesPerThread) {
  Outputs outputs = analyse(GetParam());
  boost::json::value root = boost::json::parse(outputs.chrome);
  const auto& events = root.at("traceEvents").as_array();
  std::map<std::int64_t, std::vector<Slice>> slices;
  std::map<std::int64_t, std::vector<Slice>> open;
  std::map<std::int64_t, double> last_time;
  for (const auto& value : events) {
    const auto& event = value.as_object();
    std::string phase(event.at("ph").as_string());
    if (phase == "M") continue;
    std::int64_t tid = event.at("tid").to_number<std::int64_t>();
    double ts = event.at("ts").to_number<double>();
    if (phase == "B" || phase == "E") {
      // B and E are written in the order they happened on their thread.
      EXPECT_GE(ts, last_time[tid]) << GetParam();
      last_time[tid] = ts;
    }
    if (phase == "B") {
      open[tid].push_back({ts, 0, std::string(event.at("name").as_string())});
    } else if (phase == "E") {
      ASSERT_FALSE(open[tid].empty()) << GetParam() << ": E without B on " << tid;
      Slice slice = open[tid].back();
      open[tid].pop_back();
      slice.end = ts;
      slices[tid].push_back(slice);
    } else if (phase == "X") {
      double dur = event.at("dur").to_number<double>();
      EXPECT_GE(dur, 0) << GetParam();
      slices[tid].push_back({ts, ts + dur, std::string(event.at("name").as_string())});
    }
  }
  for (auto& [tid, stack] : open) EXPECT_TRUE(stack.empty()) << GetParam() << " tid " << tid;
  // Every two slices of a thread nest or are disjoint.
  for (auto& [tid, list] : slices) {
    std::sort(list.begin(), list.end(), [](const Slice& a, const Slice& b) {
      return a.start != b.start ? a.start < b.start : a.end > b.end;
    });
    std::vector<Slice> stack;
    for (const Slice& slice : list) {
      while (!stack.empty() && stack.back().end <= slice.start + 1e-9) stack.pop_back();
      if (!stack.empty())
        EXPECT_LE(slice.end, stack.back().end + 1e-9)
            << GetParam() << ": " << slice.name << " overlaps " << stack.back().name;
      stack.push_back(slice);
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Fixtures, EveryFixture, testing::ValuesIn(kFixtures),
                         [](const testing::TestParamInfo<const char*>& info) {
                           std::string name(info.param);
                           name = name.substr(0, name.rfind('.'));
                           for (char& c : name)
                             if (c == '-') c = '_';
                           return name;
                         });

TEST(TraceReader, ATruncatedTraceDatIsRecognisedAndNamedInTheError) {
  std::string path = testing::TempDir() + "/x.dat";
  std::ofstream(path, std::ios::binary) << std::string("\x17\x08\x44tracing6", 11);
  std::string error;
  auto reader = open_trace(path, error);
  ASSERT_TRUE(reader) << error;
  EXPECT_FALSE(reader->read([](std::string_view, const TraceItem&) {}, error));
  EXPECT_NE(error.find(path + ": not a readable trace.dat"), std::string::npos) << error;
}

TEST(TraceReader, AMissingFileNamesIt) {
  std::string error;
  EXPECT_FALSE(open_trace("/nonexistent/trace.txt", error));
  EXPECT_NE(error.find("/nonexistent/trace.txt"), std::string::npos);
}
