#include "trace/StackTrace.h"

#include "support/Memory.h"
#include "trace/EventCatalog.h"
#include "trace/RecordWriter.h"

namespace tg::trace {

namespace {
// One kernel_stack record of `count` callers, innermost first.
void write_stack(TraceInstance& instance, const RecordContext& ctx, const u64* callers,
                 usize count) {
  usize payload_size = sizeof(KernelStackHead) + count * sizeof(u64);
  usize size = sizeof(ring::EventRecord) + payload_size;
  u32* record = begin_record(instance, ctx, ring::RecordType::kEvent, size, instance.now());
  if (!record) return;
  record_cast<ring::EventRecord>(record)->size = static_cast<u32>(payload_size);
  u8* payload = reinterpret_cast<u8*>(record) + sizeof(ring::EventRecord);
  KernelStackHead head{kEventKernelStack,       ctx.flags, ctx.preempt, ctx.pid,
                       static_cast<i32>(count), 0};
  memcpy(payload, &head, sizeof head);
  memcpy(payload + sizeof head, callers, count * sizeof(u64));
  end_record(instance, ctx);
  if (platform().wake_readers) platform().wake_readers();
}
}  // namespace

void record_stack_trace(TraceInstance& instance, const RecordContext& ctx, const ProbeSite& site) {
  u64 callers[kMaxStackEntries];
  usize count = 0;
  callers[count++] = site.ip;
  if (site.parent_ip) callers[count++] = site.parent_ip;
  if (platform().walk_stack)
    count += platform().walk_stack(site.frame, callers + count, kMaxStackEntries - count);
  write_stack(instance, ctx, callers, count);
}

usize capture_stack_here(u64* out, usize max) {
  if (!platform().walk_stack) return 0;
  // Deep enough for the tracer's own frames and `max` beyond them.
  u64 chain[kMaxStackEntries * 2];
  usize count = platform().walk_stack(reinterpret_cast<u64>(__builtin_frame_address(0)), chain,
                                      kMaxStackEntries * 2);
  usize first = 0;
  while (first < count) {
    SymbolMatch match = find_symbol(chain[first]);
    if (match.symbol && !match.symbol->notrace) break;
    ++first;
  }
  usize kept = count - first < max ? count - first : max;
  memcpy(out, chain + first, kept * sizeof(u64));
  return kept;
}

void record_stack_trace_here(TraceInstance& instance, const RecordContext& ctx) {
  u64 chain[kMaxStackEntries];
  usize count = capture_stack_here(chain, kMaxStackEntries);
  if (count) write_stack(instance, ctx, chain, count);
}

void print_stack_trace(Span<const u8> payload, SymbolStyle style, TextWriter& out) {
  out.put("<stack trace>");
  if (payload.size() < sizeof(KernelStackHead)) return;
  KernelStackHead head;
  memcpy(&head, payload.data(), sizeof head);
  usize room = (payload.size() - sizeof head) / sizeof(u64);
  usize count = head.size < 0 ? 0 : static_cast<usize>(head.size);
  for (usize i = 0; i < count && i < room; ++i) {
    u64 address;
    memcpy(&address, payload.data() + sizeof head + i * sizeof(u64), sizeof address);
    out.put("\n => ");
    print_symbol(out, address, style);
  }
}

}  // namespace tg::trace
