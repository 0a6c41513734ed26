#include "trace/TraceMarker.h"

#include "trace/EventPayloads.h"
#include "trace/RecordWriter.h"

// The record itself, under the platform's file_record bracket (see write_marker). It carries
// Linux's name: the print event's ip points into it, so a tool that prints that ip through
// kallsyms (trace-cmd report) shows "tracing_mark_write: TEXT", as for Linux.
tg::Result<tg::usize> tracing_mark_write(tg::trace::TraceInstance& instance,
                                         const tg::trace::RecordContext& ctx, tg::StringView text);

namespace tg::trace {

Result<usize> write_marker(TraceInstance& instance, const RecordContext& ctx, StringView text) {
  const Platform& host = platform();
  if (!host.file_record_begin || !host.file_record_end)
    return tracing_mark_write(instance, ctx, text);
  RecordContext here = ctx;
  u64 state = host.file_record_begin(here.cpu);
  Result<usize> result = tracing_mark_write(instance, here, text);
  host.file_record_end(state);
  return result;
}

}  // namespace tg::trace

using namespace tg;
using namespace tg::trace;

namespace {

// Triggers on ftrace/print run once the record is written (a snapshot trigger swaps it out),
// on a copy of it without the newline: Linux runs them before it adds one, so a filter sees
// the text as written (`buf == "start"` for `echo -n start`). `text_end` is where the text
// ends in the payload.
void fire_print_triggers(TraceInstance& instance, const RecordContext& ctx, const u8* payload,
                         usize payload_size, usize text_end) {
  u8* copy = static_cast<u8*>(allocate(text_end + 1));
  if (!copy) return instance.triggers().fire(instance, ctx, kEventPrint, payload, payload_size);
  memcpy(copy, payload, text_end);
  copy[text_end] = 0;
  instance.triggers().fire(instance, ctx, kEventPrint, copy, text_end + 1);
  deallocate(copy);
}

}  // namespace

Result<usize> tracing_mark_write(TraceInstance& instance, const RecordContext& ctx,
                                 StringView text) {
  if (!instance.option(TraceOption::kMarkers)) return Errno::kInval;
  if (!instance.tracing_on()) return Errno::kBadF;
  usize most = max_marker_bytes(instance.buffer().page_size() - ring::kPageHeaderSize);
  usize taken = text.size() < most ? text.size() : most;
  StringView body = text.substr(0, taken);
  bool add_newline = body.empty() || body.back() != '\n';
  usize payload_size = sizeof(PrintPayload) + body.size() + (add_newline ? 1 : 0) + 1;
  usize size = sizeof(ring::EventRecord) + ((payload_size + 3) & ~usize{3});
  u32* record = begin_record(instance, ctx, ring::RecordType::kEvent, size, instance.now());
  if (!record) return Errno::kBadF;
  record_cast<ring::EventRecord>(record)->size = static_cast<u32>(payload_size);
  u8* payload = reinterpret_cast<u8*>(record) + sizeof(ring::EventRecord);
  memset(payload, 0, size - sizeof(ring::EventRecord));
  PrintPayload head{{kEventPrint, ctx.flags, ctx.preempt, ctx.pid},
                    reinterpret_cast<u64>(&tracing_mark_write)};
  memcpy(payload, &head, sizeof head);
  char* buf = reinterpret_cast<char*>(payload + sizeof head);
  memcpy(buf, body.data(), body.size());
  if (add_newline) buf[body.size()] = '\n';
  end_record(instance, ctx);
  if (instance.triggers().has(kEventPrint))
    fire_print_triggers(instance, ctx, payload, payload_size, sizeof head + body.size());
  if (platform().wake_readers) platform().wake_readers();
  return taken;
}
