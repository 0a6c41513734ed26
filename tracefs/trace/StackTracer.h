#pragma once
#include "support/Result.h"
#include "support/SpinLock.h"
#include "support/String.h"
#include "trace/CpuMask.h"
#include "trace/FunctionFilter.h"

namespace tg::trace {

// Where a traced call stands on its task's kernel stack, as the fentry path sees it: `sp` is
// the slot the site's call pushed (the return address into the traced function), `sp[1]`
// the traced function's own return address, `frame` its caller's frame pointer (the walk to
// the frames beyond starts there) and `top` one past the stack's highest word.
struct StackCall {
  const u64* sp;
  const u64* top;
  u64 frame;
};

// Linux's max-stack tracer (kernel/trace/trace_stack.c): at every call of a function the
// filter admits, the stack in use is measured; a new maximum records the call chain with the
// depth at which each return address sits, so stack_trace shows what each frame took.
// stack_max_size reads and resets the maximum; proc/sys/kernel/stack_tracer_enabled switches
// it on, `stacktrace` on the kernel command line at boot.
//
// The maximum and the chain are guarded by an arch spinlock taken with interrupts masked.
// Whoever holds it marks its CPU busy first, so a traced function called under the lock finds
// the tracer busy instead of spinning on a lock its own CPU holds (Linux's
// disable_stack_tracer).
class StackTracer {
 public:
  // Linux's STACK_TRACE_ENTRIES.
  static constexpr usize kMaxEntries = 500;

  // The sysctl's value, as proc_dointvec keeps it ("2" reads back 2); any non-zero value
  // enables. Returns whether it turned on or off (the live call sites must then change).
  i32 enabled_value() const { return enabled_.load(MemoryOrder::kRelaxed); }
  bool enabled() const { return enabled_value() != 0; }
  bool set_enabled_value(i32 value);

  // stack_trace_filter: which functions check the stack (empty: all).
  FunctionFilter& filter() { return filter_; }
  // For the patcher: whether the site of `ip` must be live for the stack tracer.
  bool wants_site(u64 ip) const { return enabled() && filter_.admits(ip); }

  // The fentry path, with interrupts masked on `cpu`, for a function the caller found
  // wants_site: measures `call` and records it when it beats the maximum.
  void check(u32 cpu, const StackCall& call);

  u64 max_size();
  // stack_max_size's write; the recorded chain stays (as in Linux).
  void set_max_size(u64 size);

  // stack_trace's text: the header with the entry count, the "disabled" note while the
  // tracer is off and nothing was recorded, then one row per frame, deepest first.
  Status show(String& out);

 private:
  struct Entry {
    u64 address;
    u32 depth;  // bytes from the stack's top to the slot holding `address`
  };
  // Brackets the lock from a file operation: interrupts masked, the CPU marked busy.
  class FileLock;

  void record(const StackCall& call, u64 size);

  Atomic<i32> enabled_{0};
  FunctionFilter filter_{FunctionFilter::Flavor::kStack};
  ArchSpinLock lock_;
  u8 busy_[CpuMask::kMaxCpus] = {};
  // Written under lock_; the fentry path reads it without, to leave early.
  Atomic<u64> max_size_{0};
  // Under lock_.
  usize entry_count_ = 0;
  Entry entries_[kMaxEntries] = {};
  u64 walked_[kMaxEntries] = {};
};

}  // namespace tg::trace
