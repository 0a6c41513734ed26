#pragma once
#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

namespace tracegate::tracedat {

// Everything a trace.dat file holds, as the text and bytes of the tracefs files it is made
// from (trace-cmd copies those files verbatim; so do we).
struct EventSystem {
  std::string name;                  // events/<name>/
  std::vector<std::string> formats;  // events/<name>/<event>/format, one per event
};

// One ring buffer's pages: per_cpu/cpuN/trace_pipe_raw read to the end, index = CPU.
struct BufferData {
  std::string name;                // instances/<name>; empty for the top buffer
  std::vector<std::string> pages;  // per CPU: raw pages back to back
  std::vector<std::string> stats;  // per CPU: per_cpu/cpuN/stats (may be empty)
};

struct TraceDat {
  uint32_t page_size = 4096;          // the guest's ring-buffer page
  std::string header_page;            // events/header_page
  std::string header_event;           // events/header_event
  std::vector<std::string> ftrace;    // events/ftrace/*/format
  std::vector<EventSystem> systems;   // every other events/<system>/
  std::string kallsyms;               // /proc/kallsyms
  std::string printk_formats;         // printk_formats (empty: no trace_printk formats)
  std::string cmdlines;               // saved_cmdlines
  std::string trace_clock;            // trace_clock, as read ("[local] global ...")
  BufferData top;                     // the top-level buffer; its CPU count is the file's
  std::vector<BufferData> instances;  // instances/*, each an extra buffer (BUFFER option)
};

// trace-cmd's option ids (trace-cmd.dat(5)); version 6 writes them between "options  "
// and "flyrecord". In version 7 the ids of the sections' options are also the sections' ids.
enum class Option : uint16_t {
  kDone = 0,
  kCpuStat = 2,
  kBuffer = 3,
  kTraceClock = 4,
  kCpuCount = 8,
  kStrings = 15,
  kHeaderInfo = 16,
  kFtraceEvents = 17,
  kEventFormats = 18,
  kKallsyms = 19,
  kPrintk = 20,
  kCmdlines = 21,
};

// Writes `dat` as a version 6 trace.dat (the format `trace-cmd record` wrote up to 2.9 and
// every trace-cmd still reads): little endian, 8-byte longs, CPU data page-aligned.
void write_v6(const TraceDat& dat, std::ostream& out);

// Writes `dat` as a version 7 trace.dat (trace-cmd 3's default): the same contents as
// sections that options point to, uncompressed ("none"), each buffer's CPUs described by its
// BUFFER option.
void write_v7(const TraceDat& dat, std::ostream& out);

}  // namespace tracegate::tracedat
