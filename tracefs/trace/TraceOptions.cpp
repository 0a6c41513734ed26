#include "trace/TraceOptions.h"

#include "trace/Tracer.h"

namespace tg::trace {

TraceOptions::TraceOptions() {
  reset_to_defaults();
}

void TraceOptions::reset_to_defaults() {
  bits_ = 0;
  for (usize i = 0; i < option_row_count(); ++i) {
    const OptionInfo& info = option_row(i);
    if (info.default_on) bits_ |= u64{1} << bit(info.option);
  }
}

}  // namespace tg::trace
