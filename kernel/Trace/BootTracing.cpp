#include "Trace/BootTracing.h"

#include "Arch/x86_64/Cpu.h"
#include "Boot/CommandLine.h"
#include "Console/Log.h"
#include "Console/Serial.h"
#include "Lib/Format.h"
#include "Lib/String.h"
#include "Trace/KernelPlatform.h"
#include "Trace/TraceShell.h"
#include "Trace/Tracefs.h"
#include "Trace/TracingInit.h"

namespace {
constexpr size_t kValueMax = 512;

struct ListParameter {
  const char* key;
  const char* file;
};
// Lists first (they decide which sites a tracer patches), the tracer last.
constexpr ListParameter kListParameters[] = {
    {"ftrace_filter", "set_ftrace_filter"},
    {"ftrace_notrace", "set_ftrace_notrace"},
    {"ftrace_graph_filter", "set_graph_function"},
    {"ftrace_graph_notrace", "set_graph_notrace"},
    {"trace_event", "set_event"},
};

bool g_dump_on_oops;
bool g_dumped;

// Linux's lists on the command line are comma-separated; the files take words.
void commas_to_spaces(char* text) {
  for (; *text; ++text)
    if (*text == ',') *text = ' ';
}

void apply(const char* key, const char* file, const char* value) {
  int error = trace_echo(file, value);
  if (error) {
    klog("tracing: %s=%s rejected by %s (errno %d)", key, value, file, error);
  } else {
    klog("tracing: %s=%s", key, value);
  }
}

// trace_buf_size takes bytes with an optional k/M/G suffix; buffer_size_kb takes KiB.
bool buffer_kb(const char* text, u64& kb) {
  size_t length = strlen(text);
  u64 scale = 1;
  if (length && (text[length - 1] == 'k' || text[length - 1] == 'K')) scale = 1ul << 10;
  if (length && (text[length - 1] == 'm' || text[length - 1] == 'M')) scale = 1ul << 20;
  if (length && (text[length - 1] == 'g' || text[length - 1] == 'G')) scale = 1ul << 30;
  if (scale != 1) --length;
  u64 value;
  if (!parse_u64(text, length, value)) return false;
  kb = (value * scale + 1023) / 1024;
  return kb != 0;
}

// Linux's `stacktrace` and `stacktrace_filter=LIST` (the filter also switches it on): the
// filter is set before the switch, so only its sites go live.
void apply_stack_tracer() {
  char value[kValueMax];
  bool filtered = cmdline_value("stacktrace_filter", value, sizeof(value));
  if (filtered) {
    commas_to_spaces(value);
    apply("stacktrace_filter", "stack_trace_filter", value);
  }
  if (!filtered && !cmdline_flag("stacktrace")) return;
  tg::trace::Tracing* tracing = tg::trace::tracing();
  if (tracing->stack_tracer().set_enabled_value(1)) tracing->functions_changed();
  klog("tracing: stack tracer enabled");
}

void print_line(const char* text) {
  serial_write(text, strlen(text));
}
}  // namespace

void boot_tracing_apply() {
  char value[kValueMax];
  g_dump_on_oops = cmdline_flag("ftrace_dump_on_oops");
  if (cmdline_value("trace_buf_size", value, sizeof(value))) {
    u64 kb;
    char text[32];
    if (buffer_kb(value, kb)) {
      format(text, sizeof(text), "%lu", kb);
      apply("trace_buf_size", "buffer_size_kb", text);
    } else {
      klog("tracing: trace_buf_size=%s is not a size", value);
    }
  }
  for (const auto& parameter : kListParameters) {
    if (!cmdline_value(parameter.key, value, sizeof(value))) continue;
    commas_to_spaces(value);
    apply(parameter.key, parameter.file, value);
  }
  if (cmdline_value("tracing_thresh", value, sizeof(value)))
    apply("tracing_thresh", "tracing_thresh", value);
  apply_stack_tracer();
  if (cmdline_value("ftrace", value, sizeof(value))) apply("ftrace", "current_tracer", value);
}

bool ftrace_dump_on_oops_enabled() {
  return g_dump_on_oops;
}

void ftrace_dump_on_oops() {
  if (!g_dump_on_oops || !tracing_ready() || __atomic_exchange_n(&g_dumped, true, __ATOMIC_ACQ_REL))
    return;
  // Nothing the dump allocates may wait for a lock the faulting code holds.
  tracer_use_emergency_allocator();
  // Stop recording first: what the dump reads must not move under it.
  trace_echo("tracing_on", "0");
  print_line("Dumping ftrace buffer:\n---------------------------------\n");
  trace_cat_to_serial("trace");
  print_line("---------------------------------\nftrace dump done\n");
}
