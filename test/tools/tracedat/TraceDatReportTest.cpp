#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "SampleTrace.h"

namespace tracegate::tracedat::test {
namespace {

// Debian's trace-cmd (scripts/setup installs it) reading what the writer wrote, in each
// file version (the parameter).
class TraceCmdReport : public ::testing::TestWithParam<int> {
 protected:
  void SetUp() override {
    if (std::system("command -v trace-cmd >/dev/null 2>&1") != 0)
      GTEST_SKIP() << "trace-cmd is not installed (scripts/setup installs it)";
    std::string name = (std::filesystem::temp_directory_path() / "tracedat-test-XXXXXX").string();
    int fd = mkstemp(name.data());
    ASSERT_GE(fd, 0);
    close(fd);
    path_ = name;
  }
  void TearDown() override {
    if (!path_.empty()) std::remove(path_.c_str());
  }

  // `trace-cmd report ARGS -i FILE`, stdout and stderr.
  std::string report(const TraceDat& dat, const std::string& args = "") {
    return trace_cmd(dat, "report " + args);
  }

  // `trace-cmd COMMAND -i FILE`, stdout and stderr.
  std::string trace_cmd(const TraceDat& dat, const std::string& command_args) {
    {
      std::ofstream file(path_, std::ios::binary | std::ios::trunc);
      GetParam() == 6 ? write_v6(dat, file) : write_v7(dat, file);
    }
    std::string command = "trace-cmd " + command_args + " -i " + path_ + " 2>&1";
    std::string text;
    FILE* pipe = popen(command.c_str(), "r");
    if (!pipe) return text;
    char chunk[4096];
    for (size_t n; (n = fread(chunk, 1, sizeof chunk, pipe)) > 0;) text.append(chunk, n);
    status_ = pclose(pipe);
    return text;
  }

  std::string path_;
  int status_ = -1;
};

INSTANTIATE_TEST_SUITE_P(Versions, TraceCmdReport, ::testing::Values(6, 7),
                         [](const auto& info) { return "v" + std::to_string(info.param); });

TEST_P(TraceCmdReport, ShowsEveryFunctionEventWithCommPidCpuAndTime) {
  std::string text = report(sample_trace());
  EXPECT_EQ(status_, 0) << text;
  EXPECT_NE(text.find("alloc-7     [000]     1.000001: function:             kmalloc"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("alloc-7     [000]     1.500000: function:             kmalloc"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("<idle>-0     [001]     1.200000: function:             "
                      "Scheduler::pick_next"),
            std::string::npos)
      << text;
}

TEST_P(TraceCmdReport, ParentOptionNamesTheCaller) {
  std::string text = report(sample_trace(), "-O parent");
  EXPECT_NE(text.find("kmalloc <-- workload_alloc"), std::string::npos) << text;
}

TEST_P(TraceCmdReport, ReportsTheLostEventsBeforeThePageThatFollowsThem) {
  std::string text = report(sample_trace());
  EXPECT_NE(text.find("CPU:1 [5 EVENTS DROPPED]"), std::string::npos) << text;
}

TEST_P(TraceCmdReport, StatShowsTheCpuStatsWritten) {
  std::string text = report(sample_trace(), "--stat");
  EXPECT_NE(text.find("CPU: 1\nentries: 0\noverrun: 0"), std::string::npos) << text;
}

TEST_P(TraceCmdReport, DumpShowsTheClockInUse) {
  std::string text = trace_cmd(sample_trace(), GetParam() == 6 ? "dump --clock" : "dump --summary");
  EXPECT_EQ(status_, 0) << text;
  // Not the TRACECLOCK option's text: the entry version 6 keeps after the CPU table, the
  // BUFFER option's clock in version 7.
  EXPECT_NE(text.find(GetParam() == 6 ? "[Tracing clock]\n\t\t[local]\n"
                                      : "[buffer \"\", \"local\" clock, 4096 page size, 2 cpus"),
            std::string::npos)
      << text;
}

// trace.dat's page size is the sub-buffer size: trace-cmd steps through the CPU data by it.
TEST_P(TraceCmdReport, ReadsPagesOf16KSubBuffers) {
  std::string text = report(sample_trace_16k());
  EXPECT_EQ(status_, 0) << text;
  size_t kmallocs = 0;
  for (size_t at = 0; (at = text.find("function:             kmalloc", at)) != std::string::npos;
       ++at)
    ++kmallocs;
  EXPECT_EQ(kmallocs, static_cast<size_t>(kEventsIn16KPage)) << text.substr(0, 2000);
  EXPECT_NE(text.find("alloc-7     [000]     1.000499: function:             kmalloc"),
            std::string::npos);
  EXPECT_NE(text.find("CPU:1 [5 EVENTS DROPPED]"), std::string::npos);
  EXPECT_NE(text.find("<idle>-0     [001]     1.200000: function:             "
                      "Scheduler::pick_next"),
            std::string::npos);
  if (GetParam() == 7) {
    std::string summary = trace_cmd(sample_trace_16k(), "dump --summary");
    EXPECT_NE(summary.find("16384 page size"), std::string::npos) << summary;
  }
}

TEST_P(TraceCmdReport, DumpValidatesTheFile) {
  TraceDat dat = sample_trace();
  dat.instances.push_back({"foo", {"", dat.top.pages[0]}, {"entries: 0\n", "entries: 0\n"}});
  std::string text = trace_cmd(dat, "dump -v");
  EXPECT_EQ(status_, 0) << text;
  EXPECT_NE(text.find("is a valid trace-cmd file"), std::string::npos) << text;
}

TEST_P(TraceCmdReport, AFileWithoutEventsReadsAsEmpty) {
  TraceDat dat = sample_trace();
  dat.top.pages = {"", ""};
  std::string dump = trace_cmd(dat, "dump --options");
  EXPECT_EQ(status_, 0) << dump;
  EXPECT_NE(dump.find("[Option CPUSTAT"), std::string::npos) << dump;
  std::string text = report(dat);
  EXPECT_EQ(status_, 0) << text;
  EXPECT_EQ(text, "cpus=2\n");
}

TEST_P(TraceCmdReport, AnInstanceIsReportedAsItsOwnBuffer) {
  TraceDat dat = sample_trace();
  dat.instances.push_back(
      {"foo",
       {RawPageBuilder(3000000000).function(3000000000, 7, kKmalloc, kRunAlloc).page()},
       {}});
  std::string text = report(dat);
  EXPECT_EQ(status_, 0) << text;
  // trace-cmd prefixes an instance's events with the buffer's name.
  size_t line = text.find("\nfoo: ");
  ASSERT_NE(line, std::string::npos) << text;
  std::string event = text.substr(line + 1, text.find('\n', line + 1) - line - 1);
  EXPECT_NE(event.find("alloc-7     [000]     3.000000: function:             kmalloc"),
            std::string::npos)
      << event;
}

}  // namespace
}  // namespace tracegate::tracedat::test
