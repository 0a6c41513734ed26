#pragma once
#include <gtest/gtest.h>

#include <string>

#include "HostPlatform.h"
#include "trace/CommCache.h"
#include "trace/RecordContext.h"
#include "trace/TraceInstance.h"
#include "trace/TraceOutput.h"

namespace tg::trace::test {

inline constexpr u64 kTextBase = 0xffffffff81000000ull;

// A small kernel symbol table, sorted by address.
inline constexpr Symbol kSymbols[] = {
    {kTextBase + 0x1000, 0x100, "f"},
    {kTextBase + 0x2000, 0x100, "g"},
    {kTextBase + 0x3000, 0x80, "mutex_unlock"},
    {kTextBase + 0x3100, 0x80, "rb_simple_write"},
    {kTextBase + 0x4000, 0x40, "rt_spin_unlock"},
};

inline u64 address_of(const char* name) {
  for (const auto& symbol : kSymbols)
    if (StringView(symbol.name) == StringView(name)) return symbol.address;
  return 0;
}

// One trace instance on a 2-CPU host platform with the symbols above and a fake clock.
class TraceFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    saved_ = platform();
    Platform with_symbols = saved_;
    with_symbols.cpu_count = 2;
    with_symbols.text_base = kTextBase;
    with_symbols.symbols = kSymbols;
    install_platform(with_symbols);
    clear_comms();
    tg::test::set_clock(1'000'000'000);
    auto created = TraceInstance::create("", true, 1);
    ASSERT_TRUE(created.ok());
    instance_ = created.release_value();
  }
  void TearDown() override {
    instance_ = OwnPtr<TraceInstance>();
    install_platform(saved_);
  }

  TraceInstance& instance() { return *instance_; }
  static RecordContext context(u32 cpu, i32 pid, u8 flags = 0, u8 preempt = 0) {
    return {cpu, pid, flags, preempt};
  }

  // The whole `trace` file.
  std::string trace() {
    auto state = OutputState::create(instance(), false);
    EXPECT_TRUE(state.ok());
    String text;
    TextWriter out(text);
    state.value()->print_header(out);
    while (state.value()->print_next(out)) {
    }
    return std::string(text.data(), text.size());
  }
  // The lines only (what trace_pipe would print, without consuming).
  std::string lines() {
    auto state = OutputState::create(instance(), false);
    EXPECT_TRUE(state.ok());
    String text;
    TextWriter out(text);
    while (state.value()->print_next(out)) {
    }
    return std::string(text.data(), text.size());
  }

 private:
  Platform saved_;
  OwnPtr<TraceInstance> instance_;
};

}  // namespace tg::trace::test
