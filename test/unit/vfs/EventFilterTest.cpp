#include <gtest/gtest.h>

#include <cstring>

#include "trace/EventFilter.h"

using namespace tg;
using namespace tg::trace;

namespace {

// A payload like sched_switch's: common header, char prev_comm[16] @8, int prev_pid @24,
// unsigned long now @32, __data_loc char[] name @40.
constexpr FilterField kFields[] = {
    {"prev_comm", 8, 16, false, FilterField::Kind::kCharArray},
    {"prev_pid", 24, 4, true, FilterField::Kind::kInteger},
    {"now", 32, 8, false, FilterField::Kind::kInteger},
    {"name", 40, 4, false, FilterField::Kind::kDynamicString},
};

struct Payload {
  u8 bytes[64] = {};
  Payload(i32 pid, const char* comm, i32 prev_pid, u64 now, const char* name) {
    std::memcpy(bytes + 4, &pid, 4);
    std::strncpy(reinterpret_cast<char*>(bytes + 8), comm, 15);
    std::memcpy(bytes + 24, &prev_pid, 4);
    std::memcpy(bytes + 32, &now, 8);
    u32 length = static_cast<u32>(std::strlen(name) + 1);
    u32 location = (length << 16) | 48;
    std::memcpy(bytes + 40, &location, 4);
    std::memcpy(bytes + 48, name, length);
  }
};

class EventFilterTest : public testing::Test {
 protected:
  bool matches(const char* text, const Payload& payload) {
    FilterError error;
    auto filter = EventFilter::parse(text, kFields, error);
    EXPECT_TRUE(filter.ok()) << text << ": "
                             << std::string(error.message.data(), error.message.size());
    if (!filter.ok()) return false;
    return filter.value()->matches(payload.bytes, sizeof payload.bytes);
  }
  FilterError fails(const char* text) {
    FilterError error;
    auto filter = EventFilter::parse(text, kFields, error);
    EXPECT_FALSE(filter.ok()) << text;
    return error;
  }
  Payload payload_{42, "bash", -5, 1000, "timer"};
};

}  // namespace

TEST_F(EventFilterTest, ComparesCommonPid) {
  EXPECT_TRUE(matches("common_pid == 42", payload_));
  EXPECT_FALSE(matches("common_pid != 42", payload_));
  EXPECT_TRUE(matches("common_pid > 10 && common_pid < 100", payload_));
}

TEST_F(EventFilterTest, SignedFieldsCompareSigned) {
  EXPECT_TRUE(matches("prev_pid < 0", payload_));
  EXPECT_TRUE(matches("prev_pid == -5", payload_));
}

TEST_F(EventFilterTest, UnsignedFieldsAcceptHex) {
  EXPECT_TRUE(matches("now == 0x3e8", payload_));
  EXPECT_TRUE(matches("now >= 1000 && now <= 1000", payload_));
  EXPECT_TRUE(matches("now & 8", payload_));
}

TEST_F(EventFilterTest, OrAndParenthesesAndNot) {
  EXPECT_TRUE(matches("(common_pid == 1 || common_pid == 42) && now == 1000", payload_));
  EXPECT_FALSE(matches("!(common_pid == 42)", payload_));
  EXPECT_TRUE(matches("common_pid == 1 || !(now == 1)", payload_));
}

TEST_F(EventFilterTest, StringFieldsTakeQuotedOrBareValues) {
  EXPECT_TRUE(matches("prev_comm == \"bash\"", payload_));
  EXPECT_TRUE(matches("prev_comm == 'bash'", payload_));
  EXPECT_TRUE(matches("prev_comm == bash", payload_));
  EXPECT_TRUE(matches("prev_comm != \"sh\"", payload_));
}

TEST_F(EventFilterTest, TildeGlobsStrings) {
  EXPECT_TRUE(matches("prev_comm ~ \"ba*\"", payload_));
  EXPECT_FALSE(matches("prev_comm ~ \"x*\"", payload_));
  EXPECT_TRUE(matches("name ~ \"*mer\"", payload_));
}

TEST_F(EventFilterTest, DynamicStringsCompare) {
  EXPECT_TRUE(matches("name == \"timer\"", payload_));
}

TEST_F(EventFilterTest, UnknownFieldIsFieldNotFoundWithCaretAfterTheName) {
  FilterError error = fails("bogus_field == 1");
  EXPECT_EQ(error.message, StringView("Field not found"));
  EXPECT_EQ(error.caret, 12u);
}

TEST_F(EventFilterTest, WordForNumberIsInvalidValueWithCaretInTheValue) {
  FilterError error = fails("common_pid == abc");
  EXPECT_EQ(error.message, StringView("Invalid value (did you forget quotes)?"));
  EXPECT_EQ(error.caret, 15u);
}

TEST_F(EventFilterTest, TildeOnNumberIsIllegalOperation) {
  EXPECT_EQ(fails("common_pid ~ 1").message, StringView("Illegal operation for field type"));
}

TEST_F(EventFilterTest, LessThanOnStringIsIllegalOperation) {
  EXPECT_EQ(fails("prev_comm < \"a\"").message, StringView("Illegal operation for field type"));
}

TEST_F(EventFilterTest, UnbalancedParenthesesFail) {
  fails("(common_pid == 1");
  fails("common_pid == 1)");
}

TEST_F(EventFilterTest, MissingQuoteFails) {
  EXPECT_EQ(fails("prev_comm == \"bash").message, StringView("Missing matching quote"));
}

TEST_F(EventFilterTest, DeepNestingIsRefusedNotRecursedInto) {
  std::string deep(1000, '(');
  fails(deep.c_str());
}

TEST_F(EventFilterTest, KeepsItsText) {
  FilterError error;
  auto filter = EventFilter::parse("now == 0", kFields, error);
  ASSERT_TRUE(filter.ok());
  EXPECT_EQ(filter.value()->text(), StringView("now == 0"));
}

TEST_F(EventFilterTest, FieldPastThePayloadDoesNotMatch) {
  FilterError error;
  auto filter = EventFilter::parse("now == 1000", kFields, error);
  ASSERT_TRUE(filter.ok());
  EXPECT_FALSE(filter.value()->matches(payload_.bytes, 16));
}
