// The function profiler's counting (per CPU, reset on enable, frozen when off, misses when a
// table is full, graph-time) and trace_stat/functionN's text: Linux's header, columns,
// order and s^2.
#include <string>

#include "TraceFixture.h"
#include "trace/FunctionProfiler.h"
#include "trace/FunctionStatText.h"
#include "trace/Tracing.h"

using namespace tg;
using namespace tg::trace;
using namespace tg::trace::test;

namespace {

class FunctionProfilerTest : public TraceFixture {
 protected:
  // One call to `name` on `cpu` from `start` to `end` (ns), with no profiled parent.
  void call(const char* name, u64 start, u64 end, u32 cpu = 0, bool graph_time = true) {
    ProfiledCall profiled;
    ASSERT_TRUE(profiler_.enter(cpu, address_of(name), start, profiled));
    profiler_.leave(cpu, profiled, end, nullptr, graph_time);
  }
  std::vector<FunctionStat> stats(u32 cpu = 0) {
    auto result = profiler_.stats(cpu);
    EXPECT_TRUE(result.ok());
    std::vector<FunctionStat> out;
    for (const FunctionStat& stat : result.value()) out.push_back(stat);
    return out;
  }
  std::vector<std::string> names(u32 cpu = 0) {
    std::vector<std::string> out;
    for (const FunctionStat& stat : stats(cpu)) {
      for (const Symbol& symbol : kSymbols)
        if (symbol.address == stat.ip) out.push_back(symbol.name);
    }
    return out;
  }
  static std::string text(const FunctionStat& stat, u64 thresh_ns = 0) {
    String out;
    TextWriter writer(out);
    print_function_stat(stat, thresh_ns, writer);
    return std::string(out.data(), out.size());
  }

  FunctionProfiler profiler_;
};

FunctionStat stat_of(const char* name, u64 hits, u64 time, u64 time_squared) {
  return FunctionStat{address_of(name), hits, time, time_squared};
}

}  // namespace

TEST_F(FunctionProfilerTest, CountsNothingBeforeItIsEnabled) {
  ProfiledCall profiled;
  EXPECT_FALSE(profiler_.enter(0, address_of("f"), 1000, profiled));
  EXPECT_TRUE(stats().empty());
}

TEST_F(FunctionProfilerTest, CountsHitsAndTimePerCpu) {
  ASSERT_TRUE(profiler_.enable().ok());
  call("f", 1000, 2500);
  call("f", 3000, 5500);
  call("g", 6000, 6100, 1);
  auto cpu0 = stats(0);
  ASSERT_EQ(cpu0.size(), 1u);
  EXPECT_EQ(cpu0[0].hits, 2u);
  EXPECT_EQ(cpu0[0].time, 4000u);
  EXPECT_EQ(cpu0[0].time_squared, 1500u * 1500u + 2500u * 2500u);
  auto cpu1 = stats(1);
  ASSERT_EQ(cpu1.size(), 1u);
  EXPECT_EQ(cpu1[0].ip, address_of("g"));
  EXPECT_EQ(cpu1[0].time, 100u);
}

TEST_F(FunctionProfilerTest, SortsByTotalTimeLargestFirst) {
  ASSERT_TRUE(profiler_.enable().ok());
  call("f", 1000, 1010);
  call("g", 2000, 2300);
  call("mutex_unlock", 3000, 3100);
  EXPECT_EQ(names(), (std::vector<std::string>{"g", "mutex_unlock", "f"}));
}

// Linux's stat tree puts a record before every one whose time is not larger: equal totals
// come out in the reverse of the order the functions were first hit.
TEST_F(FunctionProfilerTest, EqualTimesListTheFunctionHitLastFirst) {
  ASSERT_TRUE(profiler_.enable().ok());
  call("f", 1000, 1100);
  call("g", 2000, 2500);
  call("mutex_unlock", 3000, 3100);
  call("rb_simple_write", 4000, 4100);
  EXPECT_EQ(names(), (std::vector<std::string>{"g", "rb_simple_write", "mutex_unlock", "f"}));
}

TEST_F(FunctionProfilerTest, GraphTimeCountsChildrenInTheParent) {
  ASSERT_TRUE(profiler_.enable().ok());
  ProfiledCall outer, inner;
  ASSERT_TRUE(profiler_.enter(0, address_of("f"), 1000, outer));
  ASSERT_TRUE(profiler_.enter(0, address_of("g"), 1020, inner));
  profiler_.leave(0, inner, 1050, nullptr, true);
  profiler_.leave(0, outer, 1100, nullptr, true);
  auto all = stats();
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].ip, address_of("f"));
  EXPECT_EQ(all[0].time, 100u);
  EXPECT_EQ(all[1].time, 30u);
}

