#include "trace/TraceOptions.h"

namespace tg::trace {

const OptionInfo* TraceOptions::find(StringView name) {
  for (const auto& info : kOptionTable)
    if (info.name == name) return &info;
  return nullptr;
}

Result<TraceOptions::Change> TraceOptions::parse_write(StringView text, StringView current_tracer) {
  StringView name = text.trim();
  bool on = true;
  const OptionInfo* info = find(name);
  if (!info && name.starts_with("no")) {
    info = find(name.drop_front(2));
    on = false;
  }
  if (!info || !listed_for(*info, current_tracer)) return Errno::kInval;
  return Change{info->option, on};
}

}  // namespace tg::trace
