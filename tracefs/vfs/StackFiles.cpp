// The max-stack tracer's files at the top of tracing/ (Linux's trace_stack.c): stack_max_size
// and stack_trace. Its filter, stack_trace_filter, is a list file (ListFiles.cpp); its switch
// lives in proc/sys/kernel/ (ProcTree.cpp).
#include "support/TextWriter.h"
#include "vfs/TracingFiles.h"

namespace tg::vfs {

namespace {

trace::StackTracer& stack_tracer(OpenFile& file) {
  return file.tracing().stack_tracer();
}

// "%ld\n" of the maximum in bytes.
Result<bool> stack_max_size_show(OpenFile& file, String& out) {
  TextWriter writer(out);
  writer.dec(stack_tracer(file).max_size()).put('\n');
  return shown(writer.ok() ? Status() : Status(Errno::kNoMem));
}

// kstrtoul, base 10: `echo 0 >` starts the search for a maximum afresh.
Result<usize> stack_max_size_write(OpenFile& file, StringView data) {
  stack_tracer(file).set_max_size(TRY(parse_unsigned(data)));
  return data.size();
}

Result<bool> stack_trace_show(OpenFile& file, String& out) {
  return shown(stack_tracer(file).show(out));
}

}  // namespace

const FileOps kStackMaxSizeOps = {.show = stack_max_size_show, .write = stack_max_size_write};
const FileOps kStackTraceOps = {.show = stack_trace_show};

}  // namespace tg::vfs
