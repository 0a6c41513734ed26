#include "TraceDatReader.h"

#include <stdexcept>

namespace tracegate::tracedat::test {
namespace {

class Cursor {
 public:
  Cursor(const std::string& file, size_t at) : file_(file), at_(at) {}

  uint64_t number(int bytes) {
    need(bytes);
    uint64_t v = 0;
    for (int i = 0; i < bytes; ++i) v |= uint64_t{static_cast<uint8_t>(file_[at_ + i])} << (8 * i);
    at_ += bytes;
    return v;
  }
  std::string bytes(uint64_t size) {
    need(size);
    std::string s = file_.substr(at_, size);
    at_ += size;
    return s;
  }
  std::string cstring() {
    size_t end = file_.find('\0', at_);
    if (end == std::string::npos) throw std::runtime_error("unterminated string");
    std::string s = file_.substr(at_, end - at_);
    at_ = end + 1;
    return s;
  }
  void expect(const std::string& tag) {
    if (bytes(tag.size()) != tag) throw std::runtime_error("expected '" + tag + "'");
  }
  size_t at() const { return at_; }

 private:
  void need(uint64_t size) {
    if (at_ + size > file_.size()) throw std::runtime_error("truncated");
  }
  const std::string& file_;
  size_t at_;
};

ReadFlyRecord flyrecord(const std::string& file, Cursor& in, uint32_t cpus, bool has_clock) {
  in.expect(std::string("flyrecord\0", 10));
  ReadFlyRecord fly;
  for (uint32_t cpu = 0; cpu < cpus; ++cpu) {
    uint64_t offset = in.number(8);
    uint64_t size = in.number(8);
    if (size && offset + size > file.size()) throw std::runtime_error("CPU data past the end");
    fly.cpus.push_back({offset, size ? file.substr(offset, size) : std::string()});
  }
  if (has_clock) fly.clock = in.bytes(in.number(8));
  for (const auto& cpu : fly.cpus) {
    if (cpu.offset < in.at()) throw std::runtime_error("CPU data overlaps the CPU table");
  }
  return fly;
}

ReadTraceDat parse(const std::string& file) {
  ReadTraceDat dat;
  Cursor in(file, 0);
  in.expect("\x17\x08\x44tracing");
  dat.version = in.cstring();
  dat.endian = in.number(1);
  dat.long_size = in.number(1);
  dat.page_size = in.number(4);
  in.expect(std::string("header_page\0", 12));
  dat.header_page = in.bytes(in.number(8));
  in.expect(std::string("header_event\0", 13));
  dat.header_event = in.bytes(in.number(8));
  for (uint64_t n = in.number(4); n > 0; --n) dat.ftrace.push_back(in.bytes(in.number(8)));
  for (uint64_t systems = in.number(4); systems > 0; --systems) {
    std::string name = in.cstring();
    std::vector<std::string> formats;
    for (uint64_t n = in.number(4); n > 0; --n) formats.push_back(in.bytes(in.number(8)));
    dat.systems.emplace_back(name, formats);
  }
  dat.kallsyms = in.bytes(in.number(4));
  dat.printk_formats = in.bytes(in.number(4));
  dat.cmdlines = in.bytes(in.number(8));
  dat.cpus = in.number(4);
  in.expect(std::string("options  \0", 10));
  for (uint16_t id; (id = in.number(2)) != 0;) {
    uint32_t size = in.number(4);
    dat.options.push_back({id, in.bytes(size)});
  }
  bool has_clock = false;
  for (const auto& option : dat.options) has_clock |= option.id == 4;
  dat.top = flyrecord(file, in, dat.cpus, has_clock);
  for (const auto& option : dat.options) {
    if (option.id != 3) continue;
    Cursor buffer_option(option.data, 0);
    uint64_t offset = buffer_option.number(8);
    std::string name = buffer_option.cstring();
    Cursor section(file, offset);
    dat.buffers.emplace_back(name, flyrecord(file, section, dat.cpus, has_clock));
  }
  return dat;
}

}  // namespace

std::optional<ReadTraceDat> read_trace_dat(const std::string& file, std::string& error) {
  try {
    return parse(file);
  } catch (const std::exception& e) {
    error = e.what();
    return std::nullopt;
  }
}

}  // namespace tracegate::tracedat::test
