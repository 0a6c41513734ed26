#pragma once
#include <string>

#include "RawPageBuilder.h"
#include "TraceDat.h"

namespace tracegate::tracedat::test {

// Linux 6.18's own header and ftrace/function format text (as observed on a real kernel),
// so the sample files are what trace-cmd meets on Linux.
inline const char kHeaderPage[] =
    "\tfield: u64 timestamp;\toffset:0;\tsize:8;\tsigned:0;\n"
    "\tfield: local_t commit;\toffset:8;\tsize:8;\tsigned:1;\n"
    "\tfield: int overwrite;\toffset:8;\tsize:1;\tsigned:1;\n"
    "\tfield: char data;\toffset:16;\tsize:4080;\tsigned:0;\n";

// The same at 16 KiB sub-buffers (buffer_subbuf_size_kb 16): only the data size differs.
inline const char kHeaderPage16K[] =
    "\tfield: u64 timestamp;\toffset:0;\tsize:8;\tsigned:0;\n"
    "\tfield: local_t commit;\toffset:8;\tsize:8;\tsigned:1;\n"
    "\tfield: int overwrite;\toffset:8;\tsize:1;\tsigned:1;\n"
    "\tfield: char data;\toffset:16;\tsize:16368;\tsigned:0;\n";

inline const char kHeaderEvent[] =
    "# compressed entry header\n"
    "\ttype_len    :    5 bits\n"
    "\ttime_delta  :   27 bits\n"
    "\tarray       :   32 bits\n"
    "\n"
    "\tpadding     : type == 29\n"
    "\ttime_extend : type == 30\n"
    "\ttime_stamp : type == 31\n"
    "\tdata max type_len  == 28\n";

inline const char kFunctionFormat[] =
    "name: function\n"
    "ID: 1\n"
    "format:\n"
    "\tfield:unsigned short common_type;\toffset:0;\tsize:2;\tsigned:0;\n"
    "\tfield:unsigned char common_flags;\toffset:2;\tsize:1;\tsigned:0;\n"
    "\tfield:unsigned char common_preempt_count;\toffset:3;\tsize:1;\tsigned:0;\n"
    "\tfield:int common_pid;\toffset:4;\tsize:4;\tsigned:1;\n"
    "\n"
    "\tfield:unsigned long ip;\toffset:8;\tsize:8;\tsigned:0;\n"
    "\tfield:unsigned long parent_ip;\toffset:16;\tsize:8;\tsigned:0;\n"
    "\tfield:unsigned long args[];\toffset:24;\tsize:0;\tsigned:0;\n"
    "\n"
    "print fmt: \" %ps <-- %ps\", (void *)REC->ip, (void *)REC->parent_ip\n";

inline const char kIrqEntryFormat[] =
    "name: irq_handler_entry\n"
    "ID: 140\n"
    "format:\n"
    "\tfield:unsigned short common_type;\toffset:0;\tsize:2;\tsigned:0;\n"
    "\tfield:unsigned char common_flags;\toffset:2;\tsize:1;\tsigned:0;\n"
    "\tfield:unsigned char common_preempt_count;\toffset:3;\tsize:1;\tsigned:0;\n"
    "\tfield:int common_pid;\toffset:4;\tsize:4;\tsigned:1;\n"
    "\n"
    "\tfield:int irq;\toffset:8;\tsize:4;\tsigned:1;\n"
    "\tfield:__data_loc char[] name;\toffset:12;\tsize:4;\tsigned:0;\n"
    "\n"
    "print fmt: \"irq=%d name=%s\", REC->irq, __get_str(name)\n";

inline constexpr uint64_t kKmalloc = 0xffffffff80200000;
inline constexpr uint64_t kRunAlloc = 0xffffffff80200100;
inline constexpr uint64_t kSchedulerPick = 0xffffffff80200200;

inline const char kKallsyms[] =
    "ffffffff80200000 T kmalloc\n"
    "ffffffff80200100 T workload_alloc\n"
    "ffffffff80200200 T Scheduler::pick_next\n";

inline const char kStats[] =
    "entries: 0\noverrun: 0\ncommit overrun: 0\nbytes: 0\n"
    "oldest event ts:     0.000000\nnow ts:     2.000000\ndropped events: 0\nread events: 0\n";

// Two CPUs: CPU 0 with two kmalloc calls from task 7 ("alloc") at 1.000001 s and 1.5 s
// (a gap that needs a time extend), CPU 1 with one Scheduler::pick_next by the idle task
// on a page that follows 5 lost events.
inline TraceDat sample_trace() {
  TraceDat dat;
  dat.header_page = kHeaderPage;
  dat.header_event = kHeaderEvent;
  dat.ftrace = {kFunctionFormat};
  dat.systems = {{"irq", {kIrqEntryFormat}}};
  dat.kallsyms = kKallsyms;
  dat.cmdlines = "7 alloc\n";
  dat.trace_clock = "[local] global counter\n";
  dat.top.pages = {
      RawPageBuilder(1000001000)
          .function(1000001000, 7, kKmalloc, kRunAlloc)
          .function(1500000000, 7, kKmalloc, kRunAlloc)
          .page(),
      RawPageBuilder(1200000000).lost(5).function(1200000000, 0, kSchedulerPick, kRunAlloc).page()};
  dat.top.stats = {kStats, kStats};
  return dat;
}

// The sample recorded at 16 KiB sub-buffers: CPU 0 holds 500 function events, more than a
// 4 KiB page could (145 of these), in one page; CPU 1 as in sample_trace().
inline constexpr uint32_t k16KPage = 16384;
inline constexpr int kEventsIn16KPage = 500;
inline TraceDat sample_trace_16k() {
  TraceDat dat = sample_trace();
  dat.page_size = k16KPage;
  dat.header_page = kHeaderPage16K;
  RawPageBuilder full(1000000000, k16KPage);
  for (int i = 0; i < kEventsIn16KPage; ++i)
    full.function(1000000000 + i * 1000, 7, kKmalloc, kRunAlloc);
  dat.top.pages = {full.page(), RawPageBuilder(1200000000, k16KPage)
                                    .lost(5)
                                    .function(1200000000, 0, kSchedulerPick, kRunAlloc)
                                    .page()};
  return dat;
}

}  // namespace tracegate::tracedat::test
