// set_event words: sys:event, globs, `!`, bare names.
#include "FuzzTree.h"

using namespace tg;

extern "C" int LLVMFuzzerTestOneInput(const u8* data, usize size) {
  if (size == 0) return 0;
  StringView input(reinterpret_cast<const char*>(data) + 1, size - 1);
  fuzz::write_and_read("tracing/set_event", input, fuzz::flags_from(data[0]));
  return 0;
}
