// kprobe_events / dynamic_events definitions: p, r, f lines, fetch args, `-:` removals,
// comments. After each input every probe is removed again (nothing is enabled), so the
// registry never fills up.
#include "FuzzTree.h"

using namespace tg;

extern "C" int LLVMFuzzerTestOneInput(const u8* data, usize size) {
  if (size == 0) return 0;
  StringView input(reinterpret_cast<const char*>(data) + 1, size - 1);
  const char* file = (data[0] & 2) ? "tracing/dynamic_events" : "tracing/kprobe_events";
  fuzz::write_and_read(file, input, fuzz::flags_from(data[0]));
  fuzz::write_and_read("tracing/kprobe_profile", {}, vfs::kOpenReadOnly);
  fuzz::write_and_read("tracing/dynamic_events", {}, vfs::kOpenWriteOnly | vfs::kOpenTruncate);
  return 0;
}
