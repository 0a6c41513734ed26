#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tracegate::tracedat {

// A trace.dat (version 6 or 7) read as trace-cmd.dat(5) describes it, by a parser that
// shares nothing with the writer: `tracectl report` reads files with it, and the writer's
// tests check against it. The CPU data are views into the file (which the caller keeps, e.g.
// mapped), so reading a large file costs no copy of its pages.
struct ReadOption {
  uint16_t id;
  std::string data;
};

struct ReadCpu {
  uint64_t offset;
  std::string_view data;  // into the file
};

// One buffer's CPU data. Its clock: in version 6 the "[clock]" entry after the CPU table
// (present when the file has a TRACECLOCK option), in version 7 the BUFFER option's.
struct ReadFlyRecord {
  std::vector<ReadCpu> cpus;
  std::string clock;
};

// A version 7 section header, in file order.
struct ReadSection {
  uint16_t id;
  uint16_t flags;
  std::string description;
  uint64_t offset;  // of the header
};

struct ReadTraceDat {
  std::string version;
  uint8_t endian = 0xff;
  uint8_t long_size = 0;
  uint32_t page_size = 0;
  std::string compression;  // version 7: "name version"
  std::string header_page;
  std::string header_event;
  std::vector<std::string> ftrace;
  std::vector<std::pair<std::string, std::vector<std::string>>> systems;
  std::string kallsyms;
  std::string printk_formats;
  std::string cmdlines;
  uint32_t cpus = 0;
  std::vector<ReadOption> options;
  std::vector<ReadSection> sections;
  ReadFlyRecord top;
  // The other buffers (instances): name and CPU data.
  std::vector<std::pair<std::string, ReadFlyRecord>> buffers;
};

// std::nullopt with `error` saying where the file stops making sense.
std::optional<ReadTraceDat> read_trace_dat(std::string_view file, std::string& error);

// Whether `head` (a file's first bytes) is a trace.dat's magic.
bool is_trace_dat(std::string_view head);

}  // namespace tracegate::tracedat
