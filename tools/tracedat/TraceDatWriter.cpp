#include <algorithm>
#include <string_view>

#include "TraceDat.h"

namespace tracegate::tracedat {
namespace {

// Little-endian bytes with offsets that can be filled in once the layout is known.
class Bytes {
 public:
  void u16(uint16_t v) { integer(v, 2); }
  void u32(uint32_t v) { integer(v, 4); }
  void u64(uint64_t v) { integer(v, 8); }
  // A string with its terminating NUL, as trace-cmd's names and option strings are stored.
  void cstring(std::string_view s) {
    text_.append(s);
    text_.push_back('\0');
  }
  void raw(std::string_view s) { text_.append(s); }
  void patch_u64(size_t at, uint64_t v) {
    for (int i = 0; i < 8; ++i) text_[at + i] = static_cast<char>(v >> (8 * i));
  }
  size_t size() const { return text_.size(); }
  const std::string& text() const { return text_; }

 private:
  void integer(uint64_t v, int bytes) {
    for (int i = 0; i < bytes; ++i) text_.push_back(static_cast<char>(v >> (8 * i)));
  }
  std::string text_;
};

uint64_t align_up(uint64_t at, uint64_t page) {
  return (at + page - 1) / page * page;
}

void option(Bytes& out, Option id, std::string_view data) {
  out.u16(static_cast<uint16_t>(id));
  out.u32(static_cast<uint32_t>(data.size()));
  out.raw(data);
}

// A NUL-terminated option string, the way trace-cmd stores TRACECLOCK and CPUSTAT.
std::string with_nul(std::string_view s) {
  return std::string(s) + '\0';
}

// trace-cmd record's CPUSTAT: "CPU: N" then the stats file; an instance's are preceded by
// a "Buffer: NAME" entry so that `trace-cmd report --stat` shows whose they are.
void cpu_stat_options(Bytes& out, const BufferData& buffer) {
  if (buffer.stats.empty()) return;
  if (!buffer.name.empty())
    option(out, Option::kCpuStat, with_nul("\nBuffer: " + buffer.name + "\n\n"));
  for (size_t cpu = 0; cpu < buffer.stats.size(); ++cpu)
    option(out, Option::kCpuStat,
           with_nul("CPU: " + std::to_string(cpu) + "\n" + buffer.stats[cpu]));
}

// A "flyrecord" section: the tag, then (offset, size) per CPU, then each CPU's pages at a
// page-aligned offset. Where it starts is known before it is written, so the offsets are
// computed, not patched after the fact.
struct FlyRecord {
  Bytes table;                        // "flyrecord\0", the CPU table and the clock
  std::vector<uint64_t> data_offset;  // per CPU, in the file
};

// The clock in use: the bracketed name of the trace_clock file ("[local] global" -> local).
std::string current_clock(std::string_view trace_clock) {
  size_t open = trace_clock.find('[');
  size_t close = trace_clock.find(']', open);
  if (open == std::string_view::npos || close == std::string_view::npos) return {};
  return std::string(trace_clock.substr(open + 1, close - open - 1));
}

// Version 6 keeps the clock after the CPU table too: a u64 length and "[name]" (no NUL).
// trace-cmd reads it there whenever the TRACECLOCK option is present.
std::string clock_entry(std::string_view trace_clock) {
  std::string clock = current_clock(trace_clock);
  if (clock.empty()) return {};
  Bytes entry;
  entry.u64(clock.size() + 2);
  entry.raw("[" + clock + "]");
  return entry.text();
}

FlyRecord plan_flyrecord(const BufferData& buffer, uint32_t cpus, uint64_t start, uint32_t page,
                         std::string_view clock) {
  FlyRecord fly;
  fly.table.cstring("flyrecord");
  uint64_t at = start + fly.table.size() + 16ull * cpus + clock.size();
  for (uint32_t cpu = 0; cpu < cpus; ++cpu) {
    uint64_t size = cpu < buffer.pages.size() ? buffer.pages[cpu].size() : 0;
    at = align_up(at, page);
    fly.data_offset.push_back(at);
    fly.table.u64(at);
    fly.table.u64(size);
    at += size;
  }
  fly.table.raw(clock);
  return fly;
}

uint64_t flyrecord_end(const FlyRecord& fly, const BufferData& buffer) {
  if (fly.data_offset.empty()) return 0;
  size_t last = fly.data_offset.size() - 1;
  return fly.data_offset[last] + (last < buffer.pages.size() ? buffer.pages[last].size() : 0);
}

// Pads from `at` (where the file has got to) to `start`, then writes the section.
void write_flyrecord(std::ostream& out, uint64_t& at, uint64_t start, const FlyRecord& fly,
                     const BufferData& buffer) {
  out << std::string(start - at, '\0');
  at = start;
  out << fly.table.text();
  at += fly.table.size();
  for (size_t cpu = 0; cpu < fly.data_offset.size(); ++cpu) {
    out << std::string(fly.data_offset[cpu] - at, '\0');
    at = fly.data_offset[cpu];
    if (cpu >= buffer.pages.size()) continue;
    out << buffer.pages[cpu];
    at += buffer.pages[cpu].size();
  }
}

void headers(Bytes& out, const TraceDat& dat) {
  out.raw(std::string_view("\x17\x08\x44tracing", 10));
  out.cstring("6");
  out.raw(std::string_view("\0", 1));    // little endian
  out.raw(std::string_view("\x08", 1));  // long is 8 bytes
  out.u32(dat.page_size);

  out.cstring("header_page");
  out.u64(dat.header_page.size());
  out.raw(dat.header_page);
  out.cstring("header_event");
  out.u64(dat.header_event.size());
  out.raw(dat.header_event);

  out.u32(static_cast<uint32_t>(dat.ftrace.size()));
  for (const auto& format : dat.ftrace) {
    out.u64(format.size());
    out.raw(format);
  }
  out.u32(static_cast<uint32_t>(dat.systems.size()));
  for (const auto& system : dat.systems) {
    out.cstring(system.name);
    out.u32(static_cast<uint32_t>(system.formats.size()));
    for (const auto& format : system.formats) {
      out.u64(format.size());
      out.raw(format);
    }
  }

  out.u32(static_cast<uint32_t>(dat.kallsyms.size()));
  out.raw(dat.kallsyms);
  out.u32(static_cast<uint32_t>(dat.printk_formats.size()));
  out.raw(dat.printk_formats);
  out.u64(dat.cmdlines.size());
  out.raw(dat.cmdlines);
}

}  // namespace

void write_v6(const TraceDat& dat, std::ostream& out) {
  // Version 6 has one CPU count for the file; a buffer with fewer CPUs gets empty ones.
  size_t cpus = dat.top.pages.size();
  for (const auto& instance : dat.instances) cpus = std::max(cpus, instance.pages.size());

  Bytes head;
  headers(head, dat);
  head.u32(static_cast<uint32_t>(cpus));
  head.raw(std::string_view("options  \0", 10));
  // With TRACECLOCK present trace-cmd expects the clock entry after the CPU table.
  if (!current_clock(dat.trace_clock).empty())
    option(head, Option::kTraceClock, with_nul(dat.trace_clock));
  cpu_stat_options(head, dat.top);
  // BUFFER (v6): the offset of the instance's own "flyrecord" section, then its name.
  std::vector<size_t> buffer_offset_at;
  for (const auto& instance : dat.instances) {
    std::string data(8, '\0');
    data += with_nul(instance.name);
    option(head, Option::kBuffer, data);
    buffer_offset_at.push_back(head.size() - data.size());
    cpu_stat_options(head, instance);
  }
  head.u16(static_cast<uint16_t>(Option::kDone));

  // The top buffer's flyrecord ends the header; instances follow its data.
  uint32_t page = dat.page_size;
  std::string clock = clock_entry(dat.trace_clock);
  FlyRecord top = plan_flyrecord(dat.top, cpus, head.size(), page, clock);
  std::vector<FlyRecord> extra;
  std::vector<uint64_t> extra_start;
  uint64_t at = std::max<uint64_t>(flyrecord_end(top, dat.top), head.size() + top.table.size());
  for (size_t i = 0; i < dat.instances.size(); ++i) {
    head.patch_u64(buffer_offset_at[i], at);
    extra_start.push_back(at);
    extra.push_back(plan_flyrecord(dat.instances[i], cpus, at, page, clock));
    at = std::max<uint64_t>(flyrecord_end(extra.back(), dat.instances[i]),
                            at + extra.back().table.size());
  }

  uint64_t written = 0;
  out << head.text();
  written = head.size();
  write_flyrecord(out, written, head.size(), top, dat.top);
  for (size_t i = 0; i < dat.instances.size(); ++i)
    write_flyrecord(out, written, extra_start[i], extra[i], dat.instances[i]);
}

}  // namespace tracegate::tracedat
