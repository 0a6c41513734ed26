#include "Extract.h"

#include <algorithm>
#include <charconv>
#include <cstdlib>
#include <stdexcept>

namespace tracegate::tracedat {
namespace {

bool is_directory(const std::string& entry) {
  return !entry.empty() && entry.back() == '/';
}

std::string without_slash(const std::string& entry) {
  return is_directory(entry) ? entry.substr(0, entry.size() - 1) : entry;
}

}  // namespace

std::vector<unsigned> cpu_numbers(GatewayClient& gateway, const std::string& root) {
  std::vector<unsigned> cpus;
  for (const auto& entry : gateway.list(root + "per_cpu/")) {
    std::string name = without_slash(entry);
    unsigned cpu = 0;
    if (!is_directory(entry) || name.rfind("cpu", 0) != 0) continue;
    auto [end, error] = std::from_chars(name.data() + 3, name.data() + name.size(), cpu);
    if (error == std::errc() && end == name.data() + name.size()) cpus.push_back(cpu);
  }
  std::sort(cpus.begin(), cpus.end());
  return cpus;
}

std::string read_cpu_pages(GatewayClient& gateway, const std::string& root, unsigned cpu) {
  return gateway.read(root + "per_cpu/cpu" + std::to_string(cpu) + "/trace_pipe_raw?nonblock=1");
}

std::string read_cpu_stats(GatewayClient& gateway, const std::string& root, unsigned cpu) {
  return gateway.read(root + "per_cpu/cpu" + std::to_string(cpu) + "/stats");
}

namespace {

// `root` is "/tracing/" or "/tracing/instances/NAME/".
BufferData read_buffer(GatewayClient& gateway, const std::string& root, std::string name) {
  BufferData buffer;
  buffer.name = std::move(name);
  for (unsigned cpu : cpu_numbers(gateway, root)) {
    buffer.pages.resize(cpu + 1);
    buffer.stats.resize(cpu + 1);
    buffer.pages[cpu] = read_cpu_pages(gateway, root, cpu);
    // Stats after the pages, as trace-cmd takes them: `entries` is then what was left
    // behind (zero unless events arrived meanwhile), `overrun` what was lost.
    buffer.stats[cpu] = read_cpu_stats(gateway, root, cpu);
  }
  return buffer;
}

// Recording in the buffers being read stops for as long as the extract reads them, and
// resumes afterwards where it was on: a raw read lasts until the buffer is empty, and with
// a tracer on, reading (the guest's 9P service is traced too) records events faster than
// they are read, so it would never end. Linux users do the same with `trace-cmd stop`.
class RecordingPause {
 public:
  explicit RecordingPause(GatewayClient& gateway) : gateway_(gateway) {}
  RecordingPause(const RecordingPause&) = delete;
  RecordingPause& operator=(const RecordingPause&) = delete;
  ~RecordingPause() {
    for (const auto& path : paused_) {
      try {
        gateway_.put(path, "1");
      } catch (const std::exception&) {
        // The gateway is gone; the error that ended the extract is the one to report.
      }
    }
  }

  // `root`: "/tracing/" or "/tracing/instances/NAME/".
  void pause(const std::string& root) {
    std::string path = root + "tracing_on";
    if (gateway_.read(path).rfind("0", 0) == 0) return;
    auto response = gateway_.put(path, "0");
    if (response.status != 204)
      throw std::runtime_error("PUT " + path + ": " + std::to_string(response.status));
    paused_.push_back(path);
  }

 private:
  GatewayClient& gateway_;
  std::vector<std::string> paused_;
};

std::string read_optional(GatewayClient& gateway, const std::string& path) {
  auto response = gateway.get(path);
  return response.status == 200 ? std::move(response.body) : std::string();
}

void read_event_formats(GatewayClient& gateway, TraceDat& dat) {
  for (const auto& system_entry : gateway.list("/tracing/events/")) {
    if (!is_directory(system_entry)) continue;
    EventSystem system{without_slash(system_entry), {}};
    std::string dir = "/tracing/events/" + system.name + "/";
    for (const auto& event : gateway.list(dir)) {
      if (is_directory(event)) system.formats.push_back(gateway.read(dir + event + "format"));
    }
    if (system.name == "ftrace")
      dat.ftrace = std::move(system.formats);
    else
      dat.systems.push_back(std::move(system));
  }
}

}  // namespace

std::string kallsyms_from_function_addrs(const std::string& addrs) {
  std::string out;
  size_t at = 0;
  while (at < addrs.size()) {
    size_t end = addrs.find('\n', at);
    if (end == std::string::npos) end = addrs.size();
    std::string line = addrs.substr(at, end - at);
    at = end + 1;
    size_t space = line.find(' ');
    if (space == std::string::npos) continue;
    out += line.substr(0, space) + " t " + line.substr(space + 1) + "\n";
  }
  return out;
}

uint32_t read_page_size(GatewayClient& gateway, const std::string& root) {
  std::string kb = gateway.read(root + "buffer_subbuf_size_kb");
  unsigned long value = std::strtoul(kb.c_str(), nullptr, 10);
  if (value == 0 || value > 512)
    throw std::runtime_error(root + "buffer_subbuf_size_kb: unexpected '" + kb + "'");
  return static_cast<uint32_t>(value * 1024);
}

void read_metadata(GatewayClient& gateway, TraceDat& dat) {
  // trace.dat's page size is the ring's sub-buffer size: readers step through the CPU data
  // by it, and header_page tells them the data size that goes with it.
  dat.page_size = read_page_size(gateway, "/tracing/");
  dat.header_page = gateway.read("/tracing/events/header_page");
  dat.header_event = gateway.read("/tracing/events/header_event");
  read_event_formats(gateway, dat);
  dat.kallsyms = read_optional(gateway, "/proc/kallsyms");
  if (dat.kallsyms.empty())
    dat.kallsyms = kallsyms_from_function_addrs(
        read_optional(gateway, "/tracing/available_filter_functions_addrs"));
  dat.printk_formats = read_optional(gateway, "/tracing/printk_formats");
  dat.trace_clock = gateway.read("/tracing/trace_clock");
}

TraceDat extract(GatewayClient& gateway, bool instances) {
  TraceDat dat;
  read_metadata(gateway, dat);
  std::vector<std::string> names;
  if (instances) {
    for (const auto& entry : gateway.list("/tracing/instances/"))
      if (is_directory(entry)) names.push_back(without_slash(entry));
  }
  // A trace.dat has one page size for all its buffers.
  for (const auto& name : names) {
    if (read_page_size(gateway, "/tracing/instances/" + name + "/") != dat.page_size)
      throw std::runtime_error("instance " + name +
                               ": buffer_subbuf_size_kb differs from the top level's, and a "
                               "trace.dat has one page size");
  }
  RecordingPause pause(gateway);
  pause.pause("/tracing/");
  for (const auto& name : names) pause.pause("/tracing/instances/" + name + "/");
  dat.top = read_buffer(gateway, "/tracing/", "");
  for (const auto& name : names)
    dat.instances.push_back(read_buffer(gateway, "/tracing/instances/" + name + "/", name));
  // After the pages, so that every task they mention has had its comm saved.
  dat.cmdlines = gateway.read("/tracing/saved_cmdlines");
  return dat;
}

}  // namespace tracegate::tracedat
