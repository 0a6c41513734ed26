#pragma once
#include "support/Result.h"
#include "support/Span.h"
#include "support/StringView.h"
#include "support/Types.h"

namespace tg::trace {

// Every option's bit in an instance's option word: the global flags first, then each
// tracer's own, in the order Linux lists them. The rows that name them are kGlobalOptions
// below and each tracer's Tracer::options, in its own file.
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
  kFuncgraphRetvalHex,
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

// One option row: its bit, its name in options/ and trace_options, its default. The global
// rows are below; each tracer keeps its own rows in its own file (Tracer::options), and
// Tracer.h has the lookups over all of them.
struct OptionInfo {
  TraceOption option;
  StringView name;
  bool default_on;
};

// The global options, in the order Linux lists them.
inline constexpr OptionInfo kGlobalOptions[] = {
    {TraceOption::kPrintParent, "print-parent", true},
    {TraceOption::kSymOffset, "sym-offset", false},
    {TraceOption::kSymAddr, "sym-addr", false},
    {TraceOption::kVerbose, "verbose", false},
    {TraceOption::kRaw, "raw", false},
    {TraceOption::kHex, "hex", false},
    {TraceOption::kBin, "bin", false},
    {TraceOption::kBlock, "block", false},
    {TraceOption::kFields, "fields", false},
    {TraceOption::kTracePrintk, "trace_printk", true},
    {TraceOption::kAnnotate, "annotate", true},
    {TraceOption::kUserStackTrace, "userstacktrace", false},
    {TraceOption::kSymUserObj, "sym-userobj", false},
    {TraceOption::kPrintkMsgOnly, "printk-msg-only", false},
    {TraceOption::kContextInfo, "context-info", true},
    {TraceOption::kLatencyFormat, "latency-format", false},
    {TraceOption::kRecordCmd, "record-cmd", true},
    {TraceOption::kRecordTgid, "record-tgid", false},
    {TraceOption::kOverwrite, "overwrite", true},
    {TraceOption::kDisableOnFree, "disable_on_free", false},
    {TraceOption::kIrqInfo, "irq-info", true},
    {TraceOption::kMarkers, "markers", true},
    {TraceOption::kEventFork, "event-fork", false},
    {TraceOption::kTracePrintkDest, "trace_printk_dest", true},
    {TraceOption::kCopyTraceMarker, "copy_trace_marker", true},
    {TraceOption::kPauseOnTrace, "pause-on-trace", false},
    {TraceOption::kHashPtr, "hash-ptr", true},
    {TraceOption::kFunctionTrace, "function-trace", true},
    {TraceOption::kFunctionFork, "function-fork", false},
    {TraceOption::kStackTrace, "stacktrace", false},
};
inline constexpr usize kGlobalOptionCount = sizeof(kGlobalOptions) / sizeof(kGlobalOptions[0]);
static_assert(kGlobalOptionCount == static_cast<usize>(TraceOption::kFuncStackTrace),
              "the global rows are the enum's first values, in order");
static_assert(kOptionCount <= 64, "option bits live in one u64");

// The option bits of one trace instance. Plain bits: the record path reads a whole word,
// and an option flipped while a record is written affects at most that record.
class TraceOptions {
 public:
  // Every option at its default (the rows are Tracer.h's option_row()).
  TraceOptions();

  bool get(TraceOption option) const { return (bits_ >> bit(option)) & 1; }
  void set(TraceOption option, bool on) {
    if (on)
      bits_ |= u64{1} << bit(option);
    else
      bits_ &= ~(u64{1} << bit(option));
  }
  void reset_to_defaults();

  // One `trace_options` write ("name" or "noname"): which option, and on or off.
  struct Change {
    TraceOption option;
    bool on;
  };

 private:
  static constexpr u32 bit(TraceOption option) { return static_cast<u32>(option); }

  u64 bits_ = 0;
};

}  // namespace tg::trace
