// set_ftrace_filter / notrace / graph lists: words, globs, `!`, probes; and the glob matcher.
#include "FuzzTree.h"
#include "trace/Glob.h"

using namespace tg;

extern "C" int LLVMFuzzerTestOneInput(const u8* data, usize size) {
  if (size == 0) return 0;
  StringView input(reinterpret_cast<const char*>(data) + 1, size - 1);
  static const char* const kFiles[] = {"tracing/set_ftrace_filter", "tracing/set_ftrace_notrace",
                                       "tracing/set_graph_function", "tracing/set_graph_notrace"};
  fuzz::write_and_read(kFiles[data[0] % 4], input, fuzz::flags_from(data[0] >> 2));
  // The matcher alone: pattern before the first NUL, text after it.
  usize split = input.find('\0');
  if (split != StringView::npos)
    (void)trace::glob_match(input.substr(0, split), input.substr(split + 1));
  auto& tracing = *fuzz::tree().tracing;
  (void)tracing.top().wants_function(0x1000);
  (void)tracing.function_site_wanted(0x2000);
  (void)tracing.graph_should_trace(0x4000);
  tracing.run_probes(trace::RecordContext{0, 0, 0, 0}, {0x3000, 0, 0});
  tracing.top().set_tracing_on(true);
  return 0;
}
