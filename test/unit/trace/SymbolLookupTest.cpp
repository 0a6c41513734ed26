// Address -> symbol: the bucket index symbol_slot keeps, checked against a plain search, and
// what find_symbol makes of the slot (sized symbols end, unsized ones run to the next).
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "HostPlatform.h"
#include "trace/Symbols.h"

using namespace tg;

namespace {

class SymbolLookup : public testing::Test {
 protected:
  void TearDown() override { test::install_host_platform(2); }

  void install(const std::vector<Symbol>& symbols) {
    symbols_ = symbols;
    test::install_host_platform(2);
    Platform with_symbols = platform();
    with_symbols.symbols = {symbols_.data(), symbols_.size()};
    install_platform(with_symbols);
  }

  // What the index must agree with: the last symbol starting at or below `address`.
  isize reference(u64 address) const {
    auto after = std::upper_bound(symbols_.begin(), symbols_.end(), address,
                                  [](u64 a, const Symbol& s) { return a < s.address; });
    return static_cast<isize>(after - symbols_.begin()) - 1;
  }

  std::vector<Symbol> symbols_;
};

}  // namespace

TEST_F(SymbolLookup, IndexAgreesWithASearchAtEveryAddress) {
  // Functions of 1 to 700 bytes, some sharing an address (aliases), some gaps.
  std::vector<Symbol> symbols;
  u64 address = 0xffffffff80100000ull;
  for (u32 i = 0; i < 600; ++i) {
    u32 size = 1 + (i * 37) % 700;
    symbols.push_back({address, size, "f"});
    if (i % 50 == 7) symbols.push_back({address, size, "alias"});
    address += size + (i % 9 == 0 ? 300 : 0);
  }
  install(symbols);
  u64 first = symbols.front().address;
  for (u64 a = first - 20; a < address + 400; ++a)
    ASSERT_EQ(symbol_slot(a), reference(a)) << std::hex << a;
}

TEST_F(SymbolLookup, SparseTableFallsBackToSearching) {
  install({{0x1000, 0x10, "low"}, {0xffffffff80000000ull, 0x10, "high"}});
  EXPECT_EQ(symbol_slot(0xfff), -1);
  EXPECT_EQ(symbol_slot(0x1008), 0);
  EXPECT_EQ(symbol_slot(0x7fffffff), 0);
  EXPECT_EQ(symbol_slot(0xffffffff80000004ull), 1);
}

TEST_F(SymbolLookup, FindSymbolEndsSizedSymbolsAndStretchesUnsizedOnes) {
  install({{0x1000, 0x10, "sized"}, {0x2000, 0, "unsized"}, {0x3000, 0x10, "last"}});
  EXPECT_STREQ(trace::find_symbol(0x1004).symbol->name, "sized");
  EXPECT_EQ(trace::find_symbol(0x1004).offset, 4u);
  EXPECT_EQ(trace::find_symbol(0x1010).symbol, nullptr);
  EXPECT_STREQ(trace::find_symbol(0x2ff0).symbol->name, "unsized");
  EXPECT_EQ(trace::find_symbol(0x3010).symbol, nullptr);
  EXPECT_EQ(trace::find_symbol(0x0fff).symbol, nullptr);
}

TEST_F(SymbolLookup, AnEmptyTableFindsNothing) {
  install({});
  EXPECT_EQ(symbol_slot(0x1000), -1);
  EXPECT_EQ(trace::find_symbol(0x1000).symbol, nullptr);
}

TEST_F(SymbolLookup, FindSymbolInUsesTheGivenTableNotThePlatforms) {
  install({{0x1000, 0x10, "installed"}});
  const Symbol own[] = {{0x1000, 0x8, "own"}, {0x1008, 0x10, "next"}};
  trace::SymbolMatch match = trace::find_symbol_in({own, 2}, 0x100c);
  ASSERT_NE(match.symbol, nullptr);
  EXPECT_STREQ(match.symbol->name, "next");
  EXPECT_EQ(match.offset, 4u);
  EXPECT_EQ(trace::find_symbol_in({own, 2}, 0x1018).symbol, nullptr);
  EXPECT_EQ(trace::find_symbol_in({own, 2}, 0x0fff).symbol, nullptr);
  EXPECT_EQ(trace::find_symbol_in({}, 0x1000).symbol, nullptr);
}
