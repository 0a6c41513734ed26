#pragma once
#include <optional>
#include <string>

#include "CallAssembler.h"

namespace tg::analysis {

// Which calls a report keeps: by function glob, task (comm or pid), CPU and duration.
struct CallFilter {
  std::string function_glob;  // shell glob on the qualified name; empty: all
  std::string comm;           // the task's comm, or a prefix of it (graph columns cut comms)
  std::optional<int> pid;
  std::optional<int> cpu;
  std::uint64_t min_duration_ns = 0;

  bool keeps_function(std::string_view name) const;
  bool keeps_task(const Task& task) const;
  bool keeps(const CallAssembler& calls, const Call& call) const;
};

}  // namespace tg::analysis
