#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <vector>

#include "ninep/Codec.h"
#include "ninep/Dirent.h"
#include "ninep/Server.h"

namespace tg::ninep {
namespace {

// A two-node tree: the root directory and "pipe", whose reads block until `pending` holds
// data. Enough to drive every request path of the server.
struct PipeTree {
  std::string pending;
  int closes = 0;

  static constexpr u64 kRoot = 1;
  static constexpr u64 kPipe = 2;
  static PipeTree& self(void* t) { return *static_cast<PipeTree*>(t); }
  static Result<NodeInfo> root(void*) { return NodeInfo{kRoot, true, 0755, 0, 0}; }
  static Result<NodeInfo> lookup(void*, u64 dir, StringView name) {
    if (dir == kRoot && name == "pipe") return NodeInfo{kPipe, false, 0440, 0, 0};
    return Errno::kNoEnt;
  }
  static Result<NodeInfo> getattr(void* t, u64 node) {
    return node == kRoot ? root(t) : lookup(t, kRoot, "pipe");
  }
  static Result<void*> open(void* t, u64, u32) { return t; }
  static Result<usize> read(void* t, void*, u64, MutableBytes out) {
    auto& tree = self(t);
    if (tree.pending.empty()) return Errno::kAgain;
    usize n = tree.pending.size() < out.size() ? tree.pending.size() : out.size();
    memcpy(out.data(), tree.pending.data(), n);
    tree.pending.erase(0, n);
    return n;
  }
  static Result<usize> write(void*, void*, u64, Bytes) { return Errno::kInval; }
  static void close(void* t, void*) { ++self(t).closes; }
  static Result<DirEntry> readdir(void*, u64 dir, u64 index) {
    if (dir != kRoot || index > 0) return Errno::kNoEnt;
    return DirEntry{{kPipe, false, 0440, 0, 0}, "pipe"};
  }
  static Result<NodeInfo> mkdir(void*, u64, StringView) { return Errno::kPerm; }
  static Status remove(void*, u64, StringView, bool) { return Errno::kPerm; }
};

constexpr FileTreeOps kPipeOps = {PipeTree::root,  PipeTree::lookup, PipeTree::getattr,
                                  PipeTree::open,  PipeTree::read,   PipeTree::write,
                                  nullptr,         PipeTree::close,  PipeTree::readdir,
                                  PipeTree::mkdir, PipeTree::remove};

class ServerTest : public testing::Test {
 protected:
  void SetUp() override {
    ServerConfig config;
    config.tree = {&kPipeOps, &tree_};
    config.send = [](void* self, Bytes frame) {
      static_cast<ServerTest*>(self)->sent_.emplace_back(frame.begin(), frame.end());
    };
    config.transport = this;
    config.max_msize = 8192;
    ASSERT_TRUE(server_.init(config).ok());
  }

  // Sends `m`, returns the replies it produced (decoded into `replies_`).
  usize send(Message m) {
    std::vector<u8> wire(encoded_size(m));
    EXPECT_TRUE(encode(m, {wire.data(), wire.size()}).ok());
    sent_.clear();
    EXPECT_TRUE(server_.receive({wire.data(), wire.size()}).ok());
    return decode_sent();
  }
  usize decode_sent() {
    replies_.clear();
    for (auto& frame : sent_) {
      replies_.emplace_back();
      EXPECT_TRUE(decode({frame.data(), frame.size()}, replies_.back()).ok());
    }
    return replies_.size();
  }
  static Message make(MessageType type, u16 tag) {
    Message m;
    m.type = type;
    m.tag = tag;
    return m;
  }
  void start_session() {
    Message v = make(MessageType::kTversion, kNoTag);
    v.msize = 1 << 20;
    v.version = kVersion9P2000L;
    ASSERT_EQ(send(v), 1u);
    Message a = make(MessageType::kTattach, 1);
    a.fid = 0;
    a.afid = kNoFid;
    ASSERT_EQ(send(a), 1u);
    ASSERT_EQ(replies_[0].type, MessageType::kRattach);
  }
  void open_pipe(u32 fid) {
    Message w = make(MessageType::kTwalk, 2);
    w.fid = 0;
    w.newfid = fid;
    w.nwname = 1;
    w.wnames[0] = "pipe";
    ASSERT_EQ(send(w), 1u);
    ASSERT_EQ(replies_[0].type, MessageType::kRwalk);
    Message o = make(MessageType::kTlopen, 3);
    o.fid = fid;
    ASSERT_EQ(send(o), 1u);
    ASSERT_EQ(replies_[0].type, MessageType::kRlopen);
  }
  Message read_request(u16 tag, u32 fid) {
    Message r = make(MessageType::kTread, tag);
    r.fid = fid;
    r.count = 100;
    return r;
  }

