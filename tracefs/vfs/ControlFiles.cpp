// current_tracer, tracing_on, buffer sizes, trace_clock, options, tracing_cpumask and
// trace_marker: the files that read or set one value of an instance.
#include "ring/Record.h"
#include "support/TextWriter.h"
#include "trace/TraceMarker.h"
#include "vfs/TracingFiles.h"

namespace tg::vfs {

namespace {

using trace::TraceInstance;

// trace_clock's names, in TraceClock's order.
constexpr StringView kClockNames[] = {"local", "global",   "counter", "uptime", "perf",
                                      "mono",  "mono_raw", "boot",    "tai",    "x86-tsc"};

// The largest per-CPU buffer we try to allocate; beyond it a write is ENOMEM without trying
// (Linux checks the memory it could get; we refuse absurd sizes outright).
constexpr u64 kMaxBufferKb = u64{1} << 30;

Result<bool> show_number(String& out, u64 value) {
  TextWriter writer(out);
  writer.dec(value).put('\n');
  return shown(writer.ok() ? Status() : Status(Errno::kNoMem));
}

// ---- current_tracer / available_tracers ----

Result<bool> current_tracer_show(OpenFile& file, String& out) {
  TRY(out.append(instance_of(file).tracer().name));
  return shown(out.append('\n'));
}
Result<usize> current_tracer_write(OpenFile& file, StringView data) {
  TRY(instance_of(file).set_tracer(data));
  return data.size();
}

// An instance lists only the tracers it may run (Tracer::in_instances).
Result<bool> available_tracers_show(OpenFile& file, String& out) {
  bool top = instance_of(file).is_top();
  bool first = true;
  for (const trace::Tracer* tracer : trace::all_tracers()) {
    if (!top && !tracer->in_instances) continue;
    if (!first) TRY(out.append(' '));
    TRY(out.append(tracer->name));
    first = false;
  }
  return shown(out.append('\n'));
}

// ---- numbers ----

Result<bool> tracing_on_show(OpenFile& file, String& out) {
  return show_number(out, instance_of(file).tracing_on() ? 1 : 0);
}
Result<usize> tracing_on_write(OpenFile& file, StringView data) {
  u64 value = TRY(parse_unsigned(data));
  // Any nonzero value means on: 2 reads back as 1.
  instance_of(file).write_tracing_on(value != 0);
  return data.size();
}

Result<bool> tracing_thresh_show(OpenFile& file, String& out) {
  return show_number(out, instance_of(file).tracing_thresh_us());
}
Result<usize> tracing_thresh_write(OpenFile& file, StringView data) {
  file.tracing().set_tracing_thresh_us(TRY(parse_unsigned(data)));
  return data.size();
}

// tracing_max_latency: kept in ns, shown and written in µs (Linux's tracing_nsecs_*); 0
// starts a latency tracer's search for a maximum over.
Result<bool> tracing_max_latency_show(OpenFile& file, String& out) {
  return show_number(out, instance_of(file).max_latency_ns() / 1000);
}
Result<usize> tracing_max_latency_write(OpenFile& file, StringView data) {
  u64 us = TRY(parse_unsigned(data));
  if (us > kU64Max / 1000) return Errno::kInval;
  instance_of(file).set_max_latency_ns(us * 1000);
  return data.size();
}

Result<bool> buffer_percent_show(OpenFile& file, String& out) {
  return show_number(out, instance_of(file).buffer_percent());
}
// Above 100 is EINVAL (Linux's capture 22).
Result<usize> buffer_percent_write(OpenFile& file, StringView data) {
  u64 percent = TRY(parse_unsigned(data));
  if (percent > 100) return Errno::kInval;
  instance_of(file).set_buffer_percent(static_cast<u32>(percent));
  return data.size();
}

// timestamp_mode: timestamps are deltas within a page; absolute mode is not offered.
Result<bool> timestamp_mode_show(OpenFile&, String& out) {
  return shown(out.append("[delta] absolute\n"));
}

Result<bool> max_graph_depth_show(OpenFile& file, String& out) {
  return show_number(out, instance_of(file).max_graph_depth());
}
Result<usize> max_graph_depth_write(OpenFile& file, StringView data) {
  u64 depth = TRY(parse_unsigned(data));
  // An unsigned int in Linux (kstrtouint).
  if (depth > 0xffffffffu) return Errno::kRange;
  file.tracing().set_max_graph_depth(static_cast<u32>(depth));
  return data.size();
}

// ---- buffer sizes ----

u64 cpu_kb(TraceInstance& instance, u32 cpu) {
  const ring::CpuBuffer& buffer = instance.buffer().cpu(cpu);
  return TraceInstance::kb_for_pages(buffer.pages(), buffer.page_size());
}

Result<bool> buffer_size_kb_show(OpenFile& file, String& out) {
  TraceInstance& instance = instance_of(file);
  if (file.context().cpu >= 0) return show_number(out, cpu_kb(instance, file.context().cpu));
  u32 cpus = instance.buffer().cpu_count();
  for (u32 cpu = 1; cpu < cpus; ++cpu)
    if (instance.buffer().cpu(cpu).pages() != instance.buffer().cpu(0).pages())
      return shown(out.append("X\n"));
  return show_number(out, cpus ? cpu_kb(instance, 0) : 0);
}

Status resize_cpu(TraceInstance& instance, u32 cpu, usize pages) {
  return instance.resize_cpu(cpu, pages);
}

Result<usize> buffer_size_kb_write(OpenFile& file, StringView data) {
  u64 kb = TRY(parse_unsigned(data));
  if (kb == 0) return Errno::kInval;
  if (kb > kMaxBufferKb) return Errno::kNoMem;
  TraceInstance& instance = instance_of(file);
  usize pages = TraceInstance::pages_for_kb(kb, instance.buffer().page_size());
  if (file.context().cpu >= 0) {
    TRY(resize_cpu(instance, static_cast<u32>(file.context().cpu), pages));
    return data.size();
  }
  for (u32 cpu = 0; cpu < instance.buffer().cpu_count(); ++cpu)
    TRY(resize_cpu(instance, cpu, pages));
  return data.size();
}

// buffer_subbuf_size_kb: the ring's page (sub-buffer) size in KiB. A write takes the
// smallest power-of-two number of 4 KiB pages holding that many KiB, 1 to 128 pages, with
// Linux's arithmetic (an unsigned long times 1024, rounded up to pages in an int, fls of
// pages - 1), so 0 and anything above 512 are EINVAL exactly where Linux's are.
Result<bool> buffer_subbuf_size_kb_show(OpenFile& file, String& out) {
  return show_number(out, instance_of(file).buffer().page_size() / 1024);
}
Result<usize> buffer_subbuf_size_kb_write(OpenFile& file, StringView data) {
  u64 kb = TRY(parse_unsigned(data));
  u64 bytes = kb * 1024;
  auto pages = static_cast<u32>((bytes + ring::kPageSize - 1) / ring::kPageSize);
  u32 below = pages - 1;
  u32 order = below ? 32 - static_cast<u32>(__builtin_clz(below)) : 0;
  if (order > ring::kMaxPageOrder) return Errno::kInval;
  TRY(instance_of(file).set_page_size(ring::kPageSize << order));
  return data.size();
}

// free_buffer: a write does nothing; closing the file shrinks every CPU's buffer to its
// minimum, turning tracing off first when options/disable_on_free is set (as Linux).
Result<usize> free_buffer_write(OpenFile&, StringView data) {
  return data.size();
}
void free_buffer_release(OpenFile& file) {
  TraceInstance& instance = instance_of(file);
  if (instance.option(trace::TraceOption::kDisableOnFree)) instance.set_tracing_on(false);
  usize pages = TraceInstance::pages_for_kb(1, instance.buffer().page_size());
  for (u32 cpu = 0; cpu < instance.buffer().cpu_count(); ++cpu)
    (void)resize_cpu(instance, cpu, pages);
}

Result<bool> buffer_total_size_kb_show(OpenFile& file, String& out) {
  TraceInstance& instance = instance_of(file);
  u64 total = 0;
  for (u32 cpu = 0; cpu < instance.buffer().cpu_count(); ++cpu) total += cpu_kb(instance, cpu);
  return show_number(out, total);
}

// ---- trace_clock ----

Result<bool> trace_clock_show(OpenFile& file, String& out) {
  usize current = static_cast<usize>(instance_of(file).clock());
  for (usize i = 0; i < sizeof(kClockNames) / sizeof(kClockNames[0]); ++i) {
    if (i) TRY(out.append(' '));
    if (i == current) TRY(out.append('['));
    TRY(out.append(kClockNames[i]));
    if (i == current) TRY(out.append(']'));
  }
  return shown(out.append('\n'));
}
Result<usize> trace_clock_write(OpenFile& file, StringView data) {
  StringView name = data.trim();
  for (usize i = 0; i < sizeof(kClockNames) / sizeof(kClockNames[0]); ++i) {
    if (!(kClockNames[i] == name)) continue;
    TRY(instance_of(file).set_clock(static_cast<TraceClock>(i)));
    return data.size();
  }
  return Errno::kInval;
}

// ---- trace_options / options/ ----

Result<bool> trace_options_show(OpenFile& file, String& out) {
  TraceInstance& instance = instance_of(file);
  for (usize i = 0; i < trace::option_row_count(); ++i) {
    const trace::OptionInfo& info = trace::option_row(i);
    if (!trace::option_listed_for(info, instance.tracer().name)) continue;
    if (!instance.option(info.option)) TRY(out.append("no"));
    TRY(out.append(info.name));
    TRY(out.append('\n'));
  }
  return false;
}
Result<usize> trace_options_write(OpenFile& file, StringView data) {
  trace::TraceInstance& instance = instance_of(file);
  auto change = TRY(trace::parse_option_write(data, instance.tracer().name));
  file.tracing().set_option(instance, change.option, change.on);
  return data.size();
}

const trace::OptionInfo& option_of(OpenFile& file) {
  return trace::option_row(static_cast<usize>(file.context().index));
}
Result<bool> option_file_show(OpenFile& file, String& out) {
  return show_number(out, instance_of(file).option(option_of(file).option) ? 1 : 0);
}
Result<usize> option_file_write(OpenFile& file, StringView data) {
  u64 value = TRY(parse_unsigned(data));
  if (value > 1) return Errno::kInval;
  file.tracing().set_option(instance_of(file), option_of(file).option, value == 1);
  return data.size();
}

// ---- tracing_cpumask ----

Result<bool> tracing_cpumask_show(OpenFile& file, String& out) {
  return shown(instance_of(file).cpumask().show(out, platform().cpu_count));
}
Result<usize> tracing_cpumask_write(OpenFile& file, StringView data) {
  auto mask = TRY(trace::CpuMask::parse(data, platform().cpu_count));
  instance_of(file).set_cpumask(mask);
  return data.size();
}

// ---- trace_marker ----

Result<usize> trace_marker_write(OpenFile& file, StringView data) {
  return trace::write_marker(instance_of(file), file.tracing().record_context(), data);
}

}  // namespace

const FileOps kCurrentTracerOps = {.show = current_tracer_show, .write = current_tracer_write};
const FileOps kAvailableTracersOps = {.show = available_tracers_show};
const FileOps kTracingOnOps = {.show = tracing_on_show, .write = tracing_on_write};
const FileOps kTracingThreshOps = {.show = tracing_thresh_show, .write = tracing_thresh_write};
const FileOps kTracingMaxLatencyOps = {.show = tracing_max_latency_show,
                                       .write = tracing_max_latency_write};
const FileOps kBufferPercentOps = {.show = buffer_percent_show, .write = buffer_percent_write};
const FileOps kTimestampModeOps = {.show = timestamp_mode_show};
const FileOps kMaxGraphDepthOps = {.show = max_graph_depth_show, .write = max_graph_depth_write};
const FileOps kBufferSizeKbOps = {.show = buffer_size_kb_show, .write = buffer_size_kb_write};
const FileOps kBufferSubbufSizeKbOps = {.show = buffer_subbuf_size_kb_show,
                                        .write = buffer_subbuf_size_kb_write};
const FileOps kBufferTotalSizeKbOps = {.show = buffer_total_size_kb_show};
const FileOps kFreeBufferOps = {.write = free_buffer_write, .release = free_buffer_release};
const FileOps kTraceClockOps = {.show = trace_clock_show, .write = trace_clock_write};
const FileOps kTraceOptionsOps = {.show = trace_options_show, .write = trace_options_write};
const FileOps kOptionFileOps = {.show = option_file_show, .write = option_file_write};
const FileOps kTracingCpumaskOps = {.show = tracing_cpumask_show, .write = tracing_cpumask_write};
const FileOps kTraceMarkerOps = {.write = trace_marker_write};

}  // namespace tg::vfs
