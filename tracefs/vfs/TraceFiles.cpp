// trace, trace_pipe and per_cpu/cpuN/stats: the files that read the ring buffer.
#include "support/TextWriter.h"
#include "trace/RawPages.h"
#include "trace/TraceOutput.h"
#include "vfs/TracingFiles.h"

namespace tg::vfs {

namespace {

using trace::OutputState;
using trace::TraceInstance;

// Text produced per show() call of `trace`: big enough to amortise the call, small enough
// that a huge buffer never becomes one huge string.
constexpr usize kTraceChunkBytes = 16 * 1024;

OutputState* output_of(OpenFile& file) {
  return static_cast<OutputState*>(file.private_data);
}

void free_output(void* output) {
  destroy(static_cast<OutputState*>(output));
}

Status start_output(OpenFile& file, bool consuming) {
  if (file.free_private) file.free_private(file.private_data);
  file.private_data = nullptr;
  file.free_private = nullptr;
  auto output = TRY(OutputState::create(instance_of(file), consuming, file.context().cpu));
  file.private_data = output.leak();
  file.free_private = free_output;
  return {};
}

// Clearing needs the writers out of the buffers being reset.
void clear_buffer(TraceInstance& instance, i32 cpu) {
  auto& buffer = instance.buffer();
  u32 first = cpu >= 0 ? static_cast<u32>(cpu) : 0;
  u32 last = cpu >= 0 ? first + 1 : buffer.cpu_count();
  for (u32 i = first; i < last; ++i) buffer.cpu(i).disable_recording();
  synchronize_writers();
  if (cpu >= 0)
    buffer.reset_cpu(first);
  else
    buffer.reset();
  for (u32 i = first; i < last; ++i) buffer.cpu(i).enable_recording();
}

// ---- trace: non-consuming, header first; `>` (O_TRUNC) clears ----

// A latency tracer's `trace` is its max buffer, and that is what `>` clears (Linux).
Status trace_open(OpenFile& file) {
  if (!file.truncate()) return {};
  TraceInstance& instance = instance_of(file);
  i32 cpu = file.context().cpu;
  if (instance.tracer().use_max_tr)
    instance.clear_snapshot(cpu);
  else if (cpu < 0)
    instance.clear_buffer();
  else
    clear_buffer(instance, cpu);
  return {};
}

// One chunk of a non-consuming text file (trace, snapshot): the header first, then entries
// up to the chunk's size. True while there is more.
Result<bool> show_chunk(OpenFile& file, String& out) {
  OutputState& output = *output_of(file);
  TextWriter writer(out);
  if (file.chunk_index() == 0) output.print_header(writer);
  usize limit = out.size() + kTraceChunkBytes;
  bool more = true;
  while (out.size() < limit && (more = output.print_next(writer))) {
  }
  if (!writer.ok()) return Errno::kNoMem;
  return more;
}

Result<bool> trace_show(OpenFile& file, String& out) {
  if (file.chunk_index() == 0) TRY(start_output(file, false));
  return show_chunk(file, out);
}

// What is written is ignored (`echo 0 > trace` clears through O_TRUNC alone), as in Linux.
Result<usize> trace_write(OpenFile&, StringView data) {
  return data.size();
}

// ---- snapshot: the spare buffer in `trace` format; a number written swaps, frees or clears ----

// A latency tracer owns the spare buffer as its max buffer: the snapshot file is EBUSY
// meanwhile, read or written (Linux).
Result<bool> snapshot_show(OpenFile& file, String& out) {
  if (instance_of(file).tracer().use_max_tr) return Errno::kBusy;
  if (file.chunk_index() == 0) {
    if (file.free_private) file.free_private(file.private_data);
    auto output = TRY(OutputState::create_for_snapshot(instance_of(file), file.context().cpu));
    file.private_data = output.leak();
    file.free_private = free_output;
  }
  return show_chunk(file, out);
}

// 0 frees (the whole-buffer file only), 1 allocates and swaps, anything else clears.
Result<usize> snapshot_write(OpenFile& file, StringView data) {
  u64 value = TRY(parse_unsigned(data));
  TraceInstance& instance = instance_of(file);
  if (instance.tracer().use_max_tr) return Errno::kBusy;
  i32 cpu = file.context().cpu;
  if (value == 0) {
    if (cpu >= 0) return Errno::kInval;
    instance.free_snapshot();
  } else if (value == 1) {
    TRY(instance.take_snapshot(cpu));
  } else {
    instance.clear_snapshot(cpu);
  }
  return data.size();
}

// ---- trace_pipe: consuming, no header, one reader per instance ----

Status trace_pipe_open(OpenFile& file) {
  if (!file.readable()) return {};
  if (!instance_of(file).claim_pipe_reader()) return Errno::kBusy;
  Status status = start_output(file, true);
  if (!status.ok()) instance_of(file).release_pipe_reader();
  return status;
}

void trace_pipe_release(OpenFile& file) {
  if (file.private_data) instance_of(file).release_pipe_reader();
}

usize take_pending(OpenFile& file, Span<char> out, usize filled) {
  String& pending = file.text();
  usize count = min(pending.size(), out.size() - filled);
  memcpy(out.data() + filled, pending.data(), count);
  pending.drop_front(count);
  return filled + count;
}

// Never blocks: with nothing to read it is EAGAIN whatever the flags (see NodeTable.h).
Result<usize> trace_pipe_read(OpenFile& file, Span<char> out) {
  OutputState* output = output_of(file);
  if (!output) return Errno::kBadF;
  if (out.size() == 0) return usize{0};
  usize filled = take_pending(file, out, 0);
  while (filled < out.size()) {
    TextWriter writer(file.text());
    if (!output->print_next(writer)) break;
    if (!writer.ok()) return Errno::kNoMem;
    filled = take_pending(file, out, filled);
  }
  if (filled == 0) return Errno::kAgain;
  return filled;
}

bool trace_pipe_poll(OpenFile& file) {
  OutputState* output = output_of(file);
  if (!output) return true;
  ring::Entry entry;
  return !file.text().empty() || output->iterator().peek(entry);
}

// ---- per_cpu/cpuN/trace_pipe_raw: Linux's binary pages, consuming, a page at a time ----

struct RawReader {
  RawReader(trace::TraceInstance& instance, u32 cpu)
      : cursor(instance.buffer().cpu(cpu), true), cpu(cpu) {}
  ~RawReader() { deallocate(page); }
  RawReader(const RawReader&) = delete;
  RawReader& operator=(const RawReader&) = delete;
  ring::CpuBuffer::Cursor cursor;
  u32 cpu;
  u64 lost = 0;      // taken from the buffer, not yet flagged in a page
  usize offset = 0;  // bytes of `page` already read
  usize filled = 0;  // 0 or the page's size
  u8* page = nullptr;
  usize page_size = 0;  // of `page`: the buffer's page size when it was last filled
};

// The next raw page, as large as the buffer's pages are now (buffer_subbuf_size_kb).
bool fill_next_page(RawReader& reader, ring::CpuBuffer& buffer) {
  if (reader.page_size != buffer.page_size()) {
    deallocate(reader.page);
    reader.page_size = buffer.page_size();
    reader.page = static_cast<u8*>(allocate(reader.page_size, 64));
    if (!reader.page) {
      reader.page_size = 0;
      return false;
    }
  }
  if (!trace::fill_raw_page(reader.cursor, reader.lost, reader.page, reader.page_size))
    return false;
  reader.lost = 0;
  reader.offset = 0;
  reader.filled = reader.page_size;
  return true;
}

RawReader* raw_reader_of(OpenFile& file) {
  return static_cast<RawReader*>(file.private_data);
}

void free_raw_reader(void* reader) {
  destroy(static_cast<RawReader*>(reader));
}

Status trace_pipe_raw_open(OpenFile& file) {
  if (!file.readable()) return {};
  auto cpu = static_cast<u32>(file.context().cpu);
  TraceInstance& instance = instance_of(file);
  if (!instance.claim_raw_reader(cpu)) return Errno::kBusy;
  RawReader* reader = create<RawReader>(instance, cpu);
  if (!reader) {
    instance.release_raw_reader(cpu);
    return Errno::kNoMem;
  }
  file.private_data = reader;
  file.free_private = free_raw_reader;
  return {};
}

void trace_pipe_raw_release(OpenFile& file) {
  if (RawReader* reader = raw_reader_of(file)) instance_of(file).release_raw_reader(reader->cpu);
}

// Never blocks (EAGAIN when empty); whole pages, though a short read may take part of one.
Result<usize> trace_pipe_raw_read(OpenFile& file, Span<char> out) {
  RawReader* reader = raw_reader_of(file);
  if (!reader) return Errno::kBadF;
  usize copied = 0;
  while (copied < out.size()) {
    if (reader->offset == reader->filled) {
      ring::CpuBuffer& buffer = instance_of(file).buffer().cpu(reader->cpu);
      reader->lost += buffer.take_lost();
      if (!fill_next_page(*reader, buffer)) break;
    }
    usize count = min(out.size() - copied, reader->filled - reader->offset);
    memcpy(out.data() + copied, reader->page + reader->offset, count);
    reader->offset += count;
    copied += count;
  }
  if (copied == 0 && out.size() != 0) return Errno::kAgain;
  return copied;
}

bool trace_pipe_raw_poll(OpenFile& file) {
  RawReader* reader = raw_reader_of(file);
  if (!reader) return true;
  ring::Entry entry;
  return reader->offset != reader->filled || reader->cursor.peek(entry);
}

// ---- per_cpu/cpuN/stats ----

Result<bool> stats_show(OpenFile& file, String& out) {
  TraceInstance& instance = instance_of(file);
  ring::CpuStats stats = instance.buffer().cpu(static_cast<u32>(file.context().cpu)).stats();
  // Clocks that count rather than measure ns print raw numbers, with one space.
  bool raw = instance.clock() == TraceClock::kCounter || instance.clock() == TraceClock::kX86Tsc;
  TextWriter writer(out);
  auto timestamp = [&](StringView label, u64 value) {
    writer.put(label);
    if (raw)
      writer.put(' ').dec(value);
    else
      writer.put(' ').seconds_usecs(value);
    writer.put('\n');
  };
  writer.put("entries: ").dec(stats.entries).put('\n');
  writer.put("overrun: ").dec(stats.overrun).put('\n');
  writer.put("commit overrun: ").dec(stats.commit_overrun).put('\n');
  writer.put("bytes: ").dec(stats.bytes).put('\n');
  timestamp("oldest event ts:", stats.oldest_timestamp);
  timestamp("now ts:", instance.now());
  writer.put("dropped events: ").dec(stats.dropped).put('\n');
  writer.put("read events: ").dec(stats.read).put('\n');
  return shown(writer.ok() ? Status() : Status(Errno::kNoMem));
}

}  // namespace

const FileOps kTraceOps = {.open = trace_open, .show = trace_show, .write = trace_write};
const FileOps kTracePipeOps = {.open = trace_pipe_open,
                               .read = trace_pipe_read,
                               .release = trace_pipe_release,
                               .poll = trace_pipe_poll};
const FileOps kSnapshotOps = {.show = snapshot_show, .write = snapshot_write};
const FileOps kPerCpuStatsOps = {.show = stats_show};
const FileOps kTracePipeRawOps = {.open = trace_pipe_raw_open,
                                  .read = trace_pipe_raw_read,
                                  .release = trace_pipe_raw_release,
                                  .poll = trace_pipe_raw_poll};

}  // namespace tg::vfs
