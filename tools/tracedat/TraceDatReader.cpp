#include "TraceDatReader.h"

#include <stdexcept>

namespace tracegate::tracedat {
namespace {

constexpr uint16_t kOptionDone = 0;
constexpr uint16_t kOptionBuffer = 3;
constexpr uint16_t kOptionTraceClock = 4;
constexpr uint16_t kOptionCpuCount = 8;
constexpr uint16_t kOptionStrings = 15;
constexpr uint16_t kOptionHeaderInfo = 16;
constexpr uint16_t kOptionCmdlines = 21;

constexpr std::string_view kMagic = "\x17\x08\x44tracing";

class Cursor {
 public:
  Cursor(std::string_view file, size_t at) : file_(file), at_(at) {}

  uint64_t number(int bytes) {
    need(bytes);
    uint64_t v = 0;
    for (int i = 0; i < bytes; ++i) v |= uint64_t{static_cast<uint8_t>(file_[at_ + i])} << (8 * i);
    at_ += bytes;
    return v;
  }
  std::string bytes(uint64_t size) {
    need(size);
    std::string s(file_.substr(at_, size));
    at_ += size;
    return s;
  }
  std::string_view view(uint64_t size) {
    need(size);
    std::string_view s = file_.substr(at_, size);
    at_ += size;
    return s;
  }
  std::string cstring() {
    size_t end = file_.find('\0', at_);
    if (end == std::string::npos) throw std::runtime_error("unterminated string");
    std::string s(file_.substr(at_, end - at_));
    at_ = end + 1;
    return s;
  }
  void expect(const std::string& tag) {
    if (bytes(tag.size()) != tag) throw std::runtime_error("expected '" + tag + "'");
  }
  size_t at() const { return at_; }
  bool done() const { return at_ >= file_.size(); }

