// proc/kallsyms: every symbol, as Linux's /proc/kallsyms prints them.
#include "TracefsFixture.h"
#include "vfs/ProcTree.h"

using namespace tg;
using namespace tg::test;

namespace {

class Kallsyms : public TracefsTest {
 protected:
  void SetUp() override {
    TracefsTest::SetUp();
    ASSERT_TRUE(vfs::mount_proc(table_, *tracing_).ok());
  }
  std::string kallsyms() {
    auto ref = table_.lookup("proc/kallsyms");
    EXPECT_TRUE(ref.ok());
    auto file = table_.open(ref.value(), vfs::kOpenReadOnly);
    EXPECT_TRUE(file.ok());
    std::string text = read_all(*file.value(), 100);
    table_.release(file.release_value());
    return text;
  }
};

}  // namespace

TEST_F(Kallsyms, ListsEverySymbolWithItsAddressInLinuxsFormat) {
  std::string text = kallsyms();
  EXPECT_EQ(text.substr(0, 27), "0000000000001000 T kmalloc\n");
  EXPECT_NE(text.find("0000000000006000 T Scheduler::pick_next\n"), std::string::npos);
  usize lines = 0;
  for (char c : text) lines += c == '\n';
  EXPECT_EQ(lines, platform().symbols.size());
}

TEST_F(Kallsyms, NotraceCodeIsLowerCaseT) {
  EXPECT_NE(kallsyms().find("0000000000009000 t trace_entry_stub\n"), std::string::npos);
}
