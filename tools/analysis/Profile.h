#pragma once
#include <string>
#include <vector>

#include "CallAssembler.h"
#include "CallFilter.h"

namespace tg::analysis {

// Per-function statistics in the manner of Tim Bird's fdd: count, total, self (local),
// average, min and max duration, over the calls a filter keeps.
class Profile : public CallSink {
 public:
  enum class SortKey { kTotal, kSelf, kCount, kAverage, kMin, kMax, kName };
  struct Row {
    NameTable::Id function = 0;
    std::uint64_t count = 0;
    std::uint64_t total_ns = 0;
    std::uint64_t self_ns = 0;
    std::uint64_t min_ns = ~std::uint64_t{0};
    std::uint64_t max_ns = 0;
    std::uint64_t hits = 0;  // function tracer lines: calls seen, without durations
  };

  Profile(const CallAssembler& calls, CallFilter filter)
      : calls_(calls), filter_(std::move(filter)) {}
  void on_call(const Call& call) override;
  void on_instant(const Instant& instant) override;

  // Rows with at least `min_count` calls, sorted (descending, names ascending).
  std::vector<Row> rows(SortKey key, std::uint64_t min_count = 0) const;
  // The table as text; `limit` rows at most (0: all).
  std::string table(SortKey key, std::uint64_t min_count = 0, size_t limit = 0) const;

  static bool parse_sort_key(std::string_view text, SortKey& key);

 private:
  const CallAssembler& calls_;
  CallFilter filter_;
  Row& row(NameTable::Id function);

  std::vector<Row> by_function_;  // indexed by function id
};

}  // namespace tg::analysis
