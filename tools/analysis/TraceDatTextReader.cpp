#include "TraceDatTextReader.h"

#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

#include "HostText.h"
#include "TextParser.h"
#include "TraceDatReader.h"
#include "trace/EventCatalog.h"
#include "trace/RawPages.h"

namespace tg::analysis {

namespace {

using tracegate::tracedat::ReadCpu;
using tracegate::tracedat::ReadTraceDat;

// Which ftrace records the pages hold: enough to tell the tracer that wrote them.
struct RecordKinds {
  bool function = false;
  bool graph_entry = false;
  bool graph_exit = false;
  bool decided() const { return function || graph_entry; }
};

bool note_kind(void* context, u64, const u8* payload, usize size) {
  trace::EventCommon common;
  if (size < sizeof common) return false;
  std::memcpy(&common, payload, sizeof common);
  auto& kinds = *static_cast<RecordKinds*>(context);
  kinds.function |= common.type == trace::kEventFunction;
  kinds.graph_entry |= common.type == trace::kEventFuncgraphEntry;
  kinds.graph_exit |= common.type == trace::kEventFuncgraphExit;
  return true;
}

// function_graph records an entry for every call, function a hit; function_duration only
// returns. The first page that shows one decides.
std::string tracer_of(const std::vector<ReadCpu>& cpus, uint32_t page_size) {
  RecordKinds kinds;
  for (const ReadCpu& cpu : cpus) {
    for (size_t at = 0; at + page_size <= cpu.data.size() && !kinds.decided(); at += page_size)
      (void)trace::for_each_raw_event(reinterpret_cast<const u8*>(cpu.data.data() + at), page_size,
                                      note_kind, &kinds);
  }
  if (kinds.graph_entry) return "function_graph";
  if (kinds.function) return "function";
  if (kinds.graph_exit) return "function_duration";
  return "nop";
}

std::string options_for(const std::string& tracer) {
  if (tracer == "function_graph") return "funcgraph-proc\nfuncgraph-abstime\n";
  if (tracer == "function_duration") return "duration-proc\n";
  return "";
}

// The clock: version 6 keeps "[name]" after the CPU table, version 7 the bare name.
std::string clock_of(const ReadTraceDat& dat) {
  const std::string& clock = dat.top.clock;
  if (clock.empty() || clock.front() == '[') return clock;
  return "[" + clock + "]";
}

// One CPU's pages, added to the formatter one at a time.
struct CpuPages {
  std::string_view data;
  size_t next = 0;  // offset of the next page to add
  bool done() const { return next >= data.size(); }
  // The first event's time of the next page (the page header's time stamp).
  uint64_t next_time() const {
    uint64_t time = 0;
    if (!done()) std::memcpy(&time, data.data() + next, sizeof time);
    return time;
  }
};

class LineSplitter {
 public:
  explicit LineSplitter(const std::function<void(std::string_view, const TraceItem&)>& fn)
      : fn_(fn) {}
  void feed(std::string_view text) {
    while (!text.empty()) {
      size_t newline = text.find('\n');
      std::string_view line = text.substr(0, newline);
      fn_(line, parse_line(line));
      if (newline == std::string_view::npos) break;
      text.remove_prefix(newline + 1);
    }
  }

