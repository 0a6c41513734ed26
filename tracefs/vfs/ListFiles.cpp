// The function lists (set_ftrace_filter, set_ftrace_notrace, set_graph_function,
// set_graph_notrace, stack_trace_filter), the pid lists (set_ftrace_pid, set_event_pid and their
// notrace twins) and available_filter_functions.
#include "support/TextWriter.h"
#include "vfs/TracingFiles.h"

namespace tg::vfs {

namespace {

using trace::FunctionFilter;

// Each instance has its own set_ftrace_filter and set_ftrace_notrace; the graph lists exist
// only at the top.
FunctionFilter& ftrace_filter(OpenFile& file) {
  return instance_of(file).ftrace_filter();
}
FunctionFilter& ftrace_notrace(OpenFile& file) {
  return instance_of(file).ftrace_notrace();
}
FunctionFilter& graph_filter(OpenFile& file) {
  return file.tracing().graph_filter();
}
FunctionFilter& graph_notrace(OpenFile& file) {
  return file.tracing().graph_notrace();
}
FunctionFilter& stack_filter(OpenFile& file) {
  return file.tracing().stack_tracer().filter();
}

// `>` empties the list at open, before any write: `echo typo > set_ftrace_filter` fails and
// leaves the list empty, as in Linux.
template <FunctionFilter& (*List)(OpenFile&)>
Status list_open(OpenFile& file) {
  if (!file.truncate()) return {};
  // The kept `:mod:` entries go too, even with no names to clear.
  bool had_names = !List(file).empty();
  TRY(List(file).clear_names());
  if (had_names) file.changed = true;
  return {};
}

template <FunctionFilter& (*List)(OpenFile&)>
Result<bool> list_show(OpenFile& file, String& out) {
  return shown(List(file).show(out));
}

template <FunctionFilter& (*List)(OpenFile&)>
Result<usize> list_write(OpenFile& file, StringView data) {
  FunctionFilter& list = List(file);
  return write_one_word(data, [&](StringView word) -> Status {
    TRY(list.apply_word(word));
    file.changed = true;
    return {};
  });
}

// The patcher re-reads the lists once the writer is done, not after every word.
void list_release(OpenFile& file) {
  if (file.changed) file.tracing().functions_changed();
}

template <FunctionFilter& (*List)(OpenFile&)>
constexpr FileOps list_ops() {
  return {.open = list_open<List>,
          .show = list_show<List>,
          .write = list_write<List>,
          .release = list_release};
}

// ---- set_ftrace_pid, set_ftrace_notrace_pid, set_event_pid, set_event_notrace_pid ----

trace::PidList& ftrace_pids(OpenFile& file) {
  return instance_of(file).ftrace_pids();
}
trace::PidList& event_pids(OpenFile& file) {
  return instance_of(file).event_pids();
}
trace::PidList& ftrace_notrace_pids(OpenFile& file) {
  return instance_of(file).ftrace_notrace_pids();
}
trace::PidList& event_notrace_pids(OpenFile& file) {
  return instance_of(file).event_notrace_pids();
}

// Both parse alike (Linux's trace_pid_write) and `>` empties them at open.
template <trace::PidList& (*List)(OpenFile&)>
Status pid_open(OpenFile& file) {
  if (file.truncate()) List(file).clear();
  return {};
}
// An empty function pid list (set_ftrace_pid, set_ftrace_notrace_pid) reads "no pid"; an
// empty event pid list reads nothing.
enum class WhenEmpty { kNoPid, kNothing };
template <trace::PidList& (*List)(OpenFile&), WhenEmpty Empty>
Result<bool> pid_show(OpenFile& file, String& out) {
  return shown(List(file).show(out, Empty == WhenEmpty::kNoPid ? "no pid\n" : ""));
}
template <trace::PidList& (*List)(OpenFile&)>
Result<usize> pid_write(OpenFile& file, StringView data) {
  return List(file).write(data);
}
// Pids are checked when recording; no call site changes.
template <trace::PidList& (*List)(OpenFile&), WhenEmpty Empty>
constexpr FileOps pid_ops() {
  return {.open = pid_open<List>, .show = pid_show<List, Empty>, .write = pid_write<List>};
}

// ---- available_filter_functions: the functions with a patchable site, one per line ----

// Streamed in chunks of this many names: the symbol table can be long.
constexpr usize kNamesPerChunk = 256;

Result<bool> available_functions_show(OpenFile& file, String& out) {
  auto symbols = platform().symbols;
  usize start = file.chunk_index() * kNamesPerChunk;
  usize end = min(symbols.size(), start + kNamesPerChunk);
  for (usize i = start; i < end; ++i) {
    if (symbols[i].notrace) continue;
    TRY(out.append(symbols[i].name));
    TRY(out.append('\n'));
  }
  return end < symbols.size();
}

// available_filter_functions_addrs: "address name", the address as Linux prints an ip (%lx).
Result<bool> available_functions_addrs_show(OpenFile& file, String& out) {
  auto symbols = platform().symbols;
  usize start = file.chunk_index() * kNamesPerChunk;
  usize end = min(symbols.size(), start + kNamesPerChunk);
  TextWriter writer(out);
  for (usize i = start; i < end; ++i) {
    if (symbols[i].notrace) continue;
    writer.hex(symbols[i].address).put(' ').put(symbols[i].name).put('\n');
  }
  if (!writer.ok()) return Errno::kNoMem;
  return end < symbols.size();
}

}  // namespace

const FileOps kSetFtraceFilterOps = list_ops<ftrace_filter>();
const FileOps kSetFtraceNotraceOps = list_ops<ftrace_notrace>();
const FileOps kSetGraphFunctionOps = list_ops<graph_filter>();
const FileOps kSetGraphNotraceOps = list_ops<graph_notrace>();
const FileOps kStackTraceFilterOps = list_ops<stack_filter>();
const FileOps kSetFtracePidOps = pid_ops<ftrace_pids, WhenEmpty::kNoPid>();
const FileOps kSetFtraceNotracePidOps = pid_ops<ftrace_notrace_pids, WhenEmpty::kNoPid>();
const FileOps kSetEventPidOps = pid_ops<event_pids, WhenEmpty::kNothing>();
const FileOps kSetEventNotracePidOps = pid_ops<event_notrace_pids, WhenEmpty::kNothing>();
const FileOps kAvailableFilterFunctionsOps = {.show = available_functions_show};
const FileOps kAvailableFilterFunctionsAddrsOps = {.show = available_functions_addrs_show};

}  // namespace tg::vfs
