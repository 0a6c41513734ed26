#pragma once
#include <cstdint>
#include <string>

namespace tracegate::tracedat::test {

// Linux ring-buffer pages (events/header_page, events/header_event) built by hand: the
// input a trace.dat carries, as per_cpu/cpuN/trace_pipe_raw yields it.
class RawPageBuilder {
 public:
  static constexpr uint32_t kPageSize = 4096;
  static constexpr uint16_t kFunctionId = 1;  // events/ftrace/function's ID

  // A page of `page_size` bytes (the ring's sub-buffer size, buffer_subbuf_size_kb).
  explicit RawPageBuilder(uint64_t timestamp, uint32_t page_size = kPageSize)
      : timestamp_(timestamp), last_(timestamp), page_size_(page_size) {}

  // An ftrace/function event (ip, parent_ip) by `pid` at `time` ns; a gap beyond 27 bits
  // of delta gets a time extend first, as Linux writes it.
  RawPageBuilder& function(uint64_t time, int32_t pid, uint64_t ip, uint64_t parent_ip);
  // Marks the page as following `count` lost events (RB_MISSED_EVENTS | RB_MISSED_STORED).
  RawPageBuilder& lost(uint64_t count);
  // The page, padded to its size.
  std::string page() const;

 private:
  void header(uint32_t type_len, uint64_t delta);
  void u32(uint32_t v);
  void u64(uint64_t v);
  uint64_t timestamp_;
  uint64_t last_;
  uint64_t lost_ = 0;
  uint32_t page_size_;
  std::string data_;
};

}  // namespace tracegate::tracedat::test
