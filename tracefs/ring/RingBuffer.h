#pragma once
#include "ring/Record.h"
#include "support/Atomic.h"
#include "support/Memory.h"
#include "support/Result.h"
#include "support/Vector.h"

namespace tg::ring {

// One decoded record as readers see it.
struct Entry {
  u64 timestamp;      // absolute, ns of the instance's trace clock
  i32 pid;            // task current on that CPU when it was written
  u32 cpu;
  RecordType type;
  const u8* record;   // the whole record, header included (valid until the cursor moves)
  u32 size;           // record size in bytes

  template <typename T>
  const T& as() const { return *reinterpret_cast<const T*>(record); }
};

// Exact accounting, as per_cpu/cpuN/stats prints it.
struct CpuStats {
  u64 entries;         // readable records still in the buffer (function, graph, event...)
  u64 overrun;         // lost to overwrite (or to a shrinking resize)
  u64 commit_overrun;  // always 0: a writer never laps itself
  u64 bytes;           // bytes of readable records
  u64 oldest_timestamp;
  u64 dropped;         // refused because the buffer was full and overwrite is off
  u64 read;            // consumed by trace_pipe
};

// One CPU's buffer: written without locks by its own CPU (never re-entered: the platform
// keeps interrupts off around a write), read from any CPU. Readers copy a page and validate
// the copy afterwards (a per-page sequence number), so a writer never waits for a reader.
// Only task, function, graph, event and irq records count as entries.
class CpuBuffer {
 public:
  static Result<OwnPtr<CpuBuffer>> create(u32 cpu, usize pages);
  ~CpuBuffer();

  // ---- writer side (the owning CPU only) ----
  // Reserves `size` bytes (header included, multiple of 4, <= kPageDataSize) stamped with
  // `timestamp` for `pid`; writes a kTask record first when pid differs from the last one,
  // and a kTimeStamp record when the delta does not fit. Returns the record memory with
  // its header already written, or nullptr (dropped: full in stop mode, or disabled).
  u32* reserve(u64 timestamp, i32 pid, RecordType type, usize size);
  // Publishes the reserved record to readers.
  void commit();
  // reserve + copy + commit. `record` includes its header word (its delta bits are filled).
  bool write(u64 timestamp, i32 pid, const void* record, usize size);

  // ---- control (no concurrent writer: the caller disabled recording and synchronized) ----
  void reset();                  // drops everything, counters to 0 ("echo > trace")
  Status resize(usize pages);    // keeps the newest contents; the dropped oldest count as overrun
  void set_overwrite(bool overwrite);
  bool overwrite() const;
  usize pages() const;
  CpuStats stats() const;
  u32 cpu() const;
  // Recording on/off for this buffer (nestable, like Linux's record_disable).
  void disable_recording();
  void enable_recording();

  // ---- readers ----
  class Cursor;  // see below
};

// Iterates one CPU's records, oldest first. A consuming cursor (trace_pipe) also removes what
// it passes; a non-consuming one (trace) leaves the buffer as it is.
class CpuBuffer::Cursor {
 public:
  Cursor(CpuBuffer& buffer, bool consuming);
  // The next readable record, or false when the reader has caught up with the writer.
  // Overwritten data is skipped (the overrun counter tells how much).
  bool peek(Entry& entry);
  void advance();
};

// All CPUs' buffers of one trace instance, and the iterator that merges them by timestamp.
class TraceBuffer {
 public:
  static Result<OwnPtr<TraceBuffer>> create(u32 cpu_count, usize pages_per_cpu);
  u32 cpu_count() const;
  CpuBuffer& cpu(u32 index);

  // Sums for the "entries-in-buffer/entries-written" header line: entries still readable
  // and entries + overrun.
  u64 entries() const;
  u64 entries_written() const;
  void reset();
  void reset_cpu(u32 cpu);

  // Merged, time-ordered view over every CPU (or one CPU, for per_cpu/cpuN files).
  class Iterator {
   public:
    Iterator(TraceBuffer& buffer, bool consuming, i32 only_cpu = -1);
    bool peek(Entry& entry);
    void advance();
    // The record after `entry` on the same CPU (function_graph's leaf detection).
    bool peek_next_on_cpu(const Entry& entry, Entry& next);
  };
};

}  // namespace tg::ring
