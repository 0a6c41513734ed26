#include <gtest/gtest.h>

#include <sstream>

#include "SampleTrace.h"
#include "TraceDatReader.h"

namespace tracegate::tracedat::test {
namespace {

std::vector<std::string> options_of(const ReadTraceDat& dat, uint16_t id) {
  std::vector<std::string> found;
  for (const auto& option : dat.options)
    if (option.id == id) found.push_back(std::string(option.data));
  return found;
}

// Most of what a trace.dat holds is the same in both versions, framed differently: those
// tests run on each (the parameter is the version).
class TraceDatFile : public ::testing::TestWithParam<int> {
 protected:
  std::string written(const TraceDat& dat) {
    std::ostringstream out;
    GetParam() == 6 ? write_v6(dat, out) : write_v7(dat, out);
    return out.str();
  }

  ReadTraceDat read_back(const TraceDat& dat) {
    std::string error;
    file_ = written(dat);
    auto read = read_trace_dat(file_, error);
    EXPECT_TRUE(read) << error;
    return read.value_or(ReadTraceDat{});
  }
  std::string file_;  // what the read-back's CPU data point into

  // Version 6 stores "[local]" after the CPU table, version 7 "local" in the BUFFER option.
  std::string clock(const std::string& name) { return GetParam() == 6 ? "[" + name + "]" : name; }
};

INSTANTIATE_TEST_SUITE_P(Versions, TraceDatFile, ::testing::Values(6, 7),
                         [](const auto& info) { return "v" + std::to_string(info.param); });

TEST_P(TraceDatFile, StartsWithMagicVersionLittleEndianLongsAndPageSize) {
  std::string file = written(sample_trace());
  EXPECT_EQ(file.substr(0, 10), "\x17\x08\x44tracing");
  EXPECT_EQ(file.substr(10, 2), std::to_string(GetParam()) + '\0');
  ReadTraceDat dat = read_back(sample_trace());
  EXPECT_EQ(dat.version, std::to_string(GetParam()));
  EXPECT_EQ(dat.endian, 0);
  EXPECT_EQ(dat.long_size, 8);
  EXPECT_EQ(dat.page_size, 4096u);
}

TEST_P(TraceDatFile, HeaderFilesAreCopiedVerbatim) {
  ReadTraceDat dat = read_back(sample_trace());
  EXPECT_EQ(dat.header_page, kHeaderPage);
  EXPECT_EQ(dat.header_event, kHeaderEvent);
}

TEST_P(TraceDatFile, FtraceFormatsComeFirstThenEachSystemByName) {
  TraceDat input = sample_trace();
  input.systems.push_back({"sched", {"name: a\n", "name: b\n"}});
  ReadTraceDat dat = read_back(input);
  EXPECT_EQ(dat.ftrace, std::vector<std::string>{kFunctionFormat});
  ASSERT_EQ(dat.systems.size(), 2u);
  EXPECT_EQ(dat.systems[0].first, "irq");
  EXPECT_EQ(dat.systems[0].second, std::vector<std::string>{kIrqEntryFormat});
  EXPECT_EQ(dat.systems[1].first, "sched");
  EXPECT_EQ(dat.systems[1].second, (std::vector<std::string>{"name: a\n", "name: b\n"}));
}

TEST_P(TraceDatFile, KallsymsPrintkFormatsAndCmdlinesRoundTrip) {
  TraceDat input = sample_trace();
  input.printk_formats = "0xffffffff80300000 : \"hello\\n\"\n";
  ReadTraceDat dat = read_back(input);
  EXPECT_EQ(dat.kallsyms, kKallsyms);
  EXPECT_EQ(dat.printk_formats, input.printk_formats);
  EXPECT_EQ(dat.cmdlines, "7 alloc\n");
}

TEST_P(TraceDatFile, EmptyPrintkFormatsAreAZeroSizedSection) {
  ReadTraceDat dat = read_back(sample_trace());
  EXPECT_EQ(dat.printk_formats, "");
  EXPECT_EQ(dat.cmdlines, "7 alloc\n");
}

TEST_P(TraceDatFile, EachCpusPagesArePageAlignedAndByteIdentical) {
  TraceDat input = sample_trace();
  ReadTraceDat dat = read_back(input);
  ASSERT_EQ(dat.cpus, 2u);
  ASSERT_EQ(dat.top.cpus.size(), 2u);
  for (size_t cpu = 0; cpu < 2; ++cpu) {
    EXPECT_EQ(dat.top.cpus[cpu].offset % 4096, 0u) << "cpu " << cpu;
    EXPECT_EQ(dat.top.cpus[cpu].data, input.top.pages[cpu]) << "cpu " << cpu;
  }
  EXPECT_LT(dat.top.cpus[0].offset, dat.top.cpus[1].offset);
}

TEST_P(TraceDatFile, ACpuWithoutPagesHasSizeZero) {
  TraceDat input = sample_trace();
  input.top.pages[0].clear();
  ReadTraceDat dat = read_back(input);
  ASSERT_EQ(dat.top.cpus.size(), 2u);
  EXPECT_EQ(dat.top.cpus[0].data, "");
  EXPECT_EQ(dat.top.cpus[1].data, input.top.pages[1]);
}

TEST_P(TraceDatFile, TraceClockOptionIsTheFileWithItsNul) {
  ReadTraceDat dat = read_back(sample_trace());
  EXPECT_EQ(options_of(dat, 4),
            std::vector<std::string>{std::string("[local] global counter\n\0", 24)});
}

TEST_P(TraceDatFile, EachBufferNamesTheClockInUse) {
  TraceDat input = sample_trace();
  input.instances.push_back({"foo", {"", ""}, {}});
  ReadTraceDat dat = read_back(input);
  EXPECT_EQ(dat.top.clock, clock("local"));
  ASSERT_EQ(dat.buffers.size(), 1u);
  EXPECT_EQ(dat.buffers[0].second.clock, clock("local"));
}

TEST_P(TraceDatFile, ATraceClockWithoutABracketedNameWritesNoClock) {
  TraceDat input = sample_trace();
  input.trace_clock = "local global\n";
  ReadTraceDat dat = read_back(input);
  EXPECT_TRUE(options_of(dat, 4).empty());
  EXPECT_EQ(dat.top.clock, "");
}

TEST_P(TraceDatFile, CpuStatOptionPerCpuNamesTheCpuThenTheStatsFile) {
  ReadTraceDat dat = read_back(sample_trace());
  auto stats = options_of(dat, 2);
  ASSERT_EQ(stats.size(), 2u);
  EXPECT_EQ(stats[0], "CPU: 0\n" + std::string(kStats) + '\0');
  EXPECT_EQ(stats[1], "CPU: 1\n" + std::string(kStats) + '\0');
}

TEST_P(TraceDatFile, NoClockAndNoStatsWriteNeitherOption) {
  TraceDat input = sample_trace();
  input.trace_clock.clear();
  input.top.stats.clear();
  ReadTraceDat dat = read_back(input);
  EXPECT_TRUE(options_of(dat, 2).empty());
  EXPECT_TRUE(options_of(dat, 4).empty());
}

TEST_P(TraceDatFile, AnInstanceIsABufferOptionPointingAtItsOwnFlyrecord) {
  TraceDat input = sample_trace();
  BufferData instance;
  instance.name = "foo";
  instance.pages = {RawPageBuilder(3000).function(3000, 7, kKmalloc, kRunAlloc).page(),
                    std::string()};
  input.instances.push_back(instance);
  ReadTraceDat dat = read_back(input);
  ASSERT_EQ(dat.buffers.size(), 1u);
  EXPECT_EQ(dat.buffers[0].first, "foo");
  ASSERT_EQ(dat.buffers[0].second.cpus.size(), 2u);
  EXPECT_EQ(dat.buffers[0].second.cpus[0].data, instance.pages[0]);
  EXPECT_EQ(dat.buffers[0].second.cpus[0].offset % 4096, 0u);
  EXPECT_GT(dat.buffers[0].second.cpus[0].offset, dat.top.cpus[1].offset);
  EXPECT_EQ(dat.buffers[0].second.cpus[1].data, "");
  EXPECT_EQ(dat.top.cpus[1].data, input.top.pages[1]);
}

TEST_P(TraceDatFile, ABufferWithFewerCpusIsPaddedToTheFilesCount) {
  TraceDat input = sample_trace();
  input.instances.push_back({"one", {RawPageBuilder(5).function(5, 7, kKmalloc, 0).page()}, {}});
  ReadTraceDat dat = read_back(input);
  ASSERT_EQ(dat.buffers.size(), 1u);
  ASSERT_EQ(dat.buffers[0].second.cpus.size(), 2u);
  EXPECT_EQ(dat.buffers[0].second.cpus[0].data, input.instances[0].pages[0]);
  EXPECT_EQ(dat.buffers[0].second.cpus[1].data, "");
}

TEST_P(TraceDatFile, AnInstanceWithMoreCpusRaisesTheFilesCount) {
  TraceDat input = sample_trace();
  std::string page = RawPageBuilder(5).function(5, 7, kKmalloc, 0).page();
  input.instances.push_back({"wide", {"", "", page}, {}});
  ReadTraceDat dat = read_back(input);
  EXPECT_EQ(dat.cpus, 3u);
  ASSERT_EQ(dat.top.cpus.size(), 3u);
  EXPECT_EQ(dat.top.cpus[2].data, "");
  ASSERT_EQ(dat.buffers.size(), 1u);
  EXPECT_EQ(dat.buffers[0].second.cpus[2].data, page);
}

TEST_P(TraceDatFile, InstanceStatsFollowABufferHeading) {
  TraceDat input = sample_trace();
  input.instances.push_back({"foo", {"", ""}, {"entries: 1\n", "entries: 2\n"}});
  auto stats = options_of(read_back(input), 2);
  ASSERT_EQ(stats.size(), 5u);
  EXPECT_EQ(stats[2], std::string("\nBuffer: foo\n\n\0", 15));
  EXPECT_EQ(stats[4], std::string("CPU: 1\nentries: 2\n\0", 19));
}

TEST(TraceDatV6, TheClockEntryFollowsTheCpuTableBeforeThePages) {
  std::ostringstream out;
  write_v6(sample_trace(), out);
  std::string file = out.str();
  size_t table = file.find(std::string("flyrecord\0", 10));
  ASSERT_NE(table, std::string::npos);
  EXPECT_EQ(file.substr(table + 10 + 2 * 16, 8 + 7), std::string("\x07\0\0\0\0\0\0\0[local]", 15));
}

class TraceDatV7 : public ::testing::Test {
 protected:
  ReadTraceDat read_back(const TraceDat& dat) {
    std::ostringstream out;
    write_v7(dat, out);
    std::string error;
    file_ = out.str();
    auto read = read_trace_dat(file_, error);
    EXPECT_TRUE(read) << error;
    return read.value_or(ReadTraceDat{});
  }
  std::string file_;  // what the read-back's CPU data point into
};

TEST_F(TraceDatV7, IsUncompressed) {
  EXPECT_EQ(read_back(sample_trace()).compression, "none ");
}

TEST_F(TraceDatV7, SectionsFollowEachOtherEachNamedInTheStringSection) {
  TraceDat input = sample_trace();
  input.instances.push_back({"foo", {"", ""}, {}});
  std::vector<std::pair<uint16_t, std::string>> sections;
  for (const auto& section : read_back(input).sections)
    sections.emplace_back(section.id, section.description);
  EXPECT_EQ(sections, (std::vector<std::pair<uint16_t, std::string>>{
                          {16, "headers"},
                          {17, "ftrace events"},
                          {18, "events format"},
                          {19, "kallsyms"},
                          {20, "printk"},
                          {21, "command lines"},
                          {15, "strings"},
                          {0, "options"},
                          {3, "buffer flyrecord "},
                          {3, "buffer flyrecord foo"},
                      }));
}

TEST_F(TraceDatV7, CpuCountOptionIsTheMostCpusOfAnyBuffer) {
  TraceDat input = sample_trace();
  input.instances.push_back({"wide", {"", "", ""}, {}});
  ReadTraceDat dat = read_back(input);
  EXPECT_EQ(options_of(dat, 8), std::vector<std::string>{std::string("\3\0\0\0", 4)});
  EXPECT_EQ(dat.top.cpus.size(), 3u);
}

}  // namespace
}  // namespace tracegate::tracedat::test
