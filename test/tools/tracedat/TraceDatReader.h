#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace tracegate::tracedat::test {

// A version 6 trace.dat read back as trace-cmd.dat(5) describes it, independently of the
// writer: what the writer's tests check against.
struct ReadOption {
  uint16_t id;
  std::string data;
};

struct ReadCpu {
  uint64_t offset;
  std::string data;
};

// A "flyrecord" section: each CPU's data and, when the file has a TRACECLOCK option, the
// "[clock]" entry that follows the CPU table.
struct ReadFlyRecord {
  std::vector<ReadCpu> cpus;
  std::string clock;
};

struct ReadTraceDat {
  std::string version;
  uint8_t endian = 0xff;
  uint8_t long_size = 0;
  uint32_t page_size = 0;
  std::string header_page;
  std::string header_event;
  std::vector<std::string> ftrace;
  std::vector<std::pair<std::string, std::vector<std::string>>> systems;
  std::string kallsyms;
  std::string printk_formats;
  std::string cmdlines;
  uint32_t cpus = 0;
  std::vector<ReadOption> options;
  ReadFlyRecord top;
  // BUFFER options: name and that buffer's flyrecord, read at the option's offset.
  std::vector<std::pair<std::string, ReadFlyRecord>> buffers;
};

// std::nullopt with `error` saying where the file stops making sense.
std::optional<ReadTraceDat> read_trace_dat(const std::string& file, std::string& error);

}  // namespace tracegate::tracedat::test
