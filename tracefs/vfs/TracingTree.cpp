#include "vfs/TracingTree.h"

#include "trace/EventState.h"
#include "vfs/TracingFiles.h"

namespace tg::vfs {

namespace {

using trace::EventSystems;
using trace::Tracing;

Tracing& tracing_of(const NodeContext& context) {
  return *static_cast<Tracing*>(context.data);
}

// ---- per_cpu/cpuN ----

constexpr Node kCpuFiles[] = {
    file_node("buffer_size_kb", 0640, &kBufferSizeKbOps),
    file_node("snapshot", 0640, &kSnapshotOps),
    file_node("stats", 0440, &kPerCpuStatsOps),
    file_node("trace", 0640, &kTraceOps),
    file_node("trace_pipe", 0440, &kTracePipeOps),
    file_node("trace_pipe_raw", 0440, &kTracePipeRawOps),
};
constexpr Node kCpuDirectory = directory_node("", 0750, kCpuFiles);

usize cpu_count(const NodeContext&) {
  return platform().cpu_count;
}
bool cpu_entry(const NodeContext&, usize index, DynamicEntry& out) {
  out.node = &kCpuDirectory;
  out.context.cpu = static_cast<i32>(index);
  out.format_name("cpu", index);
  return true;
}
constexpr DynamicChildren kCpus = {cpu_count, cpu_entry};

// ---- trace_stat/functionN: the function profiler's counts, one file per CPU ----

constexpr Node kFunctionStatFile = file_node("", 0640, &kFunctionStatOps);

bool function_stat_entry(const NodeContext&, usize index, DynamicEntry& out) {
  out.node = &kFunctionStatFile;
  out.context.cpu = static_cast<i32>(index);
  out.format_name("function", index);
  return true;
}
constexpr DynamicChildren kFunctionStats = {cpu_count, function_stat_entry};

// ---- options/<name> ----

constexpr Node kOptionFile = file_node("", 0640, &kOptionFileOps);

usize option_count(const NodeContext&) {
  return trace::option_row_count();
}
bool option_entry(const NodeContext&, usize index, DynamicEntry& out) {
  out.node = &kOptionFile;
  out.context.index = static_cast<i32>(index);
  out.name = trace::option_row(index).name;
  return true;
}
constexpr DynamicChildren kOptions = {option_count, option_entry};

// ---- events/<system>/<event> ----

constexpr Node kEventFiles[] = {
    file_node("enable", 0640, &kEventsEnableOps), file_node("filter", 0640, &kEventFilterOps),
    file_node("format", 0440, &kEventFormatOps),  file_node("hist", 0444, &kEventHistOps),
    file_node("id", 0440, &kEventIdOps),          file_node("trigger", 0640, &kEventTriggerOps),
};
constexpr Node kEventDirectory = directory_node("", 0755, kEventFiles);
// ftrace's internal records: a format and an id for trace-cmd, nothing to switch.
constexpr Node kInternalEventFiles[] = {
    file_node("format", 0440, &kEventFormatOps),
    file_node("id", 0440, &kEventIdOps),
};
constexpr Node kInternalEventDirectory = directory_node("", 0755, kInternalEventFiles);
// ftrace/print is written by trace_marker, and Linux lets triggers (hist ones too) act on it.
constexpr Node kPrintEventFiles[] = {
    file_node("format", 0440, &kEventFormatOps),
    file_node("hist", 0444, &kEventHistOps),
    file_node("id", 0440, &kEventIdOps),
    file_node("trigger", 0640, &kEventTriggerOps),
};
constexpr Node kPrintEventDirectory = directory_node("", 0755, kPrintEventFiles);

const Node* event_directory(const trace::EventDefinition& event) {
  if (event.id == trace::kEventPrint) return &kPrintEventDirectory;
  return EventSystems::enableable(event) ? &kEventDirectory : &kInternalEventDirectory;
}

usize event_count(const NodeContext& parent) {
  return EventSystems::event_count(static_cast<usize>(parent.index));
}
bool event_entry(const NodeContext& parent, usize index, DynamicEntry& out) {
  const auto& event =
      trace::all_events()[EventSystems::event_index(static_cast<usize>(parent.index), index)];
  out.node = event_directory(event);
  out.context.sub = static_cast<i32>(index);
  out.name = event.name;
  return true;
}
constexpr DynamicChildren kEvents = {event_count, event_entry};

constexpr Node kSystemFiles[] = {
    file_node("enable", 0640, &kEventsEnableOps),
    file_node("filter", 0640, &kSystemFilterOps),
};
constexpr Node kSystemDirectory = directory_node("", 0755, kSystemFiles, &kEvents);

// ---- events/<group>/<event> of dynamic events (kprobes), after the catalog's systems ----

constexpr Node kProbeEventFiles[] = {
    file_node("enable", 0640, &kProbeEnableOps), file_node("filter", 0640, &kProbeFilterOps),
    file_node("format", 0440, &kProbeFormatOps), file_node("hist", 0444, &kProbeHistOps),
    file_node("id", 0440, &kProbeIdOps),         file_node("trigger", 0640, &kProbeTriggerOps),
};
constexpr Node kProbeEventDirectory = directory_node("", 0755, kProbeEventFiles);

usize probe_group_index(const NodeContext& parent) {
  return static_cast<usize>(parent.index) - EventSystems::count();
}
usize probe_event_count(const NodeContext& parent) {
  return tracing_of(parent).probes().group_size(probe_group_index(parent));
}
bool probe_event_entry(const NodeContext& parent, usize index, DynamicEntry& out) {
  auto* probe = tracing_of(parent).probes().group_member(probe_group_index(parent), index);
  if (!probe) return false;
  out.node = &kProbeEventDirectory;
  out.context.sub = probe->id();
  out.name = probe->event().name;
  return true;
}
constexpr DynamicChildren kProbeEvents = {probe_event_count, probe_event_entry};
constexpr Node kProbeGroupFiles[] = {
    file_node("enable", 0640, &kProbeGroupEnableOps),
    file_node("filter", 0640, &kProbeGroupFilterOps),
};
constexpr Node kProbeGroupDirectory = directory_node("", 0755, kProbeGroupFiles, &kProbeEvents);

usize system_count(const NodeContext& parent) {
  return EventSystems::count() + tracing_of(parent).probes().group_count();
}
bool system_entry(const NodeContext& parent, usize index, DynamicEntry& out) {
  if (index >= EventSystems::count()) {
    StringView group = tracing_of(parent).probes().group_name(index - EventSystems::count());
    if (group.empty()) return false;
    out.node = &kProbeGroupDirectory;
    out.context.index = static_cast<i32>(index);
    out.name = group;
    return true;
  }
  out.node = &kSystemDirectory;
  out.context.index = static_cast<i32>(index);
  out.name = EventSystems::name(index);
  return true;
}
constexpr DynamicChildren kSystems = {system_count, system_entry};

constexpr Node kEventsFiles[] = {
    file_node("enable", 0640, &kEventsEnableOps),
    file_node("header_event", 0440, &kHeaderEventOps),
    file_node("header_page", 0440, &kHeaderPageOps),
};

// ---- the top directory and instances/NAME: one table of rows ----

bool instance_entry(const NodeContext& parent, usize index, DynamicEntry& out);
usize instance_count(const NodeContext& parent) {
  return tracing_of(parent).instance_count() - 1;
}
constexpr DynamicChildren kInstances = {instance_count, instance_entry};

Status instance_mkdir(const NodeContext& parent, StringView name) {
  return tracing_of(parent).create_instance(name).error();
}
Status instance_rmdir(const NodeContext& parent, StringView name) {
  return tracing_of(parent).remove_instance(name);
}
constexpr DirectoryOps kInstancesOps = {instance_mkdir, instance_rmdir};

// Linux gives instances/NAME a subset of the top directory (capture 20).
enum class Where : u8 { kEverywhere, kTopOnly };
struct TracingRow {
  Node node;
  Where where;
};

using enum Where;
constexpr TracingRow kTracingRows[] = {
    {file_node("README", 0440, &kReadmeOps), kTopOnly},
    {file_node("available_events", 0440, &kAvailableEventsOps), kTopOnly},
    {file_node("available_filter_functions", 0440, &kAvailableFilterFunctionsOps), kTopOnly},
    {file_node("available_filter_functions_addrs", 0440, &kAvailableFilterFunctionsAddrsOps),
     kTopOnly},
    {file_node("available_tracers", 0440, &kAvailableTracersOps), kEverywhere},
    {file_node("buffer_percent", 0640, &kBufferPercentOps), kEverywhere},
    {file_node("buffer_size_kb", 0640, &kBufferSizeKbOps), kEverywhere},
    {file_node("buffer_subbuf_size_kb", 0640, &kBufferSubbufSizeKbOps), kEverywhere},
    {file_node("buffer_total_size_kb", 0440, &kBufferTotalSizeKbOps), kEverywhere},
    {file_node("current_tracer", 0640, &kCurrentTracerOps), kEverywhere},
    {file_node("dynamic_events", 0640, &kDynamicEventsOps), kTopOnly},
    {file_node("error_log", 0640, &kErrorLogOps), kEverywhere},
    {directory_node("events", 0755, kEventsFiles, &kSystems), kEverywhere},
    {file_node("free_buffer", 0200, &kFreeBufferOps), kEverywhere},
    {file_node("function_profile_enabled", 0640, &kFunctionProfileEnabledOps), kTopOnly},
    {directory_node("instances", 0750, {}, &kInstances, &kInstancesOps), kTopOnly},
    {file_node("kprobe_events", 0640, &kKprobeEventsOps), kTopOnly},
    {file_node("kprobe_profile", 0440, &kProbeProfileOps), kTopOnly},
    {file_node("max_graph_depth", 0640, &kMaxGraphDepthOps), kTopOnly},
    {directory_node("options", 0750, {}, &kOptions), kEverywhere},
    {directory_node("per_cpu", 0750, {}, &kCpus), kEverywhere},
    {file_node("saved_cmdlines", 0440, &kSavedCmdlinesOps), kTopOnly},
    {file_node("saved_cmdlines_size", 0640, &kSavedCmdlinesSizeOps), kTopOnly},
    {file_node("saved_tgids", 0440, &kSavedTgidsOps), kTopOnly},
    {file_node("set_event", 0640, &kSetEventOps), kEverywhere},
    {file_node("set_event_notrace_pid", 0640, &kSetEventNotracePidOps), kEverywhere},
    {file_node("set_event_pid", 0640, &kSetEventPidOps), kEverywhere},
    {file_node("set_ftrace_filter", 0640, &kSetFtraceFilterOps), kEverywhere},
    {file_node("set_ftrace_notrace", 0640, &kSetFtraceNotraceOps), kEverywhere},
    {file_node("set_ftrace_notrace_pid", 0640, &kSetFtraceNotracePidOps), kEverywhere},
    {file_node("set_ftrace_pid", 0640, &kSetFtracePidOps), kEverywhere},
    {file_node("set_graph_function", 0640, &kSetGraphFunctionOps), kTopOnly},
    {file_node("set_graph_notrace", 0640, &kSetGraphNotraceOps), kTopOnly},
    {file_node("snapshot", 0640, &kSnapshotOps), kEverywhere},
    {file_node("stack_max_size", 0640, &kStackMaxSizeOps), kTopOnly},
    {file_node("stack_trace", 0440, &kStackTraceOps), kTopOnly},
    {file_node("stack_trace_filter", 0640, &kStackTraceFilterOps), kTopOnly},
    {file_node("synthetic_events", 0640, &kSyntheticEventsOps), kTopOnly},
    {file_node("timestamp_mode", 0440, &kTimestampModeOps), kEverywhere},
    {file_node("trace", 0640, &kTraceOps), kEverywhere},
    {file_node("trace_clock", 0640, &kTraceClockOps), kEverywhere},
    {file_node("trace_marker", 0220, &kTraceMarkerOps), kEverywhere},
    {file_node("trace_options", 0640, &kTraceOptionsOps), kEverywhere},
    {file_node("trace_pipe", 0440, &kTracePipeOps), kEverywhere},
    {directory_node("trace_stat", 0750, {}, &kFunctionStats), kTopOnly},
    {file_node("tracing_cpumask", 0640, &kTracingCpumaskOps), kEverywhere},
    {file_node("tracing_max_latency", 0640, &kTracingMaxLatencyOps), kEverywhere},
    {file_node("tracing_on", 0640, &kTracingOnOps), kEverywhere},
    {file_node("tracing_thresh", 0640, &kTracingThreshOps), kTopOnly},
};

template <usize N>
struct NodeRows {
  Node rows[N];
};
constexpr usize row_count(bool top) {
  usize count = 0;
  for (const TracingRow& row : kTracingRows) count += top || row.where == kEverywhere;
  return count;
}
template <bool kTop>
constexpr NodeRows<row_count(kTop)> select_rows() {
  NodeRows<row_count(kTop)> selected{};
  usize at = 0;
  for (const TracingRow& row : kTracingRows)
    if (kTop || row.where == kEverywhere) selected.rows[at++] = row.node;
  return selected;
}

constexpr NodeRows kTopFiles = select_rows<true>();
constexpr NodeRows kInstanceFiles = select_rows<false>();
constexpr Node kTopDirectory = directory_node("", 0700, kTopFiles.rows);
constexpr Node kInstanceDirectory = directory_node("", 0750, kInstanceFiles.rows);

bool instance_entry(const NodeContext& parent, usize index, DynamicEntry& out) {
  Tracing& tracing = tracing_of(parent);
  if (index + 1 >= tracing.instance_count()) return false;
  out.node = &kInstanceDirectory;
  out.context.instance_id = tracing.instance_at(index + 1).id();
  out.name = tracing.instance_at(index + 1).name();
  return true;
}

bool instance_alive(const NodeContext& context) {
  return context.instance_id == 0 || tracing_of(context).find(context.instance_id) != nullptr;
}
// The top directory's context names no instance id: its files act on the top instance.
trace::TraceInstance* instance_for(const NodeContext& context) {
  if (context.instance_id == 0) return &tracing_of(context).top();
  return tracing_of(context).find(context.instance_id);
}

}  // namespace

Status mount_tracing(NodeTable& table, Tracing& tracing, StringView name) {
  NodeTable::Mount mount;
  mount.name = name;
  mount.root = &kTopDirectory;
  mount.data = &tracing;
  mount.alive = instance_alive;
  mount.instance_of = instance_for;
  TRY(table.mount(mount));
  return {};
}

}  // namespace tg::vfs
