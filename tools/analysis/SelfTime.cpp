#include "SelfTime.h"

#include <algorithm>

namespace tg::analysis {

void SelfTime::on_call(const Call& call) {
  if (by_task_.size() <= call.task) by_task_.resize(call.task + 1);
  std::vector<Row>& functions = by_task_[call.task];
  if (functions.size() <= call.function) functions.resize(call.function + 1);
  Row& row = functions[call.function];
  row.task = call.task;
  row.function = call.function;
  ++row.calls;
  row.self_ns += call.self_ns;
}

std::vector<SelfTime::Row> SelfTime::rows() const {
  std::vector<Row> out;
  for (const auto& functions : by_task_) {
    size_t first = out.size();
    for (const Row& row : functions)
      if (row.calls) out.push_back(row);
    std::sort(out.begin() + first, out.end(), [](const Row& a, const Row& b) {
      return a.self_ns != b.self_ns ? a.self_ns > b.self_ns : a.function < b.function;
    });
  }
  return out;
}

}  // namespace tg::analysis
