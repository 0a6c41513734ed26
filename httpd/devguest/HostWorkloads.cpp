#include "HostWorkloads.h"

#include <algorithm>
#include <array>
#include <cstdio>
#include <sstream>
#include <vector>

#include "support/Parse.h"
#include "trace/TraceMarker.h"
#include "vfs/OpenFile.h"

namespace tracegate::devguest {
namespace {

using tg::Errno;
using tg::vfs::OpenFile;

struct Workload {
  const char* name;
  uint64_t default_iterations;
  bool host_only;
};

constexpr std::array<Workload, 5> kWorkloads = {{
    {"alloc", 100, false},
    {"pingpong", 100, false},
    {"ramfs", 100, false},
    {"timers", 100, false},
    {"markers", 10000, true},
}};

// What the writer of `run` waits for.
struct RunWrite {
  uint64_t run = 0;
  size_t length = 0;
  bool pending = false;
};

HostWorkloads& workloads_of(OpenFile& file) {
  return *static_cast<HostWorkloads*>(file.context().data);
}

tg::Result<bool> show(tg::String& out, const std::string& text) {
  TRY(out.append(tg::StringView(text.data(), text.size())));
  return false;
}

tg::Result<bool> show_available(OpenFile& file, tg::String& out) {
  return show(out, workloads_of(file).available());
}

tg::Result<bool> show_last(OpenFile& file, tg::String& out) {
  return show(out, workloads_of(file).last());
}

void free_run_write(void* state) {
  delete static_cast<RunWrite*>(state);
}

tg::Result<size_t> write_run(OpenFile& file, tg::StringView data) {
  if (!file.private_data) {
    file.private_data = new RunWrite;
    file.free_private = free_run_write;
  }
  auto& state = *static_cast<RunWrite*>(file.private_data);
  if (state.pending) return Errno::kBusy;
  auto run = workloads_of(file).start(std::string_view(data.data(), data.size()));
  if (!run.ok()) return run.error();
  state = {run.value(), data.size(), true};
  return Errno::kAgain;  // accepted; the write completes in run_done
}

tg::Result<size_t> run_done(OpenFile& file) {
  auto* state = static_cast<RunWrite*>(file.private_data);
  if (!state || !state->pending) return Errno::kInval;
  if (!workloads_of(file).finished(state->run)) return Errno::kAgain;
  state->pending = false;
  return state->length;
}

constexpr tg::vfs::FileOps kAvailableOps = {.show = show_available};
constexpr tg::vfs::FileOps kLastOps = {.show = show_last};
constexpr tg::vfs::FileOps kRunOps = {.write = write_run, .write_done = run_done};

constexpr tg::vfs::Node kFiles[] = {
    tg::vfs::file_node("available", 0444, &kAvailableOps),
    tg::vfs::file_node("last", 0444, &kLastOps),
    tg::vfs::file_node("run", 0200, &kRunOps),
};
constexpr tg::vfs::Node kDirectory = tg::vfs::directory_node("workloads", 0755, kFiles);

std::vector<std::string> words_of(std::string_view text) {
  std::istringstream in{std::string(text)};
  std::vector<std::string> words;
  for (std::string word; in >> word;) words.push_back(word);
  return words;
}

}  // namespace

tg::Status HostWorkloads::mount(tg::vfs::NodeTable& table) {
  tg::vfs::NodeTable::Mount mount;
  mount.name = "workloads";
  mount.root = &kDirectory;
  mount.data = this;
  return table.mount(mount);
}

std::string HostWorkloads::available() const {
  std::string text;
  for (const auto& workload : kWorkloads) text += std::string(workload.name) + "\n";
  return text;
}

std::string HostWorkloads::last() {
  settle();
  char text[256];
  std::snprintf(
      text, sizeof text,
      "name: %s\nstatus: %s\niterations: %llu\nduration_ns: %llu\nchecksum: "
      "0x%016llx\n",
      name_.c_str(), running_ ? "running" : "ok", static_cast<unsigned long long>(iterations_),
      static_cast<unsigned long long>(duration_ns_), static_cast<unsigned long long>(checksum_));
  return text;
}

tg::Result<uint64_t> HostWorkloads::start(std::string_view command) {
  settle();
  if (running_) return Errno::kBusy;
  auto words = words_of(command);
  if (words.empty() || words.size() > 2) return Errno::kInval;
  auto workload = std::find_if(kWorkloads.begin(), kWorkloads.end(),
                               [&](const Workload& w) { return words[0] == w.name; });
  if (workload == kWorkloads.end()) return Errno::kInval;
  uint64_t iterations = workload->default_iterations;
  if (words.size() == 2) {
    auto parsed = tg::parse_unsigned(tg::StringView(words[1].data(), words[1].size()));
    if (!parsed.ok() || parsed.value() == 0) return Errno::kInval;
    iterations = parsed.value();
  }
  running_ = true;
  name_ = workload->name;
  iterations_ = iterations;
  duration_ns_ = 0;
  checksum_ = 0;
  started_ = Clock::now();
  mark("workload " + name_ + " start");
  if (workload->host_only) {
    for (uint64_t i = 0; i < iterations; ++i) mark("marker " + std::to_string(i));
    until_ = started_;
  } else {
    until_ = started_ + std::chrono::milliseconds(iterations);
  }
  return ++runs_;
}

bool HostWorkloads::finished(uint64_t id) {
  settle();
  return id != runs_ || !running_;
}

void HostWorkloads::settle() {
  if (running_ && Clock::now() >= until_) finish();
}

void HostWorkloads::finish() {
  running_ = false;
  duration_ns_ = static_cast<uint64_t>(
      std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - started_).count());
  // A checksum that depends on what ran, as the kernel's do.
  checksum_ = 1469598103934665603ull;
  for (char c : name_) checksum_ = (checksum_ ^ static_cast<uint8_t>(c)) * 1099511628211ull;
  checksum_ ^= iterations_ * 0x9e3779b97f4a7c15ull;
  mark("workload " + name_ + " done");
}

void HostWorkloads::mark(const std::string& text) {
  // Best effort, as a kernel workload's own events: tracing_on 0 refuses them.
  (void)tg::trace::write_marker(tracing_.top(), tracing_.record_context(),
                                tg::StringView(text.data(), text.size()));
}

}  // namespace tracegate::devguest