TEST_F(FunctionProfilerTest, NoGraphTimeLeavesChildrenOutOfTheParent) {
  ASSERT_TRUE(profiler_.enable().ok());
  ProfiledCall outer, first, second;
  ASSERT_TRUE(profiler_.enter(0, address_of("f"), 1000, outer));
  ASSERT_TRUE(profiler_.enter(0, address_of("g"), 1020, first));
  profiler_.leave(0, first, 1050, &outer.subtime, false);
  ASSERT_TRUE(profiler_.enter(0, address_of("g"), 1060, second));
  profiler_.leave(0, second, 1070, &outer.subtime, false);
  profiler_.leave(0, outer, 1100, nullptr, false);
  EXPECT_EQ(outer.subtime, 40u);
  auto all = stats();
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].ip, address_of("f"));
  EXPECT_EQ(all[0].time, 60u);
  EXPECT_EQ(all[1].time, 40u);
  EXPECT_EQ(all[1].time_squared, 30u * 30u + 10u * 10u);
}

TEST_F(FunctionProfilerTest, NoGraphTimeNeverGoesBelowZero) {
  ASSERT_TRUE(profiler_.enable().ok());
  ProfiledCall profiled;
  ASSERT_TRUE(profiler_.enter(0, address_of("f"), 1000, profiled));
  profiled.subtime = 500;  // children that lasted longer than the call itself
  profiler_.leave(0, profiled, 1100, nullptr, false);
  EXPECT_EQ(stats()[0].time, 0u);
}

TEST_F(FunctionProfilerTest, EnablingAgainStartsFromZero) {
  ASSERT_TRUE(profiler_.enable().ok());
  call("f", 1000, 2000);
  profiler_.disable();
  ASSERT_TRUE(profiler_.enable().ok());
  EXPECT_TRUE(stats().empty());
  call("g", 3000, 3500);
  EXPECT_EQ(names(), std::vector<std::string>{"g"});
}

TEST_F(FunctionProfilerTest, EnablingWhileEnabledKeepsTheCounts) {
  ASSERT_TRUE(profiler_.enable().ok());
  call("f", 1000, 2000);
  ASSERT_TRUE(profiler_.enable().ok());
  EXPECT_EQ(stats().size(), 1u);
}

TEST_F(FunctionProfilerTest, DisablingFreezesTheCounts) {
  ASSERT_TRUE(profiler_.enable().ok());
  ProfiledCall pending;
  ASSERT_TRUE(profiler_.enter(0, address_of("f"), 1000, pending));
  profiler_.disable();
  ProfiledCall refused;
  EXPECT_FALSE(profiler_.enter(0, address_of("f"), 2000, refused));
  profiler_.leave(0, pending, 3000, nullptr, true);
  auto all = stats();
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all[0].hits, 1u);
  EXPECT_EQ(all[0].time, 0u);
}

TEST_F(FunctionProfilerTest, ACallThatOutlivesAReEnableAddsNothing) {
  ASSERT_TRUE(profiler_.enable().ok());
  ProfiledCall stale;
  ASSERT_TRUE(profiler_.enter(0, address_of("f"), 1000, stale));
  profiler_.disable();
  ASSERT_TRUE(profiler_.enable().ok());
  call("f", 2000, 2010);
  profiler_.leave(0, stale, 3000, nullptr, true);
  EXPECT_EQ(stats()[0].time, 10u);
}

TEST_F(FunctionProfilerTest, AReturnOnAnotherCpuAddsTimeOnlyWhereTheFunctionWasHit) {
  ASSERT_TRUE(profiler_.enable().ok());
  ProfiledCall moved;
  ASSERT_TRUE(profiler_.enter(0, address_of("f"), 1000, moved));
  profiler_.leave(1, moved, 2000, nullptr, true);
  EXPECT_EQ(stats(0)[0].time, 0u);
  EXPECT_TRUE(stats(1).empty());
}

// A table holds as many functions as the symbol table has traceable ones (five here): a
// sixth distinct address is a miss, counted, and nothing is allocated for it.
TEST_F(FunctionProfilerTest, AFullTableCountsMisses) {
  ASSERT_TRUE(profiler_.enable().ok());
  for (const Symbol& symbol : kSymbols) {
    ProfiledCall profiled;
    EXPECT_TRUE(profiler_.enter(0, symbol.address, 1000, profiled));
  }
  ProfiledCall profiled;
  EXPECT_FALSE(profiler_.enter(0, kTextBase + 0x9000, 1000, profiled));
  EXPECT_TRUE(profiler_.enter(0, address_of("f"), 1000, profiled));
  EXPECT_EQ(profiler_.misses(), 1u);
  EXPECT_EQ(stats().size(), 5u);
}

TEST(FunctionStatText, HeaderIsLinuxs) {
  String out;
  TextWriter writer(out);
  print_function_stat_header(writer);
  EXPECT_EQ(
      std::string(out.data(), out.size()),
      "  Function                               Hit    Time            Avg             s^2\n"
      "  --------                               ---    ----            ---             ---\n");
}

