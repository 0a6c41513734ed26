#include <gtest/gtest.h>

#include <cstring>
#include <vector>

#include "ninep/Codec.h"

namespace tg::ninep {
namespace {

// Encodes `m`, checks the size prefix and encoded_size agree, decodes it back.
class CodecRoundTrip : public testing::Test {
 protected:
  Message round_trip(const Message& m) {
    wire_.assign(4096, 0);
    auto size = encode(m, {wire_.data(), wire_.size()});
    EXPECT_TRUE(size.ok());
    wire_.resize(size.value());
    EXPECT_EQ(encoded_size(m), wire_.size());
    EXPECT_EQ(frame_size({wire_.data(), 4}), wire_.size());
    Message out;
    Status status = decode({wire_.data(), wire_.size()}, out);
    EXPECT_TRUE(status.ok()) << errno_name(status.error());
    EXPECT_EQ(out.type, m.type);
    EXPECT_EQ(out.tag, m.tag);
    return out;
  }
  static Message with(MessageType type) {
    Message m;
    m.type = type;
    m.tag = 0x1234;
    return m;
  }
  std::vector<u8> wire_;
};

TEST_F(CodecRoundTrip, Version) {
  for (auto type : {MessageType::kTversion, MessageType::kRversion}) {
    Message m = with(type);
    m.msize = 1 << 20;
    m.version = kVersion9P2000L;
    Message out = round_trip(m);
    EXPECT_EQ(out.msize, 1u << 20);
    EXPECT_TRUE(out.version == "9P2000.L");
  }
}

TEST_F(CodecRoundTrip, VersionWireBytesAreLittleEndian) {
  Message m = with(MessageType::kTversion);
  m.tag = kNoTag;
  m.msize = 0x00100000;
  m.version = "9P2000.L";
  round_trip(m);
  const u8 expected[] = {21, 0, 0,   0,   100, 0xff, 0xff, 0,   0,   0x10, 0,
                         8,  0, '9', 'P', '2', '0',  '0',  '0', '.', 'L'};
  ASSERT_EQ(wire_.size(), sizeof(expected));
  EXPECT_EQ(memcmp(wire_.data(), expected, sizeof(expected)), 0);
}

TEST_F(CodecRoundTrip, AttachAndAuth) {
  for (auto type : {MessageType::kTattach, MessageType::kTauth}) {
    Message m = with(type);
    m.fid = 1;
    m.afid = kNoFid;
    m.uname = "root";
    m.aname = "";
    m.n_uname = 0;
    Message out = round_trip(m);
    EXPECT_EQ(out.afid, kNoFid);
    EXPECT_TRUE(out.uname == "root");
    EXPECT_TRUE(out.aname.empty());
    EXPECT_EQ(out.n_uname, 0u);
    if (type == MessageType::kTattach) {
      EXPECT_EQ(out.fid, 1u);
    }
  }
}

TEST_F(CodecRoundTrip, QidReplies) {
  for (auto type : {MessageType::kRattach, MessageType::kRauth, MessageType::kRmkdir}) {
    Message m = with(type);
    m.qid = {kQidDir, 7, 0x0102030405060708};
    EXPECT_EQ(round_trip(m).qid, m.qid);
  }
}

TEST_F(CodecRoundTrip, WalkWithSixteenNames) {
  Message m = with(MessageType::kTwalk);
  m.fid = 3;
  m.newfid = 4;
  m.nwname = kMaxWalkNames;
  for (auto& name : m.wnames) name = "events";
  Message out = round_trip(m);
  EXPECT_EQ(out.fid, 3u);
  EXPECT_EQ(out.newfid, 4u);
  ASSERT_EQ(out.nwname, kMaxWalkNames);
  EXPECT_TRUE(out.wnames[15] == "events");
}

TEST_F(CodecRoundTrip, WalkWithNoNamesClonesTheFid) {
  Message m = with(MessageType::kTwalk);
  m.fid = 1;
  m.newfid = 2;
  EXPECT_EQ(round_trip(m).nwname, 0);
}

TEST_F(CodecRoundTrip, Rwalk) {
  Message m = with(MessageType::kRwalk);
  m.nwqid = 2;
  m.wqids[0] = {kQidDir, 0, 1};
  m.wqids[1] = {kQidFile, 0, 2};
  Message out = round_trip(m);
  ASSERT_EQ(out.nwqid, 2);
  EXPECT_EQ(out.wqids[1], m.wqids[1]);
}

TEST_F(CodecRoundTrip, LopenAndLcreate) {
  Message m = with(MessageType::kTlopen);
  m.fid = 9;
  m.flags = kOpenWriteOnly | kOpenTruncate;
  EXPECT_EQ(round_trip(m).flags, m.flags);
  Message r = with(MessageType::kRlopen);
  r.qid = {kQidFile, 0, 5};
  r.iounit = 4096;
  EXPECT_EQ(round_trip(r).iounit, 4096u);
  Message c = with(MessageType::kTlcreate);
  c.fid = 2;
  c.name = "new";
  c.flags = 1;
  c.mode = 0644;
  c.gid = 0;
  Message out = round_trip(c);
  EXPECT_TRUE(out.name == "new");
  EXPECT_EQ(out.mode, 0644u);
  Message rc = with(MessageType::kRlcreate);
  rc.iounit = 1;
  EXPECT_EQ(round_trip(rc).iounit, 1u);
}

TEST_F(CodecRoundTrip, ReadAndRread) {
  Message m = with(MessageType::kTread);
  m.fid = 5;
  m.offset = 1ull << 40;
  m.count = 8192;
  Message out = round_trip(m);
  EXPECT_EQ(out.offset, 1ull << 40);
  EXPECT_EQ(out.count, 8192u);
  const u8 payload[] = {'n', 'o', 'p', '\n'};
  Message r = with(MessageType::kRread);
  r.data = payload;
  Message rout = round_trip(r);
  ASSERT_EQ(rout.data.size(), 4u);
  EXPECT_EQ(rout.count, 4u);
  EXPECT_EQ(memcmp(rout.data.data(), payload, 4), 0);
}

TEST_F(CodecRoundTrip, WriteAndRwrite) {
  const u8 payload[] = {'f', 'u', 'n', 'c'};
  Message m = with(MessageType::kTwrite);
  m.fid = 5;
  m.offset = 0;
  m.data = payload;
  Message out = round_trip(m);
  EXPECT_EQ(out.fid, 5u);
  EXPECT_EQ(out.data.size(), 4u);
  Message r = with(MessageType::kRwrite);
  r.count = 3;
  EXPECT_EQ(round_trip(r).count, 3u);
}

TEST_F(CodecRoundTrip, FidOnlyRequests) {
  for (auto type : {MessageType::kTclunk, MessageType::kTstatfs}) {
    Message m = with(type);
    m.fid = 77;
    EXPECT_EQ(round_trip(m).fid, 77u);
  }
}

TEST_F(CodecRoundTrip, EmptyReplies) {
  for (auto type : {MessageType::kRclunk, MessageType::kRflush, MessageType::kRunlinkat}) {
    round_trip(with(type));
    EXPECT_EQ(wire_.size(), kHeaderSize);
  }
}

TEST_F(CodecRoundTrip, Getattr) {
  Message m = with(MessageType::kTgetattr);
  m.fid = 1;
  m.request_mask = kGetattrBasic;
  EXPECT_EQ(round_trip(m).request_mask, kGetattrBasic);
  Message r = with(MessageType::kRgetattr);
  r.attr.valid = kGetattrBasic;
  r.attr.qid = {kQidFile, 1, 99};
  r.attr.mode = kModeFile | 0640;
  r.attr.size = 12345;
  r.attr.data_version = 42;
  r.attr.btime_nsec = 7;
  EXPECT_EQ(round_trip(r).attr, r.attr);
}

TEST_F(CodecRoundTrip, Readdir) {
  Message m = with(MessageType::kTreaddir);
  m.fid = 1;
  m.offset = 3;
  m.count = 1000;
  Message out = round_trip(m);
  EXPECT_EQ(out.offset, 3u);
  EXPECT_EQ(out.count, 1000u);
}

TEST_F(CodecRoundTrip, FlushCarriesTheOldTag) {
  Message m = with(MessageType::kTflush);
  m.oldtag = 17;
  EXPECT_EQ(round_trip(m).oldtag, 17);
}

TEST_F(CodecRoundTrip, MkdirAndUnlinkat) {
  Message m = with(MessageType::kTmkdir);
  m.fid = 2;
  m.name = "foo";
  m.mode = 0755;
  m.gid = 5;
  Message out = round_trip(m);
  EXPECT_TRUE(out.name == "foo");
  EXPECT_EQ(out.gid, 5u);
  Message u = with(MessageType::kTunlinkat);
  u.fid = 2;
  u.name = "foo";
  u.flags = kRemoveDir;
  EXPECT_EQ(round_trip(u).flags, kRemoveDir);
}

TEST_F(CodecRoundTrip, Statfs) {
  Message r = with(MessageType::kRstatfs);
  r.statfs = {0x74726163, 4096, 1, 2, 3, 4, 5, 6, 255};
  EXPECT_EQ(round_trip(r).statfs, r.statfs);
}

TEST_F(CodecRoundTrip, Lerror) {
  Message out = round_trip(make_error(3, Errno::kInval));
  EXPECT_EQ(out.ecode, 22u);
}

// Malformed frames: each built from a valid one, then damaged.
class CodecRejects : public testing::Test {
 protected:
  std::vector<u8> encoded(const Message& m) {
    std::vector<u8> wire(4096);
    auto size = encode(m, {wire.data(), wire.size()});
    wire.resize(size.value());
    return wire;
  }
  static void set_size(std::vector<u8>& wire, u32 size) {
    for (int i = 0; i < 4; ++i) wire[i] = static_cast<u8>(size >> (8 * i));
  }
  Errno decode_error(const std::vector<u8>& wire) {
    Message out;
    return decode({wire.data(), wire.size()}, out).error();
  }
  Message walk() {
    Message m;
    m.type = MessageType::kTwalk;
    m.tag = 1;
    m.fid = 1;
    m.newfid = 2;
    m.nwname = 1;
    m.wnames[0] = "trace";
    return m;
  }
};

TEST_F(CodecRejects, FrameShorterThanHeader) {
  std::vector<u8> wire = {6, 0, 0, 0, 100, 0};
  EXPECT_EQ(decode_error(wire), Errno::kProto);
}

TEST_F(CodecRejects, SizePrefixDisagreeingWithBuffer) {
  auto wire = encoded(walk());
  set_size(wire, static_cast<u32>(wire.size() + 1));
  EXPECT_EQ(decode_error(wire), Errno::kProto);
}

TEST_F(CodecRejects, TruncatedString) {
  auto wire = encoded(walk());
  wire.pop_back();
  set_size(wire, static_cast<u32>(wire.size()));
  EXPECT_EQ(decode_error(wire), Errno::kProto);
}

TEST_F(CodecRejects, TrailingBytes) {
  auto wire = encoded(walk());
  wire.push_back(0);
  set_size(wire, static_cast<u32>(wire.size()));
  EXPECT_EQ(decode_error(wire), Errno::kProto);
}

TEST_F(CodecRejects, WalkWithSeventeenNames) {
  Message m = walk();
  m.nwname = 0;
  auto wire = encoded(m);
  wire[wire.size() - 2] = 17;
  for (int i = 0; i < 17; ++i) wire.insert(wire.end(), {1, 0, 'x'});
  set_size(wire, static_cast<u32>(wire.size()));
  EXPECT_EQ(decode_error(wire), Errno::kProto);
}

TEST_F(CodecRejects, RwalkWithSeventeenQids) {
  Message m;
  m.type = MessageType::kRwalk;
  auto wire = encoded(m);
  wire[wire.size() - 2] = 17;
  wire.resize(wire.size() + 17 * kQidSize);
  set_size(wire, static_cast<u32>(wire.size()));
  EXPECT_EQ(decode_error(wire), Errno::kProto);
}

TEST_F(CodecRejects, WriteCountBeyondTheFrame) {
  const u8 payload[] = {'x'};
  Message m;
  m.type = MessageType::kTwrite;
  m.data = payload;
  auto wire = encoded(m);
  wire[wire.size() - 5] = 2;  // count says 2, one byte follows
  EXPECT_EQ(decode_error(wire), Errno::kProto);
}

TEST_F(CodecRejects, HugeCountDoesNotWrapAround) {
  Message m;
  m.type = MessageType::kRread;
  auto wire = encoded(m);
  for (usize i = wire.size() - 4; i < wire.size(); ++i) wire[i] = 0xff;
  EXPECT_EQ(decode_error(wire), Errno::kProto);
}

TEST_F(CodecRejects, UnknownTypeIsNotSupportedButKeepsTheTag) {
  std::vector<u8> wire = {7, 0, 0, 0, 26, 5, 0};  // Tsetattr header without body
  Message out;
  EXPECT_EQ(decode({wire.data(), wire.size()}, out).error(), Errno::kNotSup);
  EXPECT_EQ(out.tag, 5);
}

TEST(CodecEncode, TooSmallBufferIsEmsgsize) {
  Message m;
  m.type = MessageType::kTversion;
  m.version = kVersion9P2000L;
  u8 small[10];
  EXPECT_EQ(encode(m, small).error(), Errno::kMsgSize);
}

TEST(CodecEncode, WalkWithSeventeenNamesIsEinval) {
  Message m;
  m.type = MessageType::kTwalk;
  m.nwname = 17;
  u8 buffer[512];
  EXPECT_EQ(encode(m, buffer).error(), Errno::kInval);
}

TEST(CodecNames, NameTheMessage) {
  EXPECT_STREQ(message_name(MessageType::kTwalk), "Twalk");
  EXPECT_STREQ(message_name(MessageType::kRlerror), "Rlerror");
}

}  // namespace
}  // namespace tg::ninep
