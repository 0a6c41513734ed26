#include <gtest/gtest.h>

#include "support/Parse.h"
#include "support/String.h"
#include "support/TextWriter.h"

using namespace tg;

TEST(ParseUnsigned, AcceptsDigitsWithOneTrailingNewline) {
  EXPECT_EQ(parse_unsigned("42\n").value(), 42u);
  EXPECT_EQ(parse_unsigned("0").value(), 0u);
  EXPECT_EQ(parse_unsigned("18446744073709551615").value(), kU64Max);
}

TEST(ParseUnsigned, RejectsWhatKstrtoulRejectsWithEinval) {
  for (const char* bad : {"", "\n", " 1", "0x1", "-1", "1abc", "abc", "1 ", "+1"})
    EXPECT_EQ(parse_unsigned(bad).error(), Errno::kInval) << bad;
}

TEST(ParseUnsigned, AboveU64MaxIsErange) {
  EXPECT_EQ(parse_unsigned("18446744073709551616").error(), Errno::kRange);
}

TEST(NextWord, SplitsOneWordAndConsumesOneSeparator) {
  Word w = next_word("  a b");
  EXPECT_EQ(w.word, StringView("a"));
  EXPECT_EQ(w.consumed, 4u);
  Word rest = next_word(StringView("  a b").drop_front(w.consumed));
  EXPECT_EQ(rest.word, StringView("b"));
}

TEST(TextWriter, FormatsColumnsLikePrintf) {
  String s;
  TextWriter out(s);
  out.right("bash", 16).put('-').dec_left(42, 7).put(" [").dec(1, 3, '0').put("] ");
  out.seconds_usecs(5139031862123ull);
  EXPECT_EQ(s.view(), StringView("            bash-42      [001]  5139.031862"));
}

TEST(TextWriter, NothingToWriteIntoAnEmptyStringIsNoFailure) {
  String s;
  TextWriter out(s);
  out.put("").repeat(' ', 0).right("", 0);
  EXPECT_TRUE(out.ok());
  EXPECT_TRUE(s.append("").ok());
  EXPECT_EQ(s.size(), 0u);
}

TEST(TextWriter, HexAndNegativeDecimal) {
  String s;
  TextWriter out(s);
  out.hex(0xffffffff8149ab1aull).put(' ').sdec(-12).put(' ').hex(0x1a, 8);
  EXPECT_EQ(s.view(), StringView("ffffffff8149ab1a -12 0000001a"));
}
