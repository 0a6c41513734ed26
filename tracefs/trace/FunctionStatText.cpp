#include "trace/FunctionStatText.h"

#include "trace/GraphFormat.h"
#include "trace/Symbols.h"

namespace tg::trace {

namespace {

constexpr usize kNameWidth = 30;
constexpr usize kHitsWidth = 10;

}  // namespace

void print_function_stat_header(TextWriter& out) {
  out.put("  Function                               Hit    Time            Avg             s^2\n");
  out.put("  --------                               ---    ----            ---             ---\n");
}

bool print_function_stat(const FunctionStat& stat, u64 thresh_ns, TextWriter& out) {
  if (stat.hits == 0) return false;
  u64 average = stat.time / stat.hits;
  if (thresh_ns && average < thresh_ns) return false;
  // Linux's s^2 = (n * sum(x^2) - sum(x)^2) / (n * (n - 1)), in unsigned 64-bit arithmetic
  // that may wrap as Linux's does, divided by 1000 only: the duration printer divides by
  // 1000 again (ns^2 -> us^2).
  u64 variance = 0;
  u64 denominator = stat.hits * (stat.hits - 1) * 1000;
  if (denominator) variance = (stat.hits * stat.time_squared - stat.time * stat.time) / denominator;

  SymbolMatch match = find_symbol(stat.ip);
  StringView name = match.symbol ? StringView(match.symbol->name) : StringView();
  out.put("  ").left(name.substr(0, kNameWidth), kNameWidth).put("  ").dec(stat.hits, kHitsWidth);
  out.put("    ");
  print_graph_duration(stat.time, out);
  out.put("    ");
  print_graph_duration(average, out);
  out.put("    ");
  print_graph_duration(variance, out);
  out.put('\n');
  return true;
}

}  // namespace tg::trace
