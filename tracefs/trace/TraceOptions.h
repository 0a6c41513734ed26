#pragma once
#include "support/Result.h"
#include "support/Span.h"
#include "support/StringView.h"
#include "support/Types.h"

namespace tg::trace {

// Every option of `trace_options` / `options/`, in the order Linux lists them: the global
// flags first, then each tracer's own. The order of this enum is the order of kOptionTable.
enum class TraceOption : u8 {
  kPrintParent,
  kSymOffset,
  kSymAddr,
  kVerbose,
  kRaw,
  kHex,
  kBin,
  kBlock,
  kFields,
  kTracePrintk,
  kAnnotate,
  kUserStackTrace,
  kSymUserObj,
  kPrintkMsgOnly,
  kContextInfo,
  kLatencyFormat,
  kRecordCmd,
  kRecordTgid,
  kOverwrite,
  kDisableOnFree,
  kIrqInfo,
  kMarkers,
  kEventFork,
  kTracePrintkDest,
  kCopyTraceMarker,
  kPauseOnTrace,
  kHashPtr,
  kFunctionTrace,
  kFunctionFork,
  kStackTrace,
  // function
  kFuncStackTrace,
  // function_graph
  kFuncgraphOverrun,
  kFuncgraphCpu,
  kFuncgraphOverhead,
  kFuncgraphProc,
  kFuncgraphDuration,
  kFuncgraphAbstime,
  kFuncgraphIrqs,
  kFuncgraphTail,
  kFuncgraphRetval,
  kSleepTime,
  kGraphTime,
  // function_duration
  kDurationAbstime,
  kDurationCpu,
  kDurationOverhead,
  kDurationProc,
  kDurationOverrun,
  kCount,
};

inline constexpr usize kOptionCount = static_cast<usize>(TraceOption::kCount);

struct OptionInfo {
  TraceOption option;
  StringView name;
  bool default_on;
  // Empty for a global option; else the tracer that owns it. Linux lists a tracer's options
  // in trace_options only while that tracer is current, but options/ holds every one.
  StringView tracer;
};

// Names, defaults and owners: the one table trace_options, options/ and the formatters read.
inline constexpr OptionInfo kOptionTable[] = {
    {TraceOption::kPrintParent, "print-parent", true, ""},
    {TraceOption::kSymOffset, "sym-offset", false, ""},
    {TraceOption::kSymAddr, "sym-addr", false, ""},
    {TraceOption::kVerbose, "verbose", false, ""},
    {TraceOption::kRaw, "raw", false, ""},
    {TraceOption::kHex, "hex", false, ""},
    {TraceOption::kBin, "bin", false, ""},
    {TraceOption::kBlock, "block", false, ""},
    {TraceOption::kFields, "fields", false, ""},
    {TraceOption::kTracePrintk, "trace_printk", true, ""},
    {TraceOption::kAnnotate, "annotate", true, ""},
    {TraceOption::kUserStackTrace, "userstacktrace", false, ""},
    {TraceOption::kSymUserObj, "sym-userobj", false, ""},
    {TraceOption::kPrintkMsgOnly, "printk-msg-only", false, ""},
    {TraceOption::kContextInfo, "context-info", true, ""},
    {TraceOption::kLatencyFormat, "latency-format", false, ""},
    {TraceOption::kRecordCmd, "record-cmd", true, ""},
    {TraceOption::kRecordTgid, "record-tgid", false, ""},
    {TraceOption::kOverwrite, "overwrite", true, ""},
    {TraceOption::kDisableOnFree, "disable_on_free", false, ""},
    {TraceOption::kIrqInfo, "irq-info", true, ""},
    {TraceOption::kMarkers, "markers", true, ""},
    {TraceOption::kEventFork, "event-fork", false, ""},
    {TraceOption::kTracePrintkDest, "trace_printk_dest", true, ""},
    {TraceOption::kCopyTraceMarker, "copy_trace_marker", true, ""},
    {TraceOption::kPauseOnTrace, "pause-on-trace", false, ""},
    {TraceOption::kHashPtr, "hash-ptr", true, ""},
    {TraceOption::kFunctionTrace, "function-trace", true, ""},
    {TraceOption::kFunctionFork, "function-fork", false, ""},
    {TraceOption::kStackTrace, "stacktrace", false, ""},
    {TraceOption::kFuncStackTrace, "func_stack_trace", false, "function"},
    {TraceOption::kFuncgraphOverrun, "funcgraph-overrun", false, "function_graph"},
    {TraceOption::kFuncgraphCpu, "funcgraph-cpu", true, "function_graph"},
    {TraceOption::kFuncgraphOverhead, "funcgraph-overhead", true, "function_graph"},
    {TraceOption::kFuncgraphProc, "funcgraph-proc", false, "function_graph"},
    {TraceOption::kFuncgraphDuration, "funcgraph-duration", true, "function_graph"},
    {TraceOption::kFuncgraphAbstime, "funcgraph-abstime", false, "function_graph"},
    {TraceOption::kFuncgraphIrqs, "funcgraph-irqs", true, "function_graph"},
    {TraceOption::kFuncgraphTail, "funcgraph-tail", false, "function_graph"},
    {TraceOption::kFuncgraphRetval, "funcgraph-retval", false, "function_graph"},
    {TraceOption::kSleepTime, "sleep-time", true, "function_graph"},
    {TraceOption::kGraphTime, "graph-time", true, "function_graph"},
    {TraceOption::kDurationAbstime, "duration-abstime", false, "function_duration"},
    {TraceOption::kDurationCpu, "duration-cpu", true, "function_duration"},
    {TraceOption::kDurationOverhead, "duration-overhead", true, "function_duration"},
    {TraceOption::kDurationProc, "duration-proc", false, "function_duration"},
    {TraceOption::kDurationOverrun, "duration-overrun", false, "function_duration"},
};
static_assert(sizeof(kOptionTable) / sizeof(kOptionTable[0]) == kOptionCount);
static_assert(kOptionCount <= 64, "option bits live in one u64");

constexpr bool option_table_in_enum_order() {
  for (usize i = 0; i < kOptionCount; ++i)
    if (static_cast<usize>(kOptionTable[i].option) != i) return false;
  return true;
}
static_assert(option_table_in_enum_order());

// The option bits of one trace instance. Plain bits: the record path reads a whole word,
// and an option flipped while a record is written affects at most that record.
class TraceOptions {
 public:
  constexpr TraceOptions() : bits_(default_bits()) {}

