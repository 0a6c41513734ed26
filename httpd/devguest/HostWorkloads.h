#pragma once
#include <chrono>
#include <cstdint>
#include <string>

#include "trace/Tracing.h"
#include "vfs/NodeTable.h"

namespace tracegate::devguest {

// workloads/ for the host guest: the kernel's files (available, run, last) with the
// kernel's semantics and none of its work. A run of `NAME [N]` takes N milliseconds of wall
// time, marks its start and end in the trace (trace_marker entries), and its `run` write
// completes only when it has finished (FileOps::write_done); a second run meanwhile is
// EBUSY, an unknown name or a bad count EINVAL. One host-only workload, `markers N`,
// writes N trace_marker entries at once: trace data for benchmarks.
class HostWorkloads {
 public:
  explicit HostWorkloads(tg::trace::Tracing& tracing) : tracing_(tracing) {}
  tg::Status mount(tg::vfs::NodeTable& table);

  std::string available() const;
  std::string last();
  // Starts a run; EBUSY while one runs, EINVAL for a bad command. Returns the run's id.
  tg::Result<uint64_t> start(std::string_view command);
  // Whether run `id` has finished (it finishes when its time is up).
  bool finished(uint64_t id);

 private:
  using Clock = std::chrono::steady_clock;
  // Ends the run once its time is up, whether or not a writer still waits for it.
  void settle();
  void finish();
  void mark(const std::string& text);

  tg::trace::Tracing& tracing_;
  bool running_ = false;
  uint64_t runs_ = 0;
  std::string name_ = "none";
  uint64_t iterations_ = 0;
  uint64_t duration_ns_ = 0;
  uint64_t checksum_ = 0;
  Clock::time_point started_;
  Clock::time_point until_;
};

}  // namespace tracegate::devguest