 private:
  const std::function<void(std::string_view, const TraceItem&)>& fn_;
};

}  // namespace

bool TraceDatTextReader::read(const std::function<void(std::string_view, const TraceItem&)>& fn,
                              std::string& error) {
  auto dat = tracegate::tracedat::read_trace_dat(contents_, error);
  if (!dat) {
    error = path_ + ": not a readable trace.dat: " + error;
    return false;
  }
  if (!ring::valid_page_size(dat->page_size)) {
    error = path_ + ": pages of " + std::to_string(dat->page_size) +
            " bytes, not a sub-buffer size (4 KiB to 512 KiB, a power of two)";
    return false;
  }
  tracer_ = tracer_of(dat->top.cpus, dat->page_size);
  tracegate::GuestFacts facts;
  facts.kallsyms = dat->kallsyms;
  facts.cpus = static_cast<unsigned>(dat->top.cpus.size());
  facts.tracer = tracer_;
  facts.options = options_for(tracer_);
  facts.clock = clock_of(*dat);
  facts.cmdlines = dat->cmdlines;
  facts.page_size = dat->page_size;
  auto text = tracegate::HostText::create(facts, error);
  if (!text) {
    error = path_ + ": " + error;
    return false;
  }

  LineSplitter lines(fn);
  lines.feed("# tracer: " + tracer_ + "\n#\n");
  std::vector<CpuPages> cpus;
  for (const ReadCpu& cpu : dat->top.cpus) cpus.push_back({cpu.data});
  // Each CPU's first page goes in; then, over and over, the CPU whose last added page
  // began earliest gets its next one. Nothing a page yet to come holds is older than the
  // time its CPU's last added page began, so what came before the earliest of those is
  // complete and prints merged by time — a function_graph entry has its return (same CPU,
  // at most one page on) added already, and prints as a leaf where the guest does.
  std::vector<uint64_t> frontier(cpus.size(), UINT64_MAX);
  auto add_next = [&](size_t cpu) {
    CpuPages& pages = cpus[cpu];
    frontier[cpu] = pages.next_time();
    size_t size = std::min<size_t>(dat->page_size, pages.data.size() - pages.next);
    if (!text->add_pages(static_cast<unsigned>(cpu),
                         reinterpret_cast<const uint8_t*>(pages.data.data() + pages.next), size)) {
      error = path_ + ": CPU " + std::to_string(cpu) + ": the page at " +
              std::to_string(pages.next) + " does not decode";
      return false;
    }
    pages.next += size;
    if (pages.done()) frontier[cpu] = UINT64_MAX;
    return true;
  };
  for (size_t cpu = 0; cpu < cpus.size(); ++cpu)
    if (!cpus[cpu].done() && !add_next(cpu)) return false;
  std::string chunk;
  for (;;) {
    size_t earliest = 0;
    for (size_t cpu = 1; cpu < cpus.size(); ++cpu)
      if (frontier[cpu] < frontier[earliest]) earliest = cpu;
    if (cpus.empty() || frontier[earliest] == UINT64_MAX) break;
    chunk.clear();
    text->take_text_before(frontier[earliest], chunk);
    lines.feed(chunk);
    if (!add_next(earliest)) return false;
  }
  chunk.clear();
  text->take_text(chunk);
  if (!chunk.empty() && chunk.back() == '\n') chunk.pop_back();
  lines.feed(chunk);
  return true;
}

std::unique_ptr<TraceDatTextReader> open_trace_dat(const std::string& path, int fd,
                                                   std::string head, std::string& error) {
  struct stat info;
  if (fd > 0 && ::fstat(fd, &info) == 0 && S_ISREG(info.st_mode) && info.st_size > 0) {
    size_t size = static_cast<size_t>(info.st_size);
    void* mapped = ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd, 0);
    int mapped_errno = errno;
    ::close(fd);
    if (mapped == MAP_FAILED) {
      error = path + ": " + std::strerror(mapped_errno);
      return nullptr;
    }
    ::madvise(mapped, size, MADV_SEQUENTIAL);
    std::shared_ptr<const void> owner(
        mapped, [size](const void* at) { ::munmap(const_cast<void*>(at), size); });
    return std::make_unique<TraceDatTextReader>(
        path, owner, std::string_view(static_cast<const char*>(mapped), size));
  }
  // Standard input or a pipe: read it whole.
  auto contents = std::make_shared<std::string>(std::move(head));
  char buffer[1 << 16];
  for (;;) {
    ssize_t got = ::read(fd, buffer, sizeof buffer);
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) {
      error = path + ": " + std::strerror(errno);
      if (fd > 0) ::close(fd);
      return nullptr;
    }
    if (got == 0) break;
    contents->append(buffer, static_cast<size_t>(got));
  }
  if (fd > 0) ::close(fd);
  std::string_view view(*contents);
  return std::make_unique<TraceDatTextReader>(path, contents, view);
}

}  // namespace tg::analysis