  static Span<const OptionInfo> table() { return kOptionTable; }
  static const OptionInfo& info(TraceOption option) { return kOptionTable[bit(option)]; }
  // nullptr when no option has that exact name.
  static const OptionInfo* find(StringView name);
  // Whether `trace_options` shows and accepts the option while `tracer` is current.
  static bool listed_for(const OptionInfo& info, StringView tracer) {
    return info.tracer.empty() || info.tracer == tracer;
  }

  bool get(TraceOption option) const { return (bits_ >> bit(option)) & 1; }
  void set(TraceOption option, bool on) {
    if (on)
      bits_ |= u64{1} << bit(option);
    else
      bits_ &= ~(u64{1} << bit(option));
  }
  void reset_to_defaults() { bits_ = default_bits(); }

  // One `trace_options` write: "name" or "noname", surrounding blanks ignored. Unknown, or an
  // option of a tracer that is not current -> EINVAL (Linux). Returns what changed so the
  // instance can apply side effects (overwrite).
  struct Change {
    TraceOption option;
    bool on;
  };
  static Result<Change> parse_write(StringView text, StringView current_tracer);

 private:
  static constexpr u32 bit(TraceOption option) { return static_cast<u32>(option); }
  static constexpr u64 default_bits() {
    u64 bits = 0;
    for (const auto& info : kOptionTable)
      if (info.default_on) bits |= u64{1} << bit(info.option);
    return bits;
  }

  u64 bits_;
};

}  // namespace tg::trace
