#pragma once
#include <cstdint>
#include <vector>

#include "CallAssembler.h"

namespace tg::analysis {

// Where each task's time went: self time and calls per function per task (the runtime
// breakdown). Memory is bounded by tasks × distinct functions.
class SelfTime : public CallSink {
 public:
  struct Row {
    TaskId task = 0;
    NameTable::Id function = 0;
    std::uint64_t calls = 0;
    std::uint64_t self_ns = 0;
  };

  void on_call(const Call& call) override;

  // Per task, functions by self time (descending, then by function id); tasks in order.
  std::vector<Row> rows() const;

 private:
  std::vector<std::vector<Row>> by_task_;  // [task][function]
};

}  // namespace tg::analysis
