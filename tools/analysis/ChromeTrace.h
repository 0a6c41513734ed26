#pragma once
#include <vector>

#include "CallAssembler.h"
#include "CallFilter.h"
#include "OutputBuffer.h"

namespace tg::analysis {

// Chrome's trace-event JSON, as Perfetto's UI and chrome://tracing open it: one thread
// per task (named by thread_name metadata), a call whose entry is in the trace as a `B`
// and an `E` event, a call known only from its return (leaves, function_duration lines,
// returns whose entry fell outside) as one `X` event, events, task switches and irq arrows
// as instants. Written as the calls arrive; a call never returned ends at the last time
// its task reached.
class ChromeTrace : public CallSink {
 public:
  ChromeTrace(const CallAssembler& calls, std::FILE* out);
  void on_enter(const CallStart& start) override;
  void on_call(const Call& call) override;
  void on_unfinished(const CallStart& start, std::int64_t end_ns) override;
  void on_instant(const Instant& instant) override;
  void on_finish() override;

 private:
  void begin_event();
  void name_thread(TaskId task);
  std::int64_t tid(TaskId task) const;

  const CallAssembler& calls_;
  OutputBuffer out_;
  bool first_ = true;
  std::vector<bool> named_;
};

}  // namespace tg::analysis
