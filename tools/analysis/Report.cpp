#include "Report.h"

#include <memory>
#include <vector>

#include "CallAssembler.h"
#include "ChromeTrace.h"
#include "CsvWriter.h"
#include "FlameGraph.h"

namespace tg::analysis {

namespace {

struct FileCloser {
  void operator()(std::FILE* file) const {
    if (file && file != stdout) std::fclose(file);
  }
};
using File = std::unique_ptr<std::FILE, FileCloser>;

File open_output(const std::string& path, std::string& error) {
  if (path == "-") return File(stdout);
  File file(std::fopen(path.c_str(), "w"));
  if (!file) error = path + ": cannot write";
  return file;
}

bool write_text(const std::string& path, const std::string& text, std::string& error) {
  File file = open_output(path, error);
  if (!file) return false;
  std::fwrite(text.data(), 1, text.size(), file.get());
  return true;
}

// What a line of a text trace is about, for the filters of a plain `report`.
struct LineContext {
  std::vector<int> pid_by_cpu;
  std::vector<std::string> comm_by_cpu;
  std::vector<std::vector<std::string>> names_by_cpu;  // open graph calls, by depth
};

template <typename T>
T& slot(std::vector<T>& values, int index) {
  size_t at = static_cast<size_t>(index + 1);
  if (values.size() <= at) values.resize(at + 1);
  return values[at];
}

}  // namespace

bool wants_analysis(const ReportRequest& request) {
  return request.profile || !request.csv_path.empty() || !request.folded_path.empty() ||
         !request.flamegraph_path.empty() || !request.chrome_path.empty();
}

bool print_filtered_text(TraceReader& reader, const CallFilter& filter, std::FILE* out,
                         std::string& error) {
  OutputBuffer buffer(out);
  LineContext context;
  bool filtering =
      !filter.function_glob.empty() || !filter.comm.empty() || filter.pid || filter.cpu;
  bool ok = reader.read(
      [&](std::string_view line, const TraceItem& item) {
        if (!filtering || item.kind == ItemKind::kHeader) {
          buffer.put(line).put('\n');
          return;
        }
        if (item.kind == ItemKind::kNone) return;
        Task task{item.pid, std::string(item.comm), item.cpu};
        if (item.kind == ItemKind::kTaskSwitch) {
          task = {item.next_pid, std::string(item.next_comm), item.cpu};
        }
        if (task.pid != kNoPid) {
          slot(context.pid_by_cpu, item.cpu) = task.pid + 1;
          slot(context.comm_by_cpu, item.cpu) = task.comm;
        } else {
          task.pid = slot(context.pid_by_cpu, item.cpu) - 1;
          task.comm = slot(context.comm_by_cpu, item.cpu);
        }
        std::string_view name = item.name;
        auto& open = slot(context.names_by_cpu, item.cpu);
        if (item.depth >= 0) {
          if (open.size() <= static_cast<size_t>(item.depth)) open.resize(item.depth + 1);
          if (item.kind == ItemKind::kGraphEntry) open[item.depth] = std::string(item.name);
          if (item.kind == ItemKind::kGraphReturn && name.empty()) name = open[item.depth];
        }
        if (filter.cpu && item.cpu != *filter.cpu) return;
        if ((filter.pid || !filter.comm.empty()) && !filter.keeps_task(task)) return;
        if (!filter.function_glob.empty() && !filter.keeps_function(name)) return;
        buffer.put(line).put('\n');
      },
      error);
  buffer.flush();
  return ok;
}

bool run_report(const ReportRequest& request, std::FILE* out, std::string& error) {
  std::unique_ptr<TraceReader> reader = open_trace(request.input, error);
  if (!reader) return false;
  if (!wants_analysis(request)) return print_filtered_text(*reader, request.filter, out, error);

  NameTable names;
  CallAssembler calls(names);
  Profile profile(calls, request.filter);
  FlameGraph flame(calls, request.filter);
  File csv_file, chrome_file;
  std::unique_ptr<CsvWriter> csv;
  std::unique_ptr<ChromeTrace> chrome;
  if (request.profile) calls.add_sink(profile);
  if (!request.folded_path.empty() || !request.flamegraph_path.empty()) calls.add_sink(flame);
  if (!request.csv_path.empty()) {
    csv_file = open_output(request.csv_path, error);
    if (!csv_file) return false;
    csv = std::make_unique<CsvWriter>(calls, csv_file.get(), request.filter);
    calls.add_sink(*csv);
  }
  if (!request.chrome_path.empty()) {
    chrome_file = open_output(request.chrome_path, error);
    if (!chrome_file) return false;
    chrome = std::make_unique<ChromeTrace>(calls, chrome_file.get());
    calls.add_sink(*chrome);
  }
  bool ok =
      reader->read([&](std::string_view, const TraceItem& item) { calls.consume(item); }, error);
  if (!ok) return false;
  calls.finish();
  if (request.profile) {
    std::string table = profile.table(request.sort, request.min_count);
    std::fwrite(table.data(), 1, table.size(), out);
  }
  if (!request.folded_path.empty() && !write_text(request.folded_path, flame.folded(), error))
    return false;
  if (!request.flamegraph_path.empty() &&
      !write_text(request.flamegraph_path, flame.svg(request.input), error))
    return false;
  if (request.summary) {
    const TraceStats& stats = calls.stats();
    std::fprintf(stderr,
                 "%llu lines, %llu calls, %llu returns without entry, %llu calls without "
                 "return, %llu events, %llu lost events\n",
                 static_cast<unsigned long long>(stats.lines),
                 static_cast<unsigned long long>(stats.calls),
                 static_cast<unsigned long long>(stats.orphan_returns),
                 static_cast<unsigned long long>(stats.unfinished),
                 static_cast<unsigned long long>(stats.events),
                 static_cast<unsigned long long>(stats.lost_events));
  }
  return true;
}

}  // namespace tg::analysis
