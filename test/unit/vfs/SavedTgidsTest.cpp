// saved_tgids: Linux's "pid tgid" lines, filled once record-tgid has been set.
#include <algorithm>

#include "TracefsFixture.h"
#include "trace/CommCache.h"

using namespace tg;
using namespace tg::test;

namespace {

class SavedTgids : public TracefsTest {
 protected:
  void SetUp() override {
    TracefsTest::SetUp();
    trace::clear_comms();
  }
  void TearDown() override { trace::clear_comms(); }
};

}  // namespace

TEST_F(SavedTgids, IsTopOnlyWithLinuxMode) {
  EXPECT_EQ(mode_of("saved_tgids"), vfs::kModeRegular | 0440);
  ASSERT_EQ(mkdir("foo"), Errno::kOk);
  auto names = ls("instances/foo");
  EXPECT_EQ(std::find(names.begin(), names.end(), "saved_tgids"), names.end());
}

TEST_F(SavedTgids, EmptyUntilRecordTgidIsSet) {
  trace::save_tgid(5, 5);
  EXPECT_EQ(cat("saved_tgids"), "");
}

TEST_F(SavedTgids, ListsPidAndTgidByPid) {
  ASSERT_EQ(echo("options/record-tgid", "1"), Errno::kOk);
  trace::save_tgid(300, 300);
  trace::save_tgid(7, 5);
  EXPECT_EQ(cat("saved_tgids"), "7 5\n300 300\n");
}

TEST_F(SavedTgids, KeepsSavingAfterRecordTgidIsCleared) {
  ASSERT_EQ(echo("trace_options", "record-tgid"), Errno::kOk);
  ASSERT_EQ(echo("trace_options", "norecord-tgid"), Errno::kOk);
  trace::save_tgid(9, 9);
  EXPECT_EQ(cat("saved_tgids"), "9 9\n");
}

TEST_F(SavedTgids, IdleIsNeverSaved) {
  ASSERT_EQ(echo("options/record-tgid", "1"), Errno::kOk);
  trace::save_tgid(0, 0);
  EXPECT_EQ(cat("saved_tgids"), "");
}
