#include "Platform.h"
#include "TraceFixture.h"
#include "trace/TraceMarker.h"

namespace tg::trace::test {
namespace {

// The kernel brackets a marker record (interrupts off) and names the CPU the writer is on
// by then; the record lands in that CPU's buffer.
u32 g_begins;
u32 g_ends;

u64 bracket_begin(u32& cpu) {
  ++g_begins;
  cpu = 1;
  return 42;
}

void bracket_end(u64 state) {
  if (state == 42) ++g_ends;
}

class MarkerPlatformTest : public TraceFixture {
 protected:
  void SetUp() override {
    TraceFixture::SetUp();
    unbracketed_ = platform();
    Platform bracketed = unbracketed_;
    bracketed.file_record_begin = bracket_begin;
    bracketed.file_record_end = bracket_end;
    install_platform(bracketed);
    g_begins = g_ends = 0;
  }
  void TearDown() override {
    install_platform(unbracketed_);
    TraceFixture::TearDown();
  }
  Platform unbracketed_;
};

TEST_F(MarkerPlatformTest, RecordIsBracketedAndLandsOnTheCpuTheBracketNames) {
  ASSERT_TRUE(write_marker(instance(), context(0, 10), "moved").ok());
  EXPECT_EQ(g_begins, 1u);
  EXPECT_EQ(g_ends, 1u);
  EXPECT_EQ(instance().buffer().cpu(1).stats().entries, 1u);
  EXPECT_EQ(instance().buffer().cpu(0).stats().entries, 0u);
}

}  // namespace
}  // namespace tg::trace::test
