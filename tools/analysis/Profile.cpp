#include "Profile.h"

#include <algorithm>
#include <cstdio>

namespace tg::analysis {

namespace {

struct SortName {
  std::string_view name;
  Profile::SortKey key;
};
constexpr SortName kSortNames[] = {
    {"total", Profile::SortKey::kTotal}, {"self", Profile::SortKey::kSelf},
    {"count", Profile::SortKey::kCount}, {"avg", Profile::SortKey::kAverage},
    {"min", Profile::SortKey::kMin},     {"max", Profile::SortKey::kMax},
    {"name", Profile::SortKey::kName},
};

std::uint64_t sort_value(const Profile::Row& row, Profile::SortKey key) {
  switch (key) {
    case Profile::SortKey::kTotal:
      return row.total_ns;
    case Profile::SortKey::kSelf:
      return row.self_ns;
    case Profile::SortKey::kCount:
      return row.count ? row.count : row.hits;
    case Profile::SortKey::kAverage:
      return row.count ? row.total_ns / row.count : 0;
    case Profile::SortKey::kMin:
      return row.min_ns;
    case Profile::SortKey::kMax:
      return row.max_ns;
    case Profile::SortKey::kName:
      return 0;
  }
  return 0;
}

// ns as "1234.567" (microseconds, three decimals).
std::string usecs(std::uint64_t ns) {
  char text[32];
  std::snprintf(text, sizeof text, "%llu.%03llu", static_cast<unsigned long long>(ns / 1000),
                static_cast<unsigned long long>(ns % 1000));
  return text;
}

}  // namespace

bool Profile::parse_sort_key(std::string_view text, SortKey& key) {
  for (const auto& entry : kSortNames) {
    if (entry.name == text) {
      key = entry.key;
      return true;
    }
  }
  return false;
}

Profile::Row& Profile::row(NameTable::Id function) {
  if (by_function_.size() <= function) by_function_.resize(function + 1);
  Row& row = by_function_[function];
  row.function = function;
  return row;
}

void Profile::on_instant(const Instant& instant) {
  if (instant.kind != ItemKind::kFunctionHit) return;
  if (filter_.cpu && instant.cpu != *filter_.cpu) return;
  if (filter_.min_duration_ns) return;
  if (!filter_.keeps_task(calls_.task(instant.task))) return;
  if (!filter_.keeps_function(calls_.names().name(instant.name))) return;
  ++row(instant.name).hits;
}

void Profile::on_call(const Call& call) {
  if (!filter_.keeps(calls_, call)) return;
  Row& row = this->row(call.function);
  ++row.count;
  row.total_ns += call.duration_ns;
  row.self_ns += call.self_ns;
  row.min_ns = std::min(row.min_ns, call.duration_ns);
  row.max_ns = std::max(row.max_ns, call.duration_ns);
}

std::vector<Profile::Row> Profile::rows(SortKey key, std::uint64_t min_count) const {
  std::vector<Row> result;
  for (const Row& row : by_function_)
    if ((row.count > 0 || row.hits > 0) && std::max(row.count, row.hits) >= min_count)
      result.push_back(row);
  const NameTable& names = calls_.names();
  std::sort(result.begin(), result.end(), [&](const Row& a, const Row& b) {
    if (key != SortKey::kName) {
      std::uint64_t va = sort_value(a, key), vb = sort_value(b, key);
      if (va != vb) return va > vb;
    }
    return names.name(a.function) < names.name(b.function);
  });
  return result;
}

std::string Profile::table(SortKey key, std::uint64_t min_count, size_t limit) const {
  std::vector<Row> sorted = rows(key, min_count);
  if (limit && sorted.size() > limit) sorted.resize(limit);
  size_t width = 8;
  for (const Row& row : sorted) width = std::max(width, calls_.names().name(row.function).size());
  std::string out;
  char line[512];
  std::snprintf(line, sizeof line, "%-*s %8s %14s %14s %12s %12s %12s\n", static_cast<int>(width),
                "FUNCTION", "COUNT", "TOTAL(us)", "SELF(us)", "AVG(us)", "MIN(us)", "MAX(us)");
  out += line;
  out += std::string(width, '-') + " -------- -------------- -------------- ------------ " +
         "------------ ------------\n";
  for (const Row& row : sorted) {
    std::string name(calls_.names().name(row.function));
    if (row.count == 0) {
      std::snprintf(line, sizeof line, "%-*s %8llu %14s %14s %12s %12s %12s\n",
                    static_cast<int>(width), name.c_str(),
                    static_cast<unsigned long long>(row.hits), "-", "-", "-", "-", "-");
      out += line;
      continue;
    }
    std::snprintf(line, sizeof line, "%-*s %8llu %14s %14s %12s %12s %12s\n",
                  static_cast<int>(width), name.c_str(), static_cast<unsigned long long>(row.count),
                  usecs(row.total_ns).c_str(), usecs(row.self_ns).c_str(),
                  usecs(row.total_ns / row.count).c_str(), usecs(row.min_ns).c_str(),
                  usecs(row.max_ns).c_str());
    out += line;
  }
  return out;
}

}  // namespace tg::analysis
