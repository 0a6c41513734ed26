// The gateway's host-side formatter (HostText) alone: raw pages of function events, as the
// guest's trace_pipe_raw produces them, imported and printed as trace_pipe text. Prints MB/s
// of text for the import and the printing together, and each apart.
#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include "HostPlatform.h"
#include "HostText.h"
#include "trace/CommCache.h"
#include "trace/FunctionTracer.h"
#include "trace/RawPages.h"
#include "trace/Tracing.h"
#include "vfs/NodeTable.h"
#include "vfs/ProcTree.h"
#include "vfs/TracingTree.h"

using namespace tg;

namespace {

constexpr u64 kTextBase = 0xffffffff80000000ull;
constexpr usize kSymbols = 4096;
constexpr usize kEvents = 400000;

std::vector<Symbol> g_symbols;
std::vector<std::string> g_names;

std::string read_all(vfs::NodeTable& table, const char* path) {
  auto ref = table.lookup(path);
  auto file = table.open(ref.value(), vfs::kOpenReadOnly | vfs::kOpenNonBlock).release_value();
  std::string text;
  for (;;) {
    std::string buffer(1 << 20, '\0');
    auto n = table.read(*file, text.size(), Span<char>(buffer.data(), buffer.size()));
    if (!n.ok() || n.value() == 0) break;
    text.append(buffer.data(), n.value());
  }
  table.release(move(file));
  return text;
}

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace

int main() {
  test::install_host_platform(1);
  for (usize i = 0; i < kSymbols; ++i) g_names.push_back("function_" + std::to_string(i));
  for (usize i = 0; i < kSymbols; ++i)
    g_symbols.push_back({kTextBase + i * 0x100, 0x100, g_names[i].c_str(), false});
  Platform platform = tg::platform();
  platform.text_base = kTextBase;
  platform.symbols = Span<const Symbol>(g_symbols.data(), g_symbols.size());
  install_platform(platform);
  trace::save_comm(100, "workloads");

  // The "guest": the tracefs core recording function events, read out as raw pages.
  auto tracing = trace::Tracing::create().release_value();
  vfs::NodeTable table;
  (void)vfs::mount_tracing(table, *tracing);
  (void)vfs::mount_proc(table, *tracing);
  (void)tracing->top().set_tracer("function");
  std::string pages;
  for (usize i = 0; i < kEvents; ++i) {
    test::advance_clock(300);
    trace::FunctionTracer::record(tracing->top(), {0, 100, 0, 1},
                                  kTextBase + (i * 7 % kSymbols) * 0x100 + 0x10,
                                  kTextBase + (i * 13 % kSymbols) * 0x100 + 0x40);
    if (i % 50000 == 49999) pages += read_all(table, "tracing/per_cpu/cpu0/trace_pipe_raw");
  }
  pages += read_all(table, "tracing/per_cpu/cpu0/trace_pipe_raw");
  tracegate::GuestFacts facts;
  facts.kallsyms = read_all(table, "proc/kallsyms");
  facts.cpus = 1;
  facts.tracer = "function\n";
  facts.options = read_all(table, "tracing/trace_options");
  facts.clock = read_all(table, "tracing/trace_clock");
  facts.cmdlines = read_all(table, "tracing/saved_cmdlines");

  for (int round = 0; round < 3; ++round) {
    std::string error;
    auto host = tracegate::HostText::create(facts, error);
    std::string text;
    double imported = 0;
    double printed = 0;
    // As the gateway does: a batch of pages (one 1 MiB read), then its text.
    constexpr usize kBatch = 256 * trace::kRawPageSize;
    for (usize at = 0; at < pages.size(); at += kBatch) {
      auto start = std::chrono::steady_clock::now();
      usize size = std::min(kBatch, pages.size() - at);
      host->add_pages(0, reinterpret_cast<const uint8_t*>(pages.data()) + at, size);
      imported += seconds_since(start);
      start = std::chrono::steady_clock::now();
      text.clear();
      host->take_text(text);
      printed += seconds_since(start);
    }
    double mb = static_cast<double>(kEvents) * 60 / 1e6;  // ~60 bytes a line
    std::printf(
        "host_text: %zu function events, %.1f MB of raw pages: import %.1f ms, print %.1f ms, "
        "%.0f MB/s of text (about %.0f MB)\n",
        kEvents, pages.size() / 1e6, imported * 1e3, printed * 1e3, mb / (imported + printed), mb);
  }
  return 0;
}
