// tracectl-extract: the guest's trace, as a trace.dat for trace-cmd report and KernelShark.
#include <cerrno>
#include <cstring>
#include <exception>
#include <fstream>
#include <iostream>
#include <string>

#include "Extract.h"

namespace {

constexpr const char* kUsage =
    "usage: tracectl-extract [-o FILE] [--url URL] [--file-version 6|7] [--no-instances]\n"
    "  Reads the guest's raw ring-buffer pages (consuming them) and everything needed to\n"
    "  decode them through the gateway, and writes a trace-cmd trace.dat.\n"
    "  -o FILE             output file (default trace.dat)\n"
    "  --url URL           the gateway (default http://127.0.0.1:9090)\n"
    "  --file-version N    trace.dat version: 6 (default) or 7 (sections, uncompressed)\n"
    "  --no-instances      only the top-level buffer\n";

size_t total_size(const tracegate::tracedat::BufferData& buffer) {
  size_t size = 0;
  for (const auto& pages : buffer.pages) size += pages.size();
  return size;
}

}  // namespace

int main(int argc, char** argv) {
  std::string output = "trace.dat";
  std::string url = "http://127.0.0.1:9090";
  std::string version = "6";
  bool instances = true;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if ((arg == "-o" || arg == "--url" || arg == "--file-version") && i + 1 < argc) {
      (arg == "-o" ? output : arg == "--url" ? url : version) = argv[++i];
    } else if (arg == "--no-instances") {
      instances = false;
    } else {
      std::cerr << (arg == "-h" || arg == "--help" ? "" : "unknown argument: " + arg + "\n")
                << kUsage;
      return arg == "-h" || arg == "--help" ? 0 : 2;
    }
  }
  if (version != "6" && version != "7") {
    std::cerr << "tracectl-extract: --file-version is 6 or 7, not " << version << "\n";
    return 2;
  }
  try {
    tracegate::GatewayClient gateway(url);
    auto dat = tracegate::tracedat::extract(gateway, instances);
    std::ofstream file(output, std::ios::binary | std::ios::trunc);
    if (!file) throw std::runtime_error(output + ": " + std::strerror(errno));
    if (version == "6")
      tracegate::tracedat::write_v6(dat, file);
    else
      tracegate::tracedat::write_v7(dat, file);
    file.close();
    if (!file) throw std::runtime_error(output + ": write failed");
    std::cerr << output << ": " << dat.top.pages.size() << " CPUs, " << total_size(dat.top)
              << " bytes of pages";
    for (const auto& instance : dat.instances)
      std::cerr << "; instance " << instance.name << ": " << total_size(instance) << " bytes";
    std::cerr << "\n";
  } catch (const std::exception& e) {
    std::cerr << "tracectl-extract: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
