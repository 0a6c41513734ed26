#include <gtest/gtest.h>

#include <vector>

#include "ninep/Dirent.h"

namespace tg::ninep {
namespace {

TEST(Dirent, EntriesRoundTripInOrder) {
  std::vector<u8> buffer(256);
  usize used = 0;
  used = encode_dirent({{kQidDir, 0, 1}, 1, kDirentDir, "events"}, {buffer.data(), buffer.size()},
                       used)
             .value();
  used = encode_dirent({{kQidFile, 0, 2}, 2, kDirentFile, "trace"}, {buffer.data(), buffer.size()},
                       used)
             .value();
  DirentReader reader({buffer.data(), used});
  Dirent entry;
  ASSERT_TRUE(reader.next(entry));
  EXPECT_TRUE(entry.name == "events");
  EXPECT_EQ(entry.type, kDirentDir);
  EXPECT_EQ(entry.qid.type, kQidDir);
  ASSERT_TRUE(reader.next(entry));
  EXPECT_TRUE(entry.name == "trace");
  EXPECT_EQ(entry.offset, 2u);
  EXPECT_FALSE(reader.next(entry));
  EXPECT_FALSE(reader.malformed());
}

TEST(Dirent, EntryThatDoesNotFitIsEmsgsize) {
  u8 buffer[20];
  Dirent entry{{kQidFile, 0, 2}, 1, kDirentFile, "trace"};
  EXPECT_EQ(encode_dirent(entry, buffer, 0).error(), Errno::kMsgSize);
  EXPECT_EQ(dirent_size(entry), 29u);
}

TEST(Dirent, TruncatedEntryIsMalformed) {
  std::vector<u8> buffer(64);
  usize used =
      encode_dirent({{}, 1, kDirentFile, "trace"}, {buffer.data(), buffer.size()}, 0).value();
  DirentReader reader({buffer.data(), used - 1});
  Dirent entry;
  EXPECT_FALSE(reader.next(entry));
  EXPECT_TRUE(reader.malformed());
}

}  // namespace
}  // namespace tg::ninep