// "  %-30.30s  %10lu", then time, average and s^2 as function_graph prints durations, each
// after four blanks. s^2 = (2 * (1500^2 + 2500^2) - 4000^2) / (2 * 1 * 1000) = 500 -> 0.500.
TEST_F(FunctionProfilerTest, LineHasLinuxsColumns) {
  EXPECT_EQ(text(stat_of("f", 2, 4000, 1500 * 1500 + 2500 * 2500)),
            "  f                                        2    4.000 us        2.000 us        "
            "0.500 us    \n");
}

TEST_F(FunctionProfilerTest, OneHitHasNoVariance) {
  EXPECT_EQ(text(stat_of("rb_simple_write", 1, 61770, 61770ull * 61770ull)),
            "  rb_simple_write                          1    61.770 us       61.770 us       "
            "0.000 us    \n");
}

TEST_F(FunctionProfilerTest, LongTimesDropDecimalsAsFunctionGraphDoes) {
  // 7 digits or more: no decimals, and no padding beyond " us ". (s^2 wraps here: 3 * 0 -
  // time^2 is negative, as in Linux.)
  EXPECT_EQ(text(stat_of("g", 3, 123456789012ull, 0)),
            "  g                                        3    123456789 us     41152263 us     "
            "2313099300719 us \n");
  // Two decimals while the number stays within 7 digits.
  EXPECT_EQ(text(stat_of("g", 1, 33998590ull, 0)).substr(48, 12), "33998.59 us ");
}

// Linux computes s^2 in unsigned 64-bit arithmetic: a negative numerator (rounding in the
// squares) wraps, and so does ours.
TEST_F(FunctionProfilerTest, VarianceWrapsAsLinuxs) {
  u64 hits = 2, time = 10, squared = 49;  // 2 * 49 - 100 = -2
  u64 expected = (hits * squared - time * time) / (hits * (hits - 1) * 1000);
  std::string line = text(stat_of("f", hits, time, squared));
  EXPECT_NE(line.find(std::to_string(expected / 1000) + " us"), std::string::npos) << line;
}

TEST_F(FunctionProfilerTest, NamesAreCutToThirtyCharacters) {
  static constexpr Symbol kLong[] = {
      {kTextBase + 0x1000, 0x100, "a_function_name_longer_than_thirty_characters"}};
  Platform with_long = platform();
  with_long.symbols = kLong;
  install_platform(with_long);
  std::string line = text(FunctionStat{kTextBase + 0x1000, 1, 1000, 1000000});
  EXPECT_EQ(line.substr(0, 44), "  a_function_name_longer_than_th           1");
}

TEST_F(FunctionProfilerTest, TracingThreshHidesFunctionsWithAShorterAverage) {
  EXPECT_EQ(text(stat_of("f", 2, 4000, 0), 2001), "");
  EXPECT_NE(text(stat_of("f", 2, 4000, 0), 2000), "");
}

namespace {
int g_functions_changed = 0;
void count_functions_changed() {
  ++g_functions_changed;
}
}  // namespace

// The profiler wants every call site, and while it runs no instance's lists are the live
// sites exactly (each tracer tests its own set_ftrace_filter).
TEST_F(FunctionProfilerTest, WhileOnEverySiteIsLiveAndEveryInstanceTestsItsLists) {
  Platform counting = platform();
  counting.functions_changed = count_functions_changed;
  install_platform(counting);
  g_functions_changed = 0;
  auto created = Tracing::create();
  ASSERT_TRUE(created.ok());
  Tracing& tracing = *created.value();
  ASSERT_TRUE(tracing.top().set_tracer("function").ok());
  ASSERT_TRUE(tracing.top().ftrace_filter().apply_word("f").ok());
  EXPECT_EQ(tracing.sole_function_slot(), 1u);
  EXPECT_FALSE(tracing.function_site_wanted(address_of("g")));
  int before = g_functions_changed;
  ASSERT_TRUE(tracing.set_function_profile(true).ok());
  EXPECT_EQ(g_functions_changed, before + 1);
  EXPECT_TRUE(tracing.function_site_wanted(address_of("g")));
  EXPECT_EQ(tracing.sole_function_slot(), 0u);
  EXPECT_FALSE(tracing.top().wants_function(address_of("g")));
  ASSERT_TRUE(tracing.set_function_profile(false).ok());
  EXPECT_EQ(g_functions_changed, before + 2);
  EXPECT_FALSE(tracing.function_site_wanted(address_of("g")));
  EXPECT_EQ(tracing.sole_function_slot(), 1u);
}

TEST_F(FunctionProfilerTest, WithTracerNopTheProfilerAloneKeepsTheSitesLive) {
  auto created = Tracing::create();
  ASSERT_TRUE(created.ok());
  Tracing& tracing = *created.value();
  EXPECT_FALSE(tracing.any_traces_functions());
  ASSERT_TRUE(tracing.set_function_profile(true).ok());
  EXPECT_TRUE(tracing.any_traces_functions());
  ASSERT_TRUE(tracing.set_function_profile(false).ok());
  EXPECT_FALSE(tracing.any_traces_functions());
}
