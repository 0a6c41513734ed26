// tracing_cpumask's text: Linux's "%*pb" when read, bitmap_parse when written.
#include <gtest/gtest.h>

#include <string>

#include "trace/CpuMask.h"

namespace tg::trace {
namespace {

std::string shown(const CpuMask& mask, u32 cpus) {
  String out;
  EXPECT_TRUE(mask.show(out, cpus).ok());
  return std::string(out.data(), out.size());
}

TEST(CpuMaskShow, TwoCpusIsOneDigit) {
  EXPECT_EQ(shown(CpuMask::all(2), 2), "3\n");
}

TEST(CpuMaskShow, DigitsFollowTheCpuCount) {
  EXPECT_EQ(shown(CpuMask::all(1), 1), "1\n");
  EXPECT_EQ(shown(CpuMask::all(4), 4), "f\n");
  EXPECT_EQ(shown(CpuMask::all(5), 5), "1f\n");
  EXPECT_EQ(shown(CpuMask::all(8), 8), "ff\n");
}

TEST(CpuMaskShow, EmptyMaskKeepsTheWidth) {
  EXPECT_EQ(shown(CpuMask(), 8), "00\n");
}

TEST(CpuMaskShow, GroupsOf32BitsAreCommaSeparatedHighestFirst) {
  EXPECT_EQ(shown(CpuMask::all(33), 33), "1,ffffffff\n");
  EXPECT_EQ(shown(CpuMask::all(64), 64), "ffffffff,ffffffff\n");
  EXPECT_EQ(shown(CpuMask::all(1), 40), "00,00000001\n");
}

TEST(CpuMaskParse, HexSelectsCpus) {
  auto mask = CpuMask::parse("2\n", 2);
  ASSERT_TRUE(mask.ok());
  EXPECT_FALSE(mask.value().contains(0));
  EXPECT_TRUE(mask.value().contains(1));
}

TEST(CpuMaskParse, UpperCaseDigitsAreHex) {
  auto mask = CpuMask::parse("F", 4);
  ASSERT_TRUE(mask.ok());
  EXPECT_TRUE(mask.value() == CpuMask::all(4));
}

TEST(CpuMaskParse, GroupsAreReadFromTheRight) {
  auto mask = CpuMask::parse("1,00000002", 64);
  ASSERT_TRUE(mask.ok());
  EXPECT_TRUE(mask.value().contains(1));
  EXPECT_TRUE(mask.value().contains(32));
  EXPECT_FALSE(mask.value().contains(0));
}

TEST(CpuMaskParse, BlanksAroundAreFine) {
  auto mask = CpuMask::parse("  3 ,\n", 2);
  ASSERT_TRUE(mask.ok());
  EXPECT_TRUE(mask.value() == CpuMask::all(2));
}

TEST(CpuMaskParse, TextAfterTheFirstNewlineIsIgnored) {
  auto mask = CpuMask::parse("1\nzz", 2);
  ASSERT_TRUE(mask.ok());
  EXPECT_TRUE(mask.value().contains(0));
  EXPECT_FALSE(mask.value().contains(1));
}

TEST(CpuMaskParse, NothingIsTheEmptyMask) {
  auto mask = CpuMask::parse("\n", 2);
  ASSERT_TRUE(mask.ok());
  EXPECT_TRUE(mask.value() == CpuMask());
}

TEST(CpuMaskParse, NonHexIsEinval) {
  EXPECT_EQ(CpuMask::parse("g", 2).error(), Errno::kInval);
  EXPECT_EQ(CpuMask::parse("0x3", 2).error(), Errno::kInval);
  EXPECT_EQ(CpuMask::parse("-1", 2).error(), Errno::kInval);
}

TEST(CpuMaskParse, CpuBeyondTheMachineIsEoverflow) {
  EXPECT_EQ(CpuMask::parse("4", 2).error(), Errno::kOverflow);
  EXPECT_EQ(CpuMask::parse("ff", 2).error(), Errno::kOverflow);
}

TEST(CpuMaskParse, MoreGroupsThanCpusNeedIsEoverflow) {
  EXPECT_EQ(CpuMask::parse("0,1", 2).error(), Errno::kOverflow);
}

TEST(CpuMaskParse, NineDigitGroupIsEoverflow) {
  EXPECT_EQ(CpuMask::parse("000000001", 64).error(), Errno::kOverflow);
}

TEST(CpuMaskParse, LeadingZerosWithinAGroupAreFine) {
  auto mask = CpuMask::parse("00000003", 2);
  ASSERT_TRUE(mask.ok());
  EXPECT_TRUE(mask.value() == CpuMask::all(2));
}

}  // namespace
}  // namespace tg::trace
