// hist triggers: the parser and its error positions, recording into the table and printing
// it. Each input gets a fresh instance, so tables never pile up.
#include "FuzzTree.h"
#include "trace/Events.h"

using namespace tg;

extern "C" int LLVMFuzzerTestOneInput(const u8* data, usize size) {
  if (size < 2) return 0;
  StringView input(reinterpret_cast<const char*>(data) + 1, size - 1);
  fuzz::FuzzTree& t = fuzz::tree();
  auto made = t.tracing->create_instance("fuzz");
  if (!made.ok()) __builtin_trap();
  trace::TraceInstance& instance = *made.value();
  const char* trigger = data[0] & 1 ? "tracing/instances/fuzz/events/ftrace/print/trigger"
                                    : "tracing/instances/fuzz/events/kmem/kmalloc/trigger";
  fuzz::write_and_read(trigger, input, vfs::kOpenWriteOnly | vfs::kOpenAppend);
  // Keys that repeat and keys that do not, so entries are both found and claimed.
  for (usize i = 0; i < size; ++i) {
    trace::RecordContext ctx = {static_cast<u32>(i % 2), static_cast<i32>(data[i] % 5), 0, 0};
    trace::emit_kmalloc(instance, ctx, 0x1000 + data[i], 0xffff0000 + i, data[i], i, 0, -1);
  }
  fuzz::write_and_read("tracing/instances/fuzz/events/kmem/kmalloc/hist", "", vfs::kOpenReadOnly);
  fuzz::write_and_read("tracing/instances/fuzz/events/ftrace/print/hist", "", vfs::kOpenReadOnly);
  fuzz::write_and_read("tracing/error_log", "", vfs::kOpenWriteOnly | vfs::kOpenTruncate);
  if (!t.tracing->remove_instance("fuzz").ok()) __builtin_trap();
  return 0;
}
