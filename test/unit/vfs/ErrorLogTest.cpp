#include <gtest/gtest.h>

#include "trace/ErrorLog.h"

using namespace tg;
using namespace tg::trace;

TEST(ErrorLog, PrintsTimestampCommandAndCaret) {
  ErrorLog log;
  log.add(5128986046000ull, "event filter parse error", "Field not found", "bogus_field == 1", 12);
  String out;
  ASSERT_TRUE(log.show(out).ok());
  EXPECT_EQ(out, StringView("[ 5128.986046] event filter parse error: error: Field not found\n"
                            "  Command: bogus_field == 1\n"
                            "                       ^\n"));
}

TEST(ErrorLog, KeepsOnlyTheNewestEight) {
  ErrorLog log;
  for (int i = 0; i < 10; ++i) {
    char command[2] = {static_cast<char>('0' + i), 0};
    log.add(0, "w", "m", command, 0);
  }
  EXPECT_EQ(log.size(), 8u);
  String out;
  ASSERT_TRUE(log.show(out).ok());
  EXPECT_NE(out.view().find("Command: 2\n"), StringView::npos);
  EXPECT_EQ(out.view().find("Command: 1\n"), StringView::npos);
}

TEST(ErrorLog, ClearEmpties) {
  ErrorLog log;
  log.add(0, "w", "m", "c", 0);
  log.clear();
  String out;
  ASSERT_TRUE(log.show(out).ok());
  EXPECT_TRUE(out.empty());
}
