#include "vfs/ProcTree.h"

#include "Platform.h"
#include "support/TextWriter.h"
#include "vfs/OpenFile.h"

namespace tg::vfs {

namespace {

// Streamed in chunks of this many symbols: the table is long.
constexpr usize kSymbolsPerChunk = 256;

// proc/kallsyms as Linux prints it ("%016lx %c %s"): `T` for a function with a patchable
// fentry site, `t` for the rest (notrace code, assembly), in address order. Unlike
// available_filter_functions_addrs it has every symbol, so a host can name any address a
// trace holds (a parent ip is often in notrace code).
Result<bool> kallsyms_show(OpenFile& file, String& out) {
  auto symbols = platform().symbols;
  usize start = file.chunk_index() * kSymbolsPerChunk;
  usize end = min(symbols.size(), start + kSymbolsPerChunk);
  TextWriter writer(out);
  for (usize i = start; i < end; ++i) {
    const Symbol& symbol = symbols[i];
    writer.hex(symbol.address, 16).put(' ').put(symbol.notrace ? 't' : 'T').put(' ');
    writer.put(symbol.name).put('\n');
  }
  if (!writer.ok()) return Errno::kNoMem;
  return end < symbols.size();
}

constexpr FileOps kKallsymsOps = {.show = kallsyms_show};

// ---- sys/kernel/stack_tracer_enabled: proc_dointvec's int ----

Result<bool> stack_tracer_enabled_show(OpenFile& file, String& out) {
  TextWriter writer(out);
  writer.sdec(file.tracing().stack_tracer().enabled_value()).put('\n');
  if (!writer.ok()) return Errno::kNoMem;
  return false;
}

bool is_blank(char c) {
  return c == ' ' || c == '\t' || c == '\n';
}

// proc_dointvec's write of one int: blanks around it, an optional sign, decimal digits that
// fit an int. Nothing else, or nothing at all, is EINVAL.
Result<i32> parse_sysctl_int(StringView text) {
  usize at = 0;
  while (at < text.size() && is_blank(text[at])) ++at;
  bool negative = at < text.size() && text[at] == '-';
  if (negative) ++at;
  usize digits = at;
  i64 value = 0;
  for (; at < text.size() && text[at] >= '0' && text[at] <= '9'; ++at) {
    value = value * 10 + (text[at] - '0');
    if (value > (i64{1} << 31)) return Errno::kInval;
  }
  if (at == digits) return Errno::kInval;
  while (at < text.size() && is_blank(text[at])) ++at;
  if (at != text.size()) return Errno::kInval;
  if (negative) value = -value;
  if (value > 0x7fffffff) return Errno::kInval;
  return static_cast<i32>(value);
}

// Linux's stack_trace_sysctl: the tracer registers when the value turns non-zero and
// unregisters when it turns zero; the patcher follows.
Result<usize> stack_tracer_enabled_write(OpenFile& file, StringView data) {
  i32 value = TRY(parse_sysctl_int(data));
  trace::Tracing& tracing = file.tracing();
  if (tracing.stack_tracer().set_enabled_value(value)) tracing.functions_changed();
  return data.size();
}

constexpr FileOps kStackTracerEnabledOps = {.show = stack_tracer_enabled_show,
                                            .write = stack_tracer_enabled_write};

constexpr Node kKernelFiles[] = {
    file_node("stack_tracer_enabled", 0644, &kStackTracerEnabledOps),
};
constexpr Node kSysFiles[] = {
    directory_node("kernel", 0555, kKernelFiles),
};
constexpr Node kProcFiles[] = {
    file_node("kallsyms", 0444, &kKallsymsOps),
    directory_node("sys", 0555, kSysFiles),
};
constexpr Node kProcDirectory = directory_node("proc", 0555, kProcFiles);

}  // namespace

Status mount_proc(NodeTable& table, trace::Tracing& tracing) {
  NodeTable::Mount mount;
  mount.name = "proc";
  mount.root = &kProcDirectory;
  mount.data = &tracing;
  return table.mount(mount);
}

}  // namespace tg::vfs
