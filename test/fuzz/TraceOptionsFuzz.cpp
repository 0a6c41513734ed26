// trace_options writes ("name" / "noname"), trace_clock and current_tracer names.
#include "FuzzTree.h"

using namespace tg;

extern "C" int LLVMFuzzerTestOneInput(const u8* data, usize size) {
  if (size == 0) return 0;
  StringView input(reinterpret_cast<const char*>(data) + 1, size - 1);
  static const char* const kFiles[] = {"tracing/trace_options", "tracing/trace_clock",
                                       "tracing/current_tracer"};
  fuzz::write_and_read(kFiles[data[0] % 3], input, fuzz::flags_from(data[0] >> 2));
  return 0;
}
