#pragma once
#include "support/Parse.h"
#include "trace/Tracing.h"
#include "vfs/OpenFile.h"

// The ops of every file of the tracing tree, grouped by concept in ControlFiles.cpp,
// ListFiles.cpp, EventFiles.cpp, TraceFiles.cpp, InfoFiles.cpp, ProbeFiles.cpp and
// ProfileFiles.cpp; TracingTree.cpp arranges
// them into directories.
namespace tg::vfs {

// control
extern const FileOps kCurrentTracerOps;
extern const FileOps kAvailableTracersOps;
extern const FileOps kTracingOnOps;
extern const FileOps kTracingThreshOps;
extern const FileOps kTracingMaxLatencyOps;
extern const FileOps kBufferPercentOps;
extern const FileOps kFreeBufferOps;
extern const FileOps kTimestampModeOps;
extern const FileOps kMaxGraphDepthOps;
extern const FileOps kBufferSubbufSizeKbOps;
extern const FileOps kBufferSizeKbOps;  // top level, and per_cpu/cpuN when cpu >= 0
extern const FileOps kBufferTotalSizeKbOps;
extern const FileOps kTraceClockOps;
extern const FileOps kTraceOptionsOps;
extern const FileOps kOptionFileOps;  // options/<name>, context.index = option
extern const FileOps kTracingCpumaskOps;
extern const FileOps kTraceMarkerOps;
// lists
extern const FileOps kSetFtraceFilterOps;
extern const FileOps kSetFtraceNotraceOps;
extern const FileOps kSetGraphFunctionOps;
extern const FileOps kSetGraphNotraceOps;
extern const FileOps kSetFtracePidOps;
extern const FileOps kSetEventPidOps;
extern const FileOps kSetFtraceNotracePidOps;
extern const FileOps kSetEventNotracePidOps;
extern const FileOps kAvailableFilterFunctionsOps;
extern const FileOps kAvailableFilterFunctionsAddrsOps;
extern const FileOps kStackTraceFilterOps;
// the max-stack tracer (stack_max_size, stack_trace)
extern const FileOps kStackMaxSizeOps;
extern const FileOps kStackTraceOps;
// events
extern const FileOps kSetEventOps;
extern const FileOps kAvailableEventsOps;
extern const FileOps kEventsEnableOps;  // events/enable, events/<sys>/enable, per event
extern const FileOps kEventFilterOps;   // events/<sys>/<event>/filter
extern const FileOps kSystemFilterOps;  // events/<sys>/filter
// What Linux's events/<system>/filter (and a dynamic group's) shows.
inline constexpr StringView kSystemFilterHelp =
    "### global filter ###\n"
    "# Use this to set filters for multiple events.\n"
    "# Only events with the given fields will be affected.\n"
    "# If no events are modified, an error message will be displayed here\n";
extern const FileOps kEventFormatOps;
extern const FileOps kEventIdOps;
extern const FileOps kEventTriggerOps;
extern const FileOps kEventHistOps;  // events/<sys>/<event>/trigger
// dynamic events (kprobes): the top files, and events/<group>/<event>/ (context.sub = id)
extern const FileOps kKprobeEventsOps;
extern const FileOps kDynamicEventsOps;
extern const FileOps kProbeProfileOps;
extern const FileOps kProbeEnableOps;
extern const FileOps kProbeFilterOps;
extern const FileOps kProbeFormatOps;
extern const FileOps kProbeIdOps;
extern const FileOps kProbeTriggerOps;
extern const FileOps kProbeHistOps;
extern const FileOps kSyntheticEventsOps;
extern const FileOps kProbeGroupEnableOps;  // events/<group>/enable, context.index = group
extern const FileOps kProbeGroupFilterOps;  // events/<group>/filter
// the function profiler
extern const FileOps kFunctionProfileEnabledOps;
extern const FileOps kFunctionStatOps;  // trace_stat/functionN, context.cpu = N
// trace
extern const FileOps kTraceOps;      // trace and per_cpu/cpuN/trace
extern const FileOps kTracePipeOps;  // trace_pipe and per_cpu/cpuN/trace_pipe
extern const FileOps kSnapshotOps;   // snapshot and per_cpu/cpuN/snapshot
extern const FileOps kPerCpuStatsOps;
extern const FileOps kTracePipeRawOps;  // per_cpu/cpuN/trace_pipe_raw
extern const FileOps kHeaderPageOps;    // events/header_page
extern const FileOps kHeaderEventOps;   // events/header_event
// info (README, error_log, saved_cmdlines, saved_cmdlines_size, saved_tgids)
extern const FileOps kReadmeOps;
extern const FileOps kErrorLogOps;
extern const FileOps kSavedTgidsOps;
extern const FileOps kSavedCmdlinesOps;
extern const FileOps kSavedCmdlinesSizeOps;

// ---- small helpers the files share ----

inline trace::TraceInstance& instance_of(OpenFile& file) {
  return file.instance();
}

// A one-shot text file's show(): run `fill` once, no more chunks.
inline Result<bool> shown(Status status) {
  if (!status.ok()) return status.error();
  return false;
}

// List files: one write consumes one whitespace-separated word (and one separator after it)
// and returns the bytes it used; the caller (echo, the gateway) writes the rest. A write of
// blanks only is consumed whole.
template <typename Apply>
Result<usize> write_one_word(StringView data, Apply apply) {
  Word word = next_word(data);
  if (word.word.empty()) return data.size();
  TRY(apply(word.word));
  return word.consumed;
}

}  // namespace tg::vfs
