// Parse and summarise a large function_graph text trace: seconds, MB/s and peak RSS.
// The trace is a real capture (test/tools/fixtures/fgraph-alloc.txt) replayed until it
// reaches the size asked for (default 64 MB), written to a file and then read back the way
// `tracectl report --profile` reads it.
//
//   analysis_bench [SIZE_MB] [FIXTURE]
#include <sys/resource.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

#include "Report.h"

int main(int argc, char** argv) {
  size_t megabytes = argc > 1 ? std::strtoul(argv[1], nullptr, 10) : 64;
  std::string fixture = argc > 2 ? argv[2] : TOOLS_FIXTURES "/fgraph-alloc.txt";
  std::ifstream in(fixture);
  std::string body, line;
  while (std::getline(in, line))
    if (!line.empty() && line[0] != '#') body += line + '\n';
  if (body.empty()) {
    std::fprintf(stderr, "analysis_bench: nothing to replay in %s\n", fixture.c_str());
    return 1;
  }
  std::string path = "/tmp/analysis_bench-" + std::to_string(getpid()) + ".txt";
  {
    std::ofstream out(path, std::ios::binary);
    out << "# tracer: function_graph\n#\n";
    for (size_t written = 0; written < megabytes << 20; written += body.size()) out << body;
  }
  std::ifstream sized(path, std::ios::binary | std::ios::ate);
  double size = static_cast<double>(sized.tellg());

  tg::analysis::ReportRequest request;
  request.input = path;
  request.profile = true;
  std::FILE* sink = std::fopen("/dev/null", "w");
  auto began = std::chrono::steady_clock::now();
  std::string error;
  bool ok = tg::analysis::run_report(request, sink, error);
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - began).count();
  std::fclose(sink);
  std::remove(path.c_str());
  if (!ok) {
    std::fprintf(stderr, "analysis_bench: %s\n", error.c_str());
    return 1;
  }
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  std::printf("function_graph text, %.1f MB: %.3f s, %.0f MB/s, peak RSS %.1f MB\n", size / 1e6,
              seconds, size / 1e6 / seconds, usage.ru_maxrss / 1024.0);
  return 0;
}
