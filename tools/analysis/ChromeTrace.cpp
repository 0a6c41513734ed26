#include "ChromeTrace.h"

namespace tg::analysis {

namespace {

// Idle and unknown tasks share pid 0 or -1 across CPUs: give them thread ids of their own.
constexpr std::int64_t kSyntheticTids = 1000000;

}  // namespace

ChromeTrace::ChromeTrace(const CallAssembler& calls, std::FILE* out) : calls_(calls), out_(out) {
  out_.put("{\"displayTimeUnit\":\"ns\",\"traceEvents\":[\n");
  out_.put(
      "{\"ph\":\"M\",\"pid\":1,\"tid\":0,\"name\":\"process_name\",\"args\":{\"name\":"
      "\"tracegate kernel\"}}");
  first_ = false;
}

std::int64_t ChromeTrace::tid(TaskId task) const {
  const Task& info = calls_.task(task);
  return info.pid > 0 ? info.pid : kSyntheticTids + task;
}

void ChromeTrace::begin_event() {
  out_.put(first_ ? "" : ",\n");
  first_ = false;
}

void ChromeTrace::name_thread(TaskId task) {
  if (named_.size() <= task) named_.resize(task + 1, false);
  if (named_[task]) return;
  named_[task] = true;
  const Task& info = calls_.task(task);
  begin_event();
  out_.put("{\"ph\":\"M\",\"pid\":1,\"tid\":").dec(tid(task));
  out_.put(",\"name\":\"thread_name\",\"args\":{\"name\":\"").json(info.comm);
  if (info.pid >= 0) out_.put('-').dec(info.pid);
  out_.put("\"}}");
}

void ChromeTrace::on_enter(const CallStart& start) {
  name_thread(start.task);
  begin_event();
  out_.put("{\"ph\":\"B\",\"pid\":1,\"tid\":").dec(tid(start.task)).put(",\"ts\":");
  out_.usecs(start.start_ns).put(",\"name\":\"").json(calls_.names().name(start.function));
  out_.put("\",\"args\":{\"cpu\":").dec(start.cpu).put("}}");
}

void ChromeTrace::on_call(const Call& call) {
  name_thread(call.task);
  begin_event();
  if (call.entered) {
    out_.put("{\"ph\":\"E\",\"pid\":1,\"tid\":").dec(tid(call.task)).put(",\"ts\":");
    out_.usecs(call.end_ns).put(",\"args\":{\"duration_us\":");
    out_.usecs(static_cast<std::int64_t>(call.duration_ns)).put(",\"self_us\":");
    out_.usecs(static_cast<std::int64_t>(call.self_ns)).put("}}");
    return;
  }
  out_.put("{\"ph\":\"X\",\"pid\":1,\"tid\":").dec(tid(call.task)).put(",\"ts\":");
  out_.usecs(call.start_ns).put(",\"dur\":").usecs(call.end_ns - call.start_ns);
  out_.put(",\"name\":\"").json(calls_.names().name(call.function));
  out_.put("\",\"args\":{\"cpu\":").dec(call.cpu).put(",\"duration_us\":");
  out_.usecs(static_cast<std::int64_t>(call.duration_ns)).put(",\"self_us\":");
  out_.usecs(static_cast<std::int64_t>(call.self_ns)).put("}}");
}

void ChromeTrace::on_unfinished(const CallStart& start, std::int64_t end_ns) {
  begin_event();
  out_.put("{\"ph\":\"E\",\"pid\":1,\"tid\":").dec(tid(start.task)).put(",\"ts\":");
  out_.usecs(end_ns).put(",\"args\":{\"unfinished\":true}}");
}

void ChromeTrace::on_instant(const Instant& instant) {
  if (instant.kind == ItemKind::kFunctionHit) return;
  name_thread(instant.task);
  begin_event();
  out_.put("{\"ph\":\"i\",\"s\":\"t\",\"pid\":1,\"tid\":").dec(tid(instant.task));
  out_.put(",\"ts\":").usecs(instant.time_ns).put(",\"name\":\"");
  out_.json(calls_.names().name(instant.name)).put("\",\"args\":{\"cpu\":").dec(instant.cpu);
  if (!instant.text.empty()) out_.put(",\"fields\":\"").json(instant.text).put('"');
  if (instant.lost) out_.put(",\"lost\":").udec(instant.lost);
  out_.put("}}");
}

void ChromeTrace::on_finish() {
  out_.put("\n]}\n");
  out_.flush();
}

}  // namespace tg::analysis
