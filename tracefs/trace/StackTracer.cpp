#include "trace/StackTracer.h"

#include "support/Vector.h"
#include "trace/Symbols.h"

namespace tg::trace {

// A file operation's hold on the lock. The platform masks interrupts and names the CPU; on
// the host (no hook) nothing can interrupt a test, and CPU 0 stands for it.
class StackTracer::FileLock {
 public:
  explicit FileLock(StackTracer& tracer) : tracer_(tracer) {
    if (platform().file_record_begin) flags_ = platform().file_record_begin(cpu_);
    slot_ = cpu_ % CpuMask::kMaxCpus;
    ++tracer_.busy_[slot_];
    tracer_.lock_.lock();
  }
  ~FileLock() {
    tracer_.lock_.unlock();
    --tracer_.busy_[slot_];
    if (platform().file_record_end) platform().file_record_end(flags_);
  }
  FileLock(const FileLock&) = delete;
  FileLock& operator=(const FileLock&) = delete;

 private:
  StackTracer& tracer_;
  u32 cpu_ = 0;
  u32 slot_ = 0;
  u64 flags_ = 0;
};

bool StackTracer::set_enabled_value(i32 value) {
  bool was = enabled();
  enabled_.store(value, MemoryOrder::kRelaxed);
  return was != (value != 0);
}

void StackTracer::check(u32 cpu, const StackCall& call) {
  u32 slot = cpu % CpuMask::kMaxCpus;
  // Busy: this CPU holds the lock in a file operation that called a traced function.
  if (busy_[slot] || call.sp >= call.top) return;
  u64 size = static_cast<u64>(call.top - call.sp) * sizeof(u64);
  if (size <= max_size_.load(MemoryOrder::kRelaxed)) return;
  ++busy_[slot];
  lock_.lock();
  // Another CPU may have raised the maximum meanwhile.
  if (size > max_size_.load(MemoryOrder::kRelaxed)) record(call, size);
  lock_.unlock();
  --busy_[slot];
}

// As Linux: the chain is the return addresses the unwinder gives (here the one into the
// traced function, its own, then the frame-pointer walk), and each is looked for on the stack
// from where the one before it was found; its slot's distance from the top is its depth. An
// address not found (the walk left the stack) is left out.
void StackTracer::record(const StackCall& call, u64 size) {
  max_size_.store(size, MemoryOrder::kRelaxed);
  usize count = 0;
  walked_[count++] = call.sp[0];
  if (call.sp + 1 < call.top) walked_[count++] = call.sp[1];
  if (platform().walk_stack)
    count += platform().walk_stack(call.frame, walked_ + count, kMaxEntries - count);
  usize kept = 0;
  const u64* from = call.sp;
  for (usize i = 0; i < count; ++i) {
    for (const u64* slot = from; slot < call.top; ++slot) {
      if (*slot != walked_[i]) continue;
      entries_[kept++] = {walked_[i], static_cast<u32>((call.top - slot) * sizeof(u64))};
      from = slot + 1;
      break;
    }
  }
  entry_count_ = kept;
}

u64 StackTracer::max_size() {
  return max_size_.load(MemoryOrder::kRelaxed);
}

void StackTracer::set_max_size(u64 size) {
  FileLock hold(*this);
  max_size_.store(size, MemoryOrder::kRelaxed);
}

Status StackTracer::show(String& out) {
  // Copied under the lock, printed after it: printing allocates and looks symbols up.
  Vector<Entry> entries;
  TRY(entries.reserve(kMaxEntries));
  u64 max_size;
  {
    FileLock hold(*this);
    for (usize i = 0; i < entry_count_; ++i) (void)entries.append(entries_[i]);
    max_size = max_size_.load(MemoryOrder::kRelaxed);
  }
  TextWriter writer(out);
  writer.put("        Depth    Size   Location    (").dec(entries.size()).put(" entries)\n");
  writer.put("        -----    ----   --------\n");
  if (!enabled() && max_size == 0) {
    writer.put(
        "#\n"
        "#  Stack tracer disabled\n"
        "#\n"
        "# To enable the stack tracer, either add 'stacktrace' to the\n"
        "# kernel command line\n"
        "# or 'echo 1 > /proc/sys/kernel/stack_tracer_enabled'\n"
        "#\n");
  }
  // Each frame's size is its depth less the next (outer) one's; the outermost takes its own
  // depth, as Linux prints it.
  for (usize i = 0; i < entries.size(); ++i) {
    u32 depth = entries[i].depth;
    u32 size = i + 1 == entries.size() ? depth : depth - entries[i + 1].depth;
    writer.dec(i, 3).put(") ").dec(depth, 8).put("   ").dec(size, 5).put("   ");
    print_symbol(writer, entries[i].address, {.offset = true});
    writer.put('\n');
  }
  return writer.ok() ? Status() : Status(Errno::kNoMem);
}

}  // namespace tg::trace
