#pragma once
#include <cstdint>
#include <map>
#include <string>

namespace tracegate {

// The gateway's counters, exposed at /metrics in Prometheus text format. The io_context
// runs on one thread, so plain integers suffice.
struct Metrics {
  std::map<unsigned, uint64_t> responses_by_status;
  uint64_t guest_connections = 0;
  uint64_t guest_requests = 0;
  uint64_t guest_timeouts = 0;
  uint64_t guest_flushes = 0;
  uint64_t stream_bytes = 0;
  int64_t active_streams = 0;
  uint64_t host_text_streams = 0;  // trace_pipe streams formatted on the host
  bool guest_up = false;

  std::string render() const;
};

}  // namespace tracegate
