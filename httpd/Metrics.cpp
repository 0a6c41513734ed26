#include "Metrics.h"

namespace tracegate {
namespace {

void counter(std::string& out, const char* name, const char* help, uint64_t value,
             const char* type = "counter") {
  out += std::string("# HELP ") + name + " " + help + "\n# TYPE " + name + " " + type + "\n";
  out += std::string(name) + " " + std::to_string(value) + "\n";
}

}  // namespace

std::string Metrics::render() const {
  std::string out;
  out += "# HELP tracegate_http_responses_total HTTP responses by status code.\n";
  out += "# TYPE tracegate_http_responses_total counter\n";
  for (const auto& [status, count] : responses_by_status)
    out += "tracegate_http_responses_total{code=\"" + std::to_string(status) + "\"} " +
           std::to_string(count) + "\n";
  counter(out, "tracegate_guest_up", "1 while the guest link is up.", guest_up ? 1 : 0, "gauge");
  counter(out, "tracegate_guest_connections_total", "Guest connections that completed Tversion.",
          guest_connections);
  counter(out, "tracegate_guest_requests_total", "9P requests sent to the guest.", guest_requests);
  counter(out, "tracegate_guest_timeouts_total", "9P requests that timed out.", guest_timeouts);
  counter(out, "tracegate_guest_flushes_total", "Tflush messages sent.", guest_flushes);
  counter(out, "tracegate_stream_bytes_total", "Bytes streamed from trace_pipe.", stream_bytes);
  counter(out, "tracegate_host_text_streams_total",
          "trace_pipe streams formatted on the host from raw pages.", host_text_streams);
  counter(out, "tracegate_active_streams", "trace_pipe streams in progress.",
          static_cast<uint64_t>(active_streams), "gauge");
  return out;
}

}  // namespace tracegate
