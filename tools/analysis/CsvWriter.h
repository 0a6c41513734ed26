#pragma once
#include "CallAssembler.h"
#include "CallFilter.h"
#include "OutputBuffer.h"

namespace tg::analysis {

// Nanos' trace.csv: `function,tid,latency_us,latency_us_self`, one row per completed call
// in completion order; self is the duration minus the direct children's.
class CsvWriter : public CallSink {
 public:
  CsvWriter(const CallAssembler& calls, std::FILE* out, CallFilter filter = {})
      : calls_(calls), out_(out), filter_(std::move(filter)) {
    out_.put("function,tid,latency_us,latency_us_self\n");
  }
  void on_call(const Call& call) override {
    if (!filter_.keeps(calls_, call)) return;
    std::string_view name = calls_.names().name(call.function);
    // A template argument list may hold commas: quote such a name, as CSV does.
    if (name.find(',') != std::string_view::npos)
      out_.put('"').put(name).put('"');
    else
      out_.put(name);
    out_.put(',').dec(calls_.task(call.task).pid);
    out_.put(',').usecs(static_cast<std::int64_t>(call.duration_ns));
    out_.put(',').usecs(static_cast<std::int64_t>(call.self_ns)).put('\n');
  }
  void on_finish() override { out_.flush(); }

 private:
  const CallAssembler& calls_;
  OutputBuffer out_;
  CallFilter filter_;
};

}  // namespace tg::analysis
