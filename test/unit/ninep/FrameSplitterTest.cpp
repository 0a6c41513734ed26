#include <gtest/gtest.h>

#include <vector>

#include "ninep/Codec.h"
#include "ninep/FrameSplitter.h"

namespace tg::ninep {
namespace {

class FrameSplitterTest : public testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(splitter_.reset(256).ok()); }
  static std::vector<u8> clunk(u16 tag) {
    Message m;
    m.type = MessageType::kTclunk;
    m.tag = tag;
    m.fid = tag;
    std::vector<u8> wire(64);
    wire.resize(encode(m, {wire.data(), wire.size()}).value());
    return wire;
  }
  // Feeds `stream` in pieces of `chunk` bytes; returns the tags of the frames that came out.
  std::vector<u16> feed(const std::vector<u8>& stream, usize chunk) {
    std::vector<u16> tags;
    for (usize at = 0; at < stream.size(); at += chunk) {
      Bytes input{stream.data() + at, std::min(chunk, stream.size() - at)};
      while (!input.empty()) {
        auto used = splitter_.take(input);
        EXPECT_TRUE(used.ok());
        if (!used.ok()) return tags;
        input = input.subspan(used.value());
        if (splitter_.frame_ready()) {
          Message m;
          EXPECT_TRUE(decode(splitter_.frame(), m).ok());
          tags.push_back(m.tag);
          splitter_.next();
        }
      }
    }
    return tags;
  }
  FrameSplitter splitter_;
};

TEST_F(FrameSplitterTest, FramesArrivingByteByByteAreReassembled) {
  auto stream = clunk(1);
  auto second = clunk(2);
  stream.insert(stream.end(), second.begin(), second.end());
  EXPECT_EQ(feed(stream, 1), (std::vector<u16>{1, 2}));
}

TEST_F(FrameSplitterTest, SeveralFramesInOneChunkAreSplit) {
  std::vector<u8> stream;
  for (u16 tag = 0; tag < 5; ++tag) {
    auto frame = clunk(tag);
    stream.insert(stream.end(), frame.begin(), frame.end());
  }
  EXPECT_EQ(feed(stream, stream.size()), (std::vector<u16>{0, 1, 2, 3, 4}));
}

TEST_F(FrameSplitterTest, OddChunkSizesAcrossFrameBoundaries) {
  std::vector<u8> stream;
  for (u16 tag = 0; tag < 7; ++tag) {
    auto frame = clunk(tag);
    stream.insert(stream.end(), frame.begin(), frame.end());
  }
  EXPECT_EQ(feed(stream, 5).size(), 7u);
}

TEST_F(FrameSplitterTest, SizeBelowHeaderIsProtocolError) {
  const u8 bad[] = {6, 0, 0, 0};
  EXPECT_EQ(splitter_.take(bad).error(), Errno::kProto);
}

TEST_F(FrameSplitterTest, SizeAboveMsizeIsProtocolError) {
  const u8 bad[] = {0x01, 0x01, 0, 0, 120};
  EXPECT_EQ(splitter_.take(bad).error(), Errno::kProto);
}

TEST_F(FrameSplitterTest, LimitLowersTheMaximum) {
  splitter_.limit(16);
  const u8 bad[] = {17, 0, 0, 0};
  EXPECT_EQ(splitter_.take(bad).error(), Errno::kProto);
}

TEST_F(FrameSplitterTest, DiscardDropsAPartialFrame) {
  auto frame = clunk(9);
  EXPECT_EQ(splitter_.take({frame.data(), 6}).value(), 6u);
  splitter_.discard();
  EXPECT_EQ(feed(clunk(3), 64), (std::vector<u16>{3}));
}

}  // namespace
}  // namespace tg::ninep
