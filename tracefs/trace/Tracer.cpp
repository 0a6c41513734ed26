#include "trace/Tracer.h"

#include "trace/DurationTracer.h"
#include "trace/FunctionTracer.h"
#include "trace/GraphTracer.h"
#include "trace/IrqsoffTracer.h"
#include "trace/NopTracer.h"
#include "trace/WakeupTracer.h"

namespace tg::trace {

namespace {

// The built-in tracers: one row each. Linux lists the most recently registered tracer
// first; registration order is nop, function, irqsoff, preemptoff, preemptirqsoff, wakeup,
// wakeup_rt, wakeup_dl, function_graph, function_duration.
constexpr const Tracer* kTracers[] = {
    &kDurationTracer,       &kGraphTracer,      &kWakeupDlTracer, &kWakeupRtTracer, &kWakeupTracer,
    &kPreemptirqsoffTracer, &kPreemptoffTracer, &kIrqsoffTracer,  &kFunctionTracer, &kNopTracer};
constexpr usize kBuiltIn = sizeof(kTracers) / sizeof(kTracers[0]);
constexpr usize kMaxRegistered = 4;

// Every tracer in available_tracers order: the ones register_tracer added, newest first, in
// front of the built-in rows. Filled at compile time from kTracers.
struct TracerList {
  const Tracer* rows[kMaxRegistered + kBuiltIn];
};
constexpr TracerList built_in_list() {
  TracerList list{};
  for (usize i = 0; i < kBuiltIn; ++i) list.rows[kMaxRegistered + i] = kTracers[i];
  return list;
}
TracerList g_list = built_in_list();
usize g_registered = 0;

// Where a tracer's rows come in options/: the order the tracers were registered in.
template <typename Visit>
void for_each_row(Visit visit) {
  for (const OptionInfo& info : kGlobalOptions) visit(info);
  Span<const Tracer* const> tracers = all_tracers();
  for (usize t = tracers.size(); t-- > 0;)
    for (const OptionInfo& info : tracers[t]->options) visit(info);
}

bool owns(const Tracer& tracer, const OptionInfo& info) {
  const OptionInfo* rows = tracer.options.data();
  return &info >= rows && &info < rows + tracer.options.size();
}

}  // namespace

usize option_row_count() {
  usize count = 0;
  for_each_row([&](const OptionInfo&) { ++count; });
  return count;
}

const OptionInfo& option_row(usize index) {
  const OptionInfo* found = &kGlobalOptions[0];
  usize at = 0;
  for_each_row([&](const OptionInfo& info) {
    if (at++ == index) found = &info;
  });
  return *found;
}

const OptionInfo* find_option(StringView name) {
  const OptionInfo* found = nullptr;
  for_each_row([&](const OptionInfo& info) {
    if (!found && info.name == name) found = &info;
  });
  return found;
}

bool option_listed_for(const OptionInfo& info, StringView tracer) {
  const Tracer* current = find_tracer(tracer);
  bool global = &info >= kGlobalOptions && &info < kGlobalOptions + kGlobalOptionCount;
  return global || (current && owns(*current, info));
}

Result<TraceOptions::Change> parse_option_write(StringView text, StringView tracer) {
  StringView name = text.trim();
  bool on = true;
  const OptionInfo* info = find_option(name);
  if (!info && name.starts_with("no")) {
    info = find_option(name.drop_front(2));
    on = false;
  }
  if (!info || !option_listed_for(*info, tracer)) return Errno::kInval;
  return TraceOptions::Change{info->option, on};
}

Span<const Tracer* const> all_tracers() {
  return Span<const Tracer* const>(g_list.rows + kMaxRegistered - g_registered,
                                   kBuiltIn + g_registered);
}

const Tracer* find_tracer(StringView name) {
  for (const Tracer* tracer : all_tracers())
    if (tracer->name == name) return tracer;
  return nullptr;
}

Status register_tracer(const Tracer& tracer) {
  if (tracer.name.empty()) return Errno::kInval;
  if (find_tracer(tracer.name)) return Errno::kBusy;
  if (g_registered == kMaxRegistered) return Errno::kNoSpc;
  ++g_registered;
  g_list.rows[kMaxRegistered - g_registered] = &tracer;
  return {};
}

void unregister_tracer(const Tracer& tracer) {
  usize first = kMaxRegistered - g_registered;
  for (usize i = first; i < kMaxRegistered; ++i) {
    if (g_list.rows[i] != &tracer) continue;
    for (usize j = i; j > first; --j) g_list.rows[j] = g_list.rows[j - 1];
    g_list.rows[first] = nullptr;
    --g_registered;
    return;
  }
}

}  // namespace tg::trace
