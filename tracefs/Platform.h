#pragma once
#include "support/Errno.h"
#include "support/Span.h"
#include "support/StringView.h"
#include "support/Types.h"

namespace tg {

// One kernel function the symbol table knows: the address→name table the build embeds
// (sorted by address), like kallsyms.
struct Symbol {
  u64 address;
  u32 size;
  const char* name;  // demangled, qualified, no parameters: "kmalloc", "Scheduler::pick_next"
  // No patchable fentry site (notrace code, assembly): printable, but not in
  // available_filter_functions and never selected by a filter.
  bool notrace = false;
};

enum class TraceClock : u8 {
  kLocal,
  kGlobal,
  kCounter,
  kUptime,
  kPerf,
  kMono,
  kMonoRaw,
  kBoot,
  kTai,
  kX86Tsc
};

// The directories tracefs announces as it makes them (Platform::directory_made).
enum class DirectoryKind : u8 {
  kEvent,     // events/<group>/ or events/<group>/<event>/ of a new dynamic event
  kInstance,  // instances/<name>/
};

// What the core needs from whatever it runs on (the kernel, or a host test). Plain function
// pointers: the freestanding core has no virtual destructors and no RTTI.
struct Platform {
  u32 cpu_count = 1;
  // Base of the kernel text; recorded instruction pointers are 32-bit offsets from it.
  u64 text_base = 0;
  Span<const Symbol> symbols;  // sorted by address
  // The clock `trace_clock` selects, in ns (kCounter: a plain counter).
  u64 (*clock)(TraceClock clock) = nullptr;
  // Tracing configuration that decides which call sites are live changed (tracer, filters,
  // pids): the kernel re-patches its fentry sites. May be null (host tests).
  void (*functions_changed)() = nullptr;
  // Returns once no CPU is inside a ring-buffer write that started before the call (used
  // before a resize or a reset). May be null when writers are quiesced by other means.
  void (*synchronize_writers)() = nullptr;
  // A reader may now find data or an event it waited for (trace_pipe, workloads/run).
  void (*wake_readers)() = nullptr;
  // Bracket a record written by a file operation (trace_marker), which runs in a task, or the
  // stack tracer's lock taken by one: the kernel masks interrupts so the CPU's buffer (or
  // lock) is never re-entered and the task cannot move to another CPU meanwhile; `cpu` is
  // refreshed to the CPU it now runs on. begin returns what end restores. Both null on the
  // host.
  u64 (*file_record_begin)(u32& cpu) = nullptr;
  void (*file_record_end)(u64 state) = nullptr;
  // Reads kernel memory that may not be mapped (a kprobe's dereference): false instead of a
  // fault. Null: every read fails.
  bool (*read_memory)(u64 address, void* out, usize size) = nullptr;
  // Follows the frame-pointer chain from `frame`, writing up to `max` return addresses
  // (innermost first); returns how many. Null: no frames beyond a probe's caller.
  usize (*walk_stack)(u64 frame, u64* out, usize max) = nullptr;
  // Whether a kprobe may sit at `address` inside the function [function, function + size):
  // kOk, kIlSeq when no instruction starts there, kInval when the instruction there cannot
  // be run out of line. Null: no probe inside a function is possible (kInval).
  Errno (*check_probe_point)(u64 function, u32 size, u64 address) = nullptr;
  // tracefs made a directory named `name` (NUL-terminated): the kernel hands it to a traced
  // function under Linux's name, where a probe written for Linux reads it. May be null.
  void (*directory_made)(DirectoryKind kind, const char* name) = nullptr;
  // The kernel's release string, for the latency-format header.
  StringView release = "tracegate";
};

// Installs `platform` (and indexes its symbol table for symbol_slot).
void install_platform(const Platform& platform);
// The last entry of the platform's symbol table starting at or below `address` (whether the
// address is inside it is the caller's question), or -1. O(1) for a kernel-sized table.
isize symbol_slot(u64 address);
// The same question over any sorted table, by binary search: no index, no allocation, no
// installed platform needed (a fault dump early in boot asks it).
isize symbol_slot_in(Span<const Symbol> symbols, u64 address);
// Inline: every record asks for the clock through it.
extern Platform g_platform;
inline const Platform& platform() {
  return g_platform;
}
// Calls the platform's directory_made with a NUL-terminated copy of `name` (nothing without
// the hook, or for a name longer than any tracefs directory's).
void announce_directory(DirectoryKind kind, StringView name);
// Waits until no recorder can still be inside a write that began before the call (what a
// replaced list or buffer may be freed after); nothing to wait for without the hook.
inline void synchronize_writers() {
  if (g_platform.synchronize_writers) g_platform.synchronize_writers();
}

}  // namespace tg
