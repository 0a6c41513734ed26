// Each output format on each fixture, byte for byte against a golden file.
// TRACEGATE_UPDATE_GOLDEN=1 rewrites the goldens when a format is meant to change.
#include <gtest/gtest.h>

#include "Report.h"
#include "ReportFixture.h"

using namespace tg::analysis;
using namespace tg::analysis::test;

namespace {

void expect_golden(const std::string& name, const std::string& text) {
  std::string path = std::string(TOOLS_GOLDEN) + "/" + name;
  if (std::getenv("TRACEGATE_UPDATE_GOLDEN")) {
    std::ofstream(path, std::ios::binary) << text;
    return;
  }
  ASSERT_TRUE(std::ifstream(path).good()) << "no golden " << path;
  std::string want = read_file(path);
  EXPECT_EQ(text, want) << "differs from " << path;
}

class Golden : public testing::TestWithParam<const char*> {};

std::string stem(const std::string& name) {
  return name.substr(0, name.rfind('.'));
}

}  // namespace

TEST_P(Golden, ProfileTable) {
  expect_golden(stem(GetParam()) + ".profile", analyse(GetParam()).profile);
}

TEST_P(Golden, NanosCsv) {
  expect_golden(stem(GetParam()) + ".csv", analyse(GetParam()).csv);
}

TEST_P(Golden, FoldedStacks) {
  expect_golden(stem(GetParam()) + ".folded", analyse(GetParam()).folded);
}

TEST_P(Golden, ChromeJson) {
  expect_golden(stem(GetParam()) + ".json", analyse(GetParam()).chrome);
}

TEST_P(Golden, FlameGraphSvg) {
  expect_golden(stem(GetParam()) + ".svg", analyse(GetParam()).svg);
}

INSTANTIATE_TEST_SUITE_P(Fixtures, Golden, testing::ValuesIn(kFixtures),
                         [](const testing::TestParamInfo<const char*>& info) {
                           std::string name = stem(info.param);
                           for (char& c : name)
                             if (c == '-') c = '_';
                           return name;
                         });

// A trace.dat prints as the guest's formatter prints its records: the text, golden too.
class TraceDatText : public testing::TestWithParam<const char*> {};

std::string report_text(const std::string& name, const CallFilter& filter = {}) {
  std::string error;
  auto reader = open_trace(fixture_path(name), error);
  MemoryFile out;
  if (!reader || !print_filtered_text(*reader, filter, out.get(), error)) return "error: " + error;
  return out.text();
}

TEST_P(TraceDatText, PrintsAsTheGolden) {
  expect_golden(stem(GetParam()) + ".text", report_text(GetParam()));
}

TEST_P(TraceDatText, CpusComeOutMergedByTime) {
  std::string error;
  auto reader = open_trace(fixture_path(GetParam()), error);
  ASSERT_TRUE(reader) << error;
  std::uint64_t last = 0, timed = 0;
  ASSERT_TRUE(reader->read(
      [&](std::string_view line, const TraceItem& item) {
        if (!item.has_time || item.kind == ItemKind::kDurationCall) return;
        EXPECT_GE(item.time_ns, last) << line;
        last = item.time_ns;
        ++timed;
      },
      error))
      << error;
  EXPECT_GT(timed, 100u);
}

INSTANTIATE_TEST_SUITE_P(Fixtures, TraceDatText,
                         testing::Values("fgraph-pingpong-raw.dat", "function-sched-alloc-raw.dat"),
                         [](const testing::TestParamInfo<const char*>& info) {
                           std::string name = stem(info.param);
                           for (char& c : name)
                             if (c == '-') c = '_';
                           return name;
                         });

TEST(TraceDatText, BothCpusOfTheRunArePrinted) {
  std::string text = report_text("fgraph-pingpong-raw.dat");
  EXPECT_NE(text.find("|   0) "), std::string::npos);
  EXPECT_NE(text.find("|   1) "), std::string::npos);
}

TEST(TraceDatText, FilterByCommKeepsThatTasksLines) {
  CallFilter filter;
  filter.comm = "9p-rx";
  std::string text = report_text("function-sched-alloc-raw.dat", filter);
  std::istringstream lines(text);
  int kept = 0;
  for (std::string line; std::getline(lines, line);) {
    if (line.empty() || line[0] == '#') continue;
    EXPECT_NE(line.find("9p-rx-"), std::string::npos) << line;
    ++kept;
  }
  EXPECT_GT(kept, 0);
}

TEST(ReportProfile, FilterByFunctionGlobKeepsMatchingRowsOnly) {
  CallFilter filter;
  filter.function_glob = "KmemCache::*";
  std::string table = analyse("fgraph-alloc.txt", filter).profile;
  EXPECT_NE(table.find("KmemCache::allocate"), std::string::npos);
  EXPECT_EQ(table.find("kmem_cache_alloc"), std::string::npos);
}

TEST(ReportProfile, FilterByCpuKeepsThatCpuOnly) {
  // The run happened on one CPU: its calls show under that CPU's filter only.
  int shown = 0;
  for (int cpu : {0, 1}) {
    CallFilter filter;
    filter.cpu = cpu;
    if (analyse("fgraph-alloc.txt", filter).profile.find("workload_alloc") != std::string::npos)
      ++shown;
  }
  EXPECT_EQ(shown, 1);
}

TEST(ReportProfile, FilterByTaskMatchesTheCutComm) {
  CallFilter filter;
  filter.comm = "workloads";
  EXPECT_NE(analyse("fgraph-pingpong-proc-abstime.txt", filter).profile.find("workload_pingpong"),
            std::string::npos);
  filter.comm = "9p";
  EXPECT_EQ(analyse("fgraph-pingpong-proc-abstime.txt", filter).profile.find("workload_pingpong"),
            std::string::npos);
}

TEST(ReportProfile, SortByCountPutsTheMostCalledFirst) {
  NameTable names;
  CallAssembler calls(names);
  Profile profile(calls, {});
  calls.add_sink(profile);
  std::string error;
  auto reader = open_trace(fixture_path("fgraph-alloc.txt"), error);
  ASSERT_TRUE(reader);
  reader->read([&](std::string_view, const TraceItem& item) { calls.consume(item); }, error);
  calls.finish();
  auto rows = profile.rows(Profile::SortKey::kCount);
  ASSERT_GE(rows.size(), 2u);
  EXPECT_GE(rows[0].count, rows[1].count);
  EXPECT_EQ(rows.back().count, 1u);
  EXPECT_TRUE(profile.rows(Profile::SortKey::kCount, 1000).empty());
}
