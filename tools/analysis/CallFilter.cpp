#include "CallFilter.h"

#include "trace/Glob.h"

namespace tg::analysis {

bool CallFilter::keeps_function(std::string_view name) const {
  if (function_glob.empty()) return true;
  return tg::trace::glob_match(tg::StringView(function_glob.data(), function_glob.size()),
                               tg::StringView(name.data(), name.size()));
}

bool CallFilter::keeps_task(const Task& task) const {
  if (pid && task.pid != *pid) return false;
  if (comm.empty()) return true;
  // "workloads" matches the "workloa" a graph column prints, and the other way round.
  size_t common = std::min(comm.size(), task.comm.size());
  return common > 0 && comm.compare(0, common, task.comm, 0, common) == 0 &&
         (task.comm.size() >= comm.size() || task.comm.size() == 7);
}

bool CallFilter::keeps(const CallAssembler& calls, const Call& call) const {
  if (cpu && call.cpu != *cpu) return false;
  if (call.duration_ns < min_duration_ns) return false;
  if (!keeps_task(calls.task(call.task))) return false;
  return keeps_function(calls.names().name(call.function));
}

}  // namespace tg::analysis
