// Numeric files: kstrtoul-style parsing and what each file does with the number.
#include "FuzzTree.h"
#include "support/Parse.h"

using namespace tg;

extern "C" int LLVMFuzzerTestOneInput(const u8* data, usize size) {
  if (size == 0) return 0;
  StringView input(reinterpret_cast<const char*>(data) + 1, size - 1);
  auto parsed = parse_unsigned(input);
  if (parsed.ok() && input.strip_newline().empty()) __builtin_trap();
  static const char* const kFiles[] = {"tracing/tracing_on",
                                       "tracing/tracing_thresh",
                                       "tracing/max_graph_depth",
                                       "tracing/options/print-parent",
                                       "tracing/events/enable",
                                       "tracing/events/sched/enable",
                                       "tracing/set_ftrace_pid",
                                       "tracing/events/sched/sched_switch/enable",
                                       "tracing/function_profile_enabled"};
  constexpr usize kCount = sizeof(kFiles) / sizeof(kFiles[0]);
  fuzz::write_and_read(kFiles[data[0] % kCount], input, fuzz::flags_from(data[0] >> 3));
  fuzz::tree().tracing->top().set_tracing_on(true);
  return 0;
}