  PipeTree tree_;
  Server server_;
  std::vector<std::vector<u8>> sent_;
  std::vector<Message> replies_;
};

TEST_F(ServerTest, VersionNegotiatesDownToTheServersMsize) {
  Message v = make(MessageType::kTversion, kNoTag);
  v.msize = 1 << 20;
  v.version = kVersion9P2000L;
  ASSERT_EQ(send(v), 1u);
  EXPECT_EQ(replies_[0].msize, 8192u);
  EXPECT_TRUE(replies_[0].version == "9P2000.L");
}

TEST_F(ServerTest, UnknownVersionIsAnsweredUnknown) {
  Message v = make(MessageType::kTversion, kNoTag);
  v.msize = 8192;
  v.version = "9P2000.u";
  ASSERT_EQ(send(v), 1u);
  EXPECT_TRUE(replies_[0].version == "unknown");
}

TEST_F(ServerTest, RequestsBeforeVersionAreRefused) {
  Message a = make(MessageType::kTattach, 1);
  a.afid = kNoFid;
  ASSERT_EQ(send(a), 1u);
  EXPECT_EQ(replies_[0].type, MessageType::kRlerror);
}

TEST_F(ServerTest, AuthIsAnError) {
  start_session();
  Message a = make(MessageType::kTauth, 4);
  a.afid = 9;
  ASSERT_EQ(send(a), 1u);
  EXPECT_EQ(replies_[0].type, MessageType::kRlerror);
}

TEST_F(ServerTest, AuthIsEnoentMeaningNoAuthenticationRequired) {
  start_session();
  Message a = make(MessageType::kTauth, 4);
  a.afid = 9;
  ASSERT_EQ(send(a), 1u);
  EXPECT_EQ(replies_[0].ecode, static_cast<u32>(Errno::kNoEnt));
}

TEST_F(ServerTest, AnOpenDirectoryCanBeClonedByWalk) {
  start_session();
  Message o = make(MessageType::kTlopen, 2);
  o.fid = 0;
  ASSERT_EQ(send(o), 1u);
  Message w = make(MessageType::kTwalk, 3);
  w.fid = 0;
  w.newfid = 6;
  w.nwname = 1;
  w.wnames[0] = "pipe";
  ASSERT_EQ(send(w), 1u);
  EXPECT_EQ(replies_[0].type, MessageType::kRwalk);
}

TEST_F(ServerTest, AnOpenFidCannotWalkItself) {
  start_session();
  open_pipe(5);
  Message w = make(MessageType::kTwalk, 3);
  w.fid = 5;
  w.newfid = 5;
  ASSERT_EQ(send(w), 1u);
  EXPECT_EQ(replies_[0].ecode, static_cast<u32>(Errno::kBadF));
}

TEST_F(ServerTest, WalkToAMissingNameIsEnoent) {
  start_session();
  Message w = make(MessageType::kTwalk, 2);
  w.fid = 0;
  w.newfid = 5;
  w.nwname = 1;
  w.wnames[0] = "nothing";
  ASSERT_EQ(send(w), 1u);
  EXPECT_EQ(replies_[0].ecode, static_cast<u32>(Errno::kNoEnt));
}

TEST_F(ServerTest, ReadWithDataAnswersAtOnce) {
  start_session();
  open_pipe(5);
  tree_.pending = "line\n";
  ASSERT_EQ(send(read_request(7, 5)), 1u);
  EXPECT_EQ(replies_[0].type, MessageType::kRread);
  EXPECT_EQ(replies_[0].data.size(), 5u);
}

TEST_F(ServerTest, BlockedReadParksAndCompletesOnPoll) {
  start_session();
  open_pipe(5);
  EXPECT_EQ(send(read_request(7, 5)), 0u);
  EXPECT_EQ(server_.parked(), 1u);
  sent_.clear();
  tree_.pending = "late\n";
  EXPECT_EQ(server_.poll(), 0u);
  ASSERT_EQ(decode_sent(), 1u);
  EXPECT_EQ(replies_[0].tag, 7);
  EXPECT_EQ(replies_[0].type, MessageType::kRread);
}

TEST_F(ServerTest, ParkedReadDoesNotBlockOtherRequests) {
  start_session();
  open_pipe(5);
  send(read_request(7, 5));
  Message g = make(MessageType::kTgetattr, 8);
  g.fid = 0;
  ASSERT_EQ(send(g), 1u);
  EXPECT_EQ(replies_[0].type, MessageType::kRgetattr);
  EXPECT_EQ(replies_[0].attr.mode, kModeDir | 0755);
}

TEST_F(ServerTest, FlushDropsTheParkedReadWithoutAReply) {
  start_session();
  open_pipe(5);
  send(read_request(7, 5));
  Message f = make(MessageType::kTflush, 9);
  f.oldtag = 7;
  ASSERT_EQ(send(f), 1u);
  EXPECT_EQ(replies_[0].type, MessageType::kRflush);
  EXPECT_EQ(server_.parked(), 0u);
  tree_.pending = "data\n";
  sent_.clear();
  server_.poll();
  EXPECT_TRUE(sent_.empty());
}

TEST_F(ServerTest, ClunkReleasesTheHandle) {
  start_session();
  open_pipe(5);
  Message c = make(MessageType::kTclunk, 10);
  c.fid = 5;
  ASSERT_EQ(send(c), 1u);
  EXPECT_EQ(replies_[0].type, MessageType::kRclunk);
  EXPECT_EQ(tree_.closes, 1);
}

TEST_F(ServerTest, ResetDropsFidsAndParkedRequests) {
  start_session();
  open_pipe(5);
  send(read_request(7, 5));
  server_.reset();
  EXPECT_EQ(server_.parked(), 0u);
  EXPECT_EQ(server_.open_fids(), 0u);
  EXPECT_EQ(tree_.closes, 1);
  Message g = make(MessageType::kTgetattr, 8);
  g.fid = 0;
  ASSERT_EQ(send(g), 1u);
  EXPECT_EQ(replies_[0].type, MessageType::kRlerror);  // a new Tversion is needed first
}

TEST_F(ServerTest, ReaddirListsEntries) {
  start_session();
  Message r = make(MessageType::kTreaddir, 11);
  r.fid = 0;
  r.count = 4096;
  ASSERT_EQ(send(r), 1u);
  DirentReader reader(replies_[0].data);
  Dirent entry;
  ASSERT_TRUE(reader.next(entry));
  EXPECT_TRUE(entry.name == "pipe");
  EXPECT_FALSE(reader.next(entry));
}

TEST_F(ServerTest, LcreateIsEacces) {
  start_session();
  Message c = make(MessageType::kTlcreate, 12);
  c.fid = 0;
  c.name = "new";
  ASSERT_EQ(send(c), 1u);
  EXPECT_EQ(replies_[0].ecode, static_cast<u32>(Errno::kAccess));
}

TEST_F(ServerTest, OversizedFrameIsAProtocolErrorAndResets) {
  start_session();
  const u8 huge[] = {0, 0, 0x10, 0, 100};
  EXPECT_EQ(server_.receive(huge).error(), Errno::kProto);
  EXPECT_EQ(server_.open_fids(), 0u);
}

}  // namespace
}  // namespace tg::ninep
