#include "TraceDatParts.h"

#include <algorithm>

namespace tracegate::tracedat::parts {

void initial_format(Bytes& out, std::string_view version, uint32_t page_size) {
  out.raw(std::string_view("\x17\x08\x44tracing", 10));
  out.cstring(version);
  out.raw(std::string_view("\0", 1));    // little endian
  out.raw(std::string_view("\x08", 1));  // long is 8 bytes
  out.u32(page_size);
}

void header_info(Bytes& out, const TraceDat& dat) {
  out.cstring("header_page");
  out.u64(dat.header_page.size());
  out.raw(dat.header_page);
  out.cstring("header_event");
  out.u64(dat.header_event.size());
  out.raw(dat.header_event);
}

void ftrace_formats(Bytes& out, const TraceDat& dat) {
  out.u32(static_cast<uint32_t>(dat.ftrace.size()));
  for (const auto& format : dat.ftrace) {
    out.u64(format.size());
    out.raw(format);
  }
}

void event_formats(Bytes& out, const TraceDat& dat) {
  out.u32(static_cast<uint32_t>(dat.systems.size()));
  for (const auto& system : dat.systems) {
    out.cstring(system.name);
    out.u32(static_cast<uint32_t>(system.formats.size()));
    for (const auto& format : system.formats) {
      out.u64(format.size());
      out.raw(format);
    }
  }
}

void kallsyms(Bytes& out, const TraceDat& dat) {
  out.u32(static_cast<uint32_t>(dat.kallsyms.size()));
  out.raw(dat.kallsyms);
}

void printk_formats(Bytes& out, const TraceDat& dat) {
  out.u32(static_cast<uint32_t>(dat.printk_formats.size()));
  out.raw(dat.printk_formats);
}

void cmdlines(Bytes& out, const TraceDat& dat) {
  out.u64(dat.cmdlines.size());
  out.raw(dat.cmdlines);
}

void option(Bytes& out, Option id, std::string_view data) {
  out.u16(static_cast<uint16_t>(id));
  out.u32(static_cast<uint32_t>(data.size()));
  out.raw(data);
}

std::string with_nul(std::string_view s) {
  return std::string(s) + '\0';
}

// "CPU: N" then the stats file; an instance's are preceded by a "Buffer: NAME" entry so
// that `trace-cmd report --stat` shows whose they are.
void cpu_stat_options(Bytes& out, const BufferData& buffer) {
  if (buffer.stats.empty()) return;
  if (!buffer.name.empty())
    option(out, Option::kCpuStat, with_nul("\nBuffer: " + buffer.name + "\n\n"));
  for (size_t cpu = 0; cpu < buffer.stats.size(); ++cpu)
    option(out, Option::kCpuStat,
           with_nul("CPU: " + std::to_string(cpu) + "\n" + buffer.stats[cpu]));
}

std::string current_clock(std::string_view trace_clock) {
  size_t open = trace_clock.find('[');
  size_t close = trace_clock.find(']', open);
  if (open == std::string_view::npos || close == std::string_view::npos) return {};
  return std::string(trace_clock.substr(open + 1, close - open - 1));
}

uint32_t cpu_count(const TraceDat& dat) {
  size_t cpus = dat.top.pages.size();
  for (const auto& instance : dat.instances) cpus = std::max(cpus, instance.pages.size());
  return static_cast<uint32_t>(cpus);
}

std::string_view cpu_pages(const BufferData& buffer, uint32_t cpu) {
  return cpu < buffer.pages.size() ? std::string_view(buffer.pages[cpu]) : std::string_view();
}

}  // namespace tracegate::tracedat::parts
