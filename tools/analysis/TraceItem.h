#pragma once
#include <cstdint>
#include <string_view>

namespace tg::analysis {

// One line of a trace, decoded: what the analysis consumes, whatever the input was. The text
// parser produces these from `trace`/`trace_pipe` output of any tracer; a reader of raw
// ring-buffer pages (trace.dat) would produce the same items from tracefs's record layouts.
enum class ItemKind : std::uint8_t {
  kNone,          // blank, a separator, or nothing the analysis uses
  kHeader,        // a "#" comment line
  kGraphEntry,    // function_graph "name() {"
  kGraphLeaf,     // function_graph "name();" (entry and return in one line)
  kGraphReturn,   // function_graph "}" or "} /* name */"
  kDurationCall,  // function_duration: one whole call, printed when it returned
  kFunctionHit,   // function tracer "name <-parent"
  kEvent,         // an event or a marker (a line of its own, or a /* comment */ in a graph)
  kIrqEnter,      // "==========>"
  kIrqExit,       // "<=========="
  kTaskSwitch,    // " 0) comm-1 => comm-2": the task on a CPU changed
  kLostEvents,    // "CPU:N [LOST M EVENTS]"
};

inline constexpr int kNoPid = -1;

struct TraceItem {
  ItemKind kind = ItemKind::kNone;
  int cpu = -1;           // -1: the line does not say
  int pid = kNoPid;       // the task, where the line names it
  std::string_view comm;  // the task's name as printed (graph columns cut it to 7 chars)
  int next_pid = kNoPid;  // kTaskSwitch: the task switched to
  std::string_view next_comm;
  bool has_time = false;      // a timestamp in the line (abstime, calltime, context column)
  std::uint64_t time_ns = 0;  // for kDurationCall the call's start, otherwise the line's time
  bool has_duration = false;
  std::uint64_t duration_ns = 0;
  int depth = -1;          // graph nesting, from the indentation
  std::string_view name;   // function or event name ("" for a bare "}")
  std::string_view text;   // an event's fields, a function hit's parent
  std::uint64_t lost = 0;  // kLostEvents
};

}  // namespace tg::analysis
