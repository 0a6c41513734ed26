// function_profile_enabled and trace_stat/functionN: the function profiler's files.
#include "support/TextWriter.h"
#include "trace/FunctionStatText.h"
#include "vfs/TracingFiles.h"

namespace tg::vfs {

namespace {

Result<bool> profile_enabled_show(OpenFile& file, String& out) {
  TextWriter writer(out);
  writer.dec(file.tracing().profiler().enabled() ? 1 : 0).put('\n');
  return shown(writer.ok() ? Status() : Status(Errno::kNoMem));
}
// Linux's kstrtoul: any nonzero number turns it on (2 reads back as 1).
Result<usize> profile_enabled_write(OpenFile& file, StringView data) {
  u64 value = TRY(parse_unsigned(data));
  TRY(file.tracing().set_function_profile(value != 0));
  return data.size();
}

// The numbers are read once per pass (Linux sorts them when the file is opened): the lines
// stay in step with each other while the profiler goes on counting.
Result<bool> function_stat_show(OpenFile& file, String& out) {
  auto stats = TRY(file.tracing().profiler().stats(static_cast<u32>(file.context().cpu)));
  // tracing_thresh is in µs; Linux compares the average in ns against it.
  u64 thresh_ns = file.tracing().top().tracing_thresh_us() * 1000;
  TextWriter writer(out);
  trace::print_function_stat_header(writer);
  for (const trace::FunctionStat& stat : stats) trace::print_function_stat(stat, thresh_ns, writer);
  return shown(writer.ok() ? Status() : Status(Errno::kNoMem));
}

}  // namespace

const FileOps kFunctionProfileEnabledOps = {.show = profile_enabled_show,
                                            .write = profile_enabled_write};
const FileOps kFunctionStatOps = {.show = function_stat_show};

}  // namespace tg::vfs
