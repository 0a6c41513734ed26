#pragma once
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

#include "CallAssembler.h"
#include "ChromeTrace.h"
#include "CsvWriter.h"
#include "FlameGraph.h"
#include "Profile.h"
#include "TraceReader.h"

namespace tg::analysis::test {

// The traces the kernel produced (captured over HTTP from a booted guest), by file name:
// text traces, and trace.dat files `tracectl record` wrote (*-raw.dat).
inline constexpr const char* kFixtures[] = {
    "fgraph-alloc.txt",    "fgraph-kmalloc.txt",      "fgraph-pingpong-proc-abstime.txt",
    "fgraph-pingpong.txt", "fduration-alloc.txt",     "function-alloc.txt",
    "nop-sched.txt",       "fgraph-pingpong-raw.dat", "function-sched-alloc-raw.dat",
};

inline std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

inline std::string fixture_path(const std::string& name) {
  return std::string(TOOLS_FIXTURES) + "/" + name;
}

// A FILE* that collects into a string.
class MemoryFile {
 public:
  MemoryFile() : file_(open_memstream(&data_, &size_)) {}
  ~MemoryFile() {
    if (file_) std::fclose(file_);
    std::free(data_);
  }
  std::FILE* get() { return file_; }
  std::string text() {
    std::fflush(file_);
    return std::string(data_, size_);
  }

 private:
  char* data_ = nullptr;
  size_t size_ = 0;
  std::FILE* file_;
};

// Every output of one fixture, from one pass of the analysis.
struct Outputs {
  std::string profile, csv, folded, chrome, svg;
  TraceStats stats;
};

inline Outputs analyse(const std::string& name, CallFilter filter = {}) {
  NameTable names;
  CallAssembler calls(names);
  Profile profile(calls, filter);
  FlameGraph flame(calls, filter);
  MemoryFile csv_file, chrome_file;
  CsvWriter csv(calls, csv_file.get(), filter);
  ChromeTrace chrome(calls, chrome_file.get());
  calls.add_sink(profile);
  calls.add_sink(flame);
  calls.add_sink(csv);
  calls.add_sink(chrome);
  std::string error;
  auto reader = open_trace(fixture_path(name), error);
  if (!reader ||
      !reader->read([&](std::string_view, const TraceItem& item) { calls.consume(item); }, error))
    return {};
  calls.finish();
  return {profile.table(Profile::SortKey::kTotal),
          csv_file.text(),
          flame.folded(),
          chrome_file.text(),
          flame.svg(name),
          calls.stats()};
}

}  // namespace tg::analysis::test
