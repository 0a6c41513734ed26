// Event filter expressions: the parser, its error reporting, and evaluation on a payload.
#include <cstring>

#include "FuzzTree.h"
#include "trace/EventFilter.h"

using namespace tg;

namespace {

constexpr trace::FilterField kFields[] = {
    {"prev_comm", 8, 16, false, trace::FilterField::Kind::kCharArray},
    {"prev_pid", 24, 4, true, trace::FilterField::Kind::kInteger},
    {"now", 32, 8, false, trace::FilterField::Kind::kInteger},
    {"name", 40, 4, false, trace::FilterField::Kind::kDynamicString},
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const u8* data, usize size) {
  if (size < 2) return 0;
  StringView input(reinterpret_cast<const char*>(data) + 1, size - 1);
  trace::FilterError error;
  auto filter = trace::EventFilter::parse(input, kFields, error);
  if (filter.ok()) {
    // A payload made of the input's bytes, so the data_loc field points anywhere.
    u8 payload[64] = {};
    memcpy(payload, data, size < sizeof payload ? size : sizeof payload);
    (void)filter.value()->matches(payload, sizeof payload);
    (void)filter.value()->matches(payload, data[0] % sizeof payload);
  } else if (error.caret > input.size() + 1) {
    __builtin_trap();
  }
  static const char* const kFiles[] = {"tracing/events/sched/sched_switch/filter",
                                       "tracing/events/sched/filter"};
  fuzz::write_and_read(kFiles[data[0] % 2], input, vfs::kOpenWriteOnly | vfs::kOpenTruncate);
  return 0;
}
