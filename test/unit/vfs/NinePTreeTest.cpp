// The node table behind the 9P server's FileTree ops: nodes by number, handles for files.
#include "TracefsFixture.h"
#include "vfs/NinePTree.h"

using namespace tg;
using namespace tg::test;

namespace {

class NinePTree : public TracefsTest {
 protected:
  ninep::NodeInfo walk(const std::vector<std::string>& names) {
    ninep::NodeInfo node = ops().root(tree_.context).value();
    for (const auto& name : names) {
      auto next = ops().lookup(tree_.context, node.id, StringView(name.data(), name.size()));
      EXPECT_TRUE(next.ok()) << name;
      if (!next.ok()) return {};
      node = next.value();
    }
    return node;
  }
  const ninep::FileTreeOps& ops() { return *tree_.ops; }
  std::string read(void* handle) {
    std::string text;
    u8 buffer[256];
    for (;;) {
      auto n = ops().read(tree_.context, handle, text.size(), MutableBytes(buffer, sizeof buffer));
      if (!n.ok() || n.value() == 0) break;
      text.append(reinterpret_cast<char*>(buffer), n.value());
    }
    return text;
  }

  vfs::NinePTree adapter_{table_};
  ninep::FileTree tree_ = adapter_.file_tree();
};

}  // namespace

TEST_F(NinePTree, WalksByNumberIncludingDotDot) {
  auto cpu1 = walk({"tracing", "per_cpu", "cpu1"});
  EXPECT_TRUE(cpu1.directory);
  EXPECT_EQ(cpu1.mode, 0750u);
  auto up = ops().lookup(tree_.context, cpu1.id, "..");
  ASSERT_TRUE(up.ok());
  EXPECT_EQ(up.value().id, walk({"tracing", "per_cpu"}).id);
  auto root = ops().root(tree_.context).value();
  EXPECT_EQ(ops().lookup(tree_.context, root.id, "..").value().id, root.id);
}

TEST_F(NinePTree, MissingNameIsEnoent) {
  auto tracing = walk({"tracing"});
  EXPECT_EQ(ops().lookup(tree_.context, tracing.id, "nosuch").error(), Errno::kNoEnt);
}

TEST_F(NinePTree, OpenWriteReadClose) {
  auto on = walk({"tracing", "tracing_on"});
  void* writer = ops().open(tree_.context, on.id, vfs::kOpenWriteOnly | vfs::kOpenTruncate).value();
  const u8 zero[] = {'0', '\n'};
  EXPECT_EQ(ops().write(tree_.context, writer, 0, Bytes(zero, 2)).value(), 2u);
  ops().close(tree_.context, writer);
  void* reader = ops().open(tree_.context, on.id, vfs::kOpenReadOnly).value();
  EXPECT_EQ(read(reader), "0\n");
  ops().close(tree_.context, reader);
}

TEST_F(NinePTree, EmptyTracePipeReadIsEagain) {
  auto pipe = walk({"tracing", "trace_pipe"});
  void* handle = ops().open(tree_.context, pipe.id, vfs::kOpenReadOnly).value();
  u8 buffer[64];
  EXPECT_EQ(ops().read(tree_.context, handle, 0, MutableBytes(buffer, 64)).error(), Errno::kAgain);
  ops().close(tree_.context, handle);
}

TEST_F(NinePTree, ReaddirListsEntriesThenEnoent) {
  auto cpu0 = walk({"tracing", "per_cpu", "cpu0"});
  std::vector<std::string> names;
  for (u64 i = 0;; ++i) {
    auto entry = ops().readdir(tree_.context, cpu0.id, i);
    if (!entry.ok()) {
      EXPECT_EQ(entry.error(), Errno::kNoEnt);
      break;
    }
    names.emplace_back(entry.value().name.data(), entry.value().name.size());
  }
  EXPECT_EQ(names, (std::vector<std::string>{"buffer_size_kb", "snapshot", "stats", "trace",
                                             "trace_pipe", "trace_pipe_raw"}));
}

TEST_F(NinePTree, MkdirAndRemoveInstances) {
  auto instances = walk({"tracing", "instances"});
  auto made = ops().mkdir(tree_.context, instances.id, "foo");
  ASSERT_TRUE(made.ok());
  EXPECT_TRUE(made.value().directory);
  EXPECT_EQ(ops().mkdir(tree_.context, instances.id, "foo").error(), Errno::kExist);
  EXPECT_TRUE(ops().remove(tree_.context, instances.id, "foo", true).ok());
  EXPECT_EQ(ops().getattr(tree_.context, made.value().id).error(), Errno::kNoEnt);
}

TEST_F(NinePTree, RemovingAFileIsEperm) {
  auto tracing = walk({"tracing"});
  EXPECT_EQ(ops().remove(tree_.context, tracing.id, "trace", false).error(), Errno::kPerm);
}