 private:
  void need(uint64_t size) {
    if (size > file_.size() || at_ > file_.size() - size) throw std::runtime_error("truncated");
  }
  std::string_view file_;
  size_t at_;
};

// The metadata both versions hold, in the same bytes; `id` is the v7 section's option id.
void metadata(ReadTraceDat& dat, Cursor& in, uint16_t id) {
  switch (id) {
    case kOptionHeaderInfo:
      in.expect(std::string("header_page\0", 12));
      dat.header_page = in.bytes(in.number(8));
      in.expect(std::string("header_event\0", 13));
      dat.header_event = in.bytes(in.number(8));
      return;
    case 17:
      for (uint64_t n = in.number(4); n > 0; --n) dat.ftrace.push_back(in.bytes(in.number(8)));
      return;
    case 18:
      for (uint64_t systems = in.number(4); systems > 0; --systems) {
        std::string name = in.cstring();
        std::vector<std::string> formats;
        for (uint64_t n = in.number(4); n > 0; --n) formats.push_back(in.bytes(in.number(8)));
        dat.systems.emplace_back(name, formats);
      }
      return;
    case 19:
      dat.kallsyms = in.bytes(in.number(4));
      return;
    case 20:
      dat.printk_formats = in.bytes(in.number(4));
      return;
    case kOptionCmdlines:
      dat.cmdlines = in.bytes(in.number(8));
      return;
  }
}

ReadCpu cpu_data(std::string_view file, uint64_t offset, uint64_t size) {
  if (size && (offset > file.size() || size > file.size() - offset))
    throw std::runtime_error("CPU data past the end");
  return {offset, size ? file.substr(offset, size) : std::string_view()};
}

ReadFlyRecord flyrecord_v6(std::string_view file, Cursor& in, uint32_t cpus, bool has_clock) {
  in.expect(std::string("flyrecord\0", 10));
  ReadFlyRecord fly;
  for (uint32_t cpu = 0; cpu < cpus; ++cpu) {
    uint64_t offset = in.number(8);
    fly.cpus.push_back(cpu_data(file, offset, in.number(8)));
  }
  if (has_clock) fly.clock = in.bytes(in.number(8));
  for (const auto& cpu : fly.cpus) {
    if (cpu.offset < in.at()) throw std::runtime_error("CPU data overlaps the CPU table");
  }
  return fly;
}

void parse_v6(std::string_view file, Cursor& in, ReadTraceDat& dat) {
  for (uint16_t id = kOptionHeaderInfo; id <= kOptionCmdlines; ++id) metadata(dat, in, id);
  dat.cpus = in.number(4);
  in.expect(std::string("options  \0", 10));
  for (uint16_t id; (id = in.number(2)) != kOptionDone;) {
    uint32_t size = in.number(4);
    dat.options.push_back({id, in.bytes(size)});
  }
  bool has_clock = false;
  for (const auto& option : dat.options) has_clock |= option.id == kOptionTraceClock;
  dat.top = flyrecord_v6(file, in, dat.cpus, has_clock);
  for (const auto& option : dat.options) {
    if (option.id != kOptionBuffer) continue;
    Cursor buffer_option(option.data, 0);
    uint64_t offset = buffer_option.number(8);
    std::string name = buffer_option.cstring();
    Cursor section(file, offset);
    dat.buffers.emplace_back(name, flyrecord_v6(file, section, dat.cpus, has_clock));
  }
}

// Version 7: sections follow each other end to end (trace-cmd finds the string section by
// walking them); options point at the rest.
void parse_v7(std::string_view file, Cursor& in, ReadTraceDat& dat) {
  dat.compression = in.cstring();
  dat.compression += " " + in.cstring();
  uint64_t options_at = in.number(8);
  std::vector<uint32_t> descriptions;
  std::string strings;
  while (!in.done()) {
    ReadSection section{static_cast<uint16_t>(in.number(2)), 0, "", in.at() - 2};
    section.flags = in.number(2);
    descriptions.push_back(in.number(4));
    uint64_t size = in.number(8);
    std::string_view body = in.view(size);
    if (section.id == kOptionStrings) strings = std::string(body);
    dat.sections.push_back(section);
  }
  for (size_t i = 0; i < dat.sections.size(); ++i) {
    if (descriptions[i] >= strings.size()) throw std::runtime_error("description not a string");
    dat.sections[i].description = strings.c_str() + descriptions[i];
  }

  Cursor options(file, options_at);
  if (options.number(2) != kOptionDone) throw std::runtime_error("no options section there");
  options.number(2 + 4 + 8);
  for (uint16_t id; (id = options.number(2)) != kOptionDone;) {
    uint32_t size = options.number(4);
    dat.options.push_back({id, options.bytes(size)});
  }
  if (options.number(4) != 8 || options.number(8) != 0)
    throw std::runtime_error("DONE is not 8 bytes of zero");

  for (const auto& option : dat.options) {
    Cursor data(option.data, 0);
    if (option.id >= kOptionHeaderInfo && option.id <= kOptionCmdlines) {
      Cursor section(file, data.number(8));
      if (section.number(2) != option.id) throw std::runtime_error("section id mismatch");
      section.number(2 + 4 + 8);
      metadata(dat, section, option.id);
    } else if (option.id == kOptionCpuCount) {
      dat.cpus = data.number(4);
    } else if (option.id == kOptionBuffer) {
      Cursor section(file, data.number(8));
      if (section.number(2) != kOptionBuffer) throw std::runtime_error("not a buffer section");
      std::string name = data.cstring();
      ReadFlyRecord fly;
      fly.clock = data.cstring();
      if (data.number(4) != dat.page_size) throw std::runtime_error("buffer page size");
      for (uint64_t cpus = data.number(4); cpus > 0; --cpus) {
        if (data.number(4) != fly.cpus.size()) throw std::runtime_error("CPUs out of order");
        uint64_t offset = data.number(8);
        fly.cpus.push_back(cpu_data(file, offset, data.number(8)));
      }
      if (name.empty())
        dat.top = fly;
      else
        dat.buffers.emplace_back(name, fly);
    }
  }
}

ReadTraceDat parse(std::string_view file) {
  ReadTraceDat dat;
  Cursor in(file, 0);
  in.expect(std::string(kMagic));
  dat.version = in.cstring();
  dat.endian = in.number(1);
  dat.long_size = in.number(1);
  dat.page_size = in.number(4);
  if (dat.version == "6")
    parse_v6(file, in, dat);
  else if (dat.version == "7")
    parse_v7(file, in, dat);
  else
    throw std::runtime_error("version " + dat.version);
  return dat;
}

}  // namespace

bool is_trace_dat(std::string_view head) {
  return head.substr(0, kMagic.size()) == kMagic;
}

std::optional<ReadTraceDat> read_trace_dat(std::string_view file, std::string& error) {
  try {
    return parse(file);
  } catch (const std::exception& e) {
    error = e.what();
    return std::nullopt;
  }
}

}  // namespace tracegate::tracedat
