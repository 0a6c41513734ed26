#pragma once
#include "support/Span.h"
#include "support/StringView.h"
#include "support/Types.h"

namespace tg::ninep {

// 9P2000.L message numbers (T = request, R = its reply). Only what tracegate speaks;
// anything else a client sends is answered with Rlerror(EOPNOTSUPP).
enum class MessageType : u8 {
  kRlerror = 7,
  kTstatfs = 8,
  kRstatfs = 9,
  kTlopen = 12,
  kRlopen = 13,
  kTlcreate = 14,
  kRlcreate = 15,
  kTgetattr = 24,
  kRgetattr = 25,
  kTreaddir = 40,
  kRreaddir = 41,
  kTmkdir = 72,
  kRmkdir = 73,
  kTunlinkat = 76,
  kRunlinkat = 77,
  kTversion = 100,
  kRversion = 101,
  kTauth = 102,
  kRauth = 103,
  kTattach = 104,
  kRattach = 105,
  kTflush = 108,
  kRflush = 109,
  kTwalk = 110,
  kRwalk = 111,
  kTread = 116,
  kRread = 117,
  kTwrite = 118,
  kRwrite = 119,
  kTclunk = 120,
  kRclunk = 121,
};

inline constexpr u32 kNoFid = ~u32{0};
inline constexpr u16 kNoTag = 0xffff;
// size[4] type[1] tag[2]: the smallest legal frame.
inline constexpr u32 kHeaderSize = 7;
// Twalk and Rwalk carry at most this many names / qids (the protocol's MAXWELEM).
inline constexpr u16 kMaxWalkNames = 16;
// Rread / Rreaddir: size[4] type[1] tag[2] count[4]. A read's count must leave room for it.
inline constexpr u32 kReadOverhead = 11;
// Twrite: header + fid[4] offset[8] count[4].
inline constexpr u32 kWriteOverhead = 23;
inline constexpr StringView kVersion9P2000L = "9P2000.L";

// Qid.type bits.
inline constexpr u8 kQidDir = 0x80;
inline constexpr u8 kQidFile = 0x00;

// Tlopen / Tlcreate flags: Linux's open(2) values, which 9P2000.L carries unchanged.
inline constexpr u32 kOpenReadOnly = 0;
inline constexpr u32 kOpenWriteOnly = 1;
inline constexpr u32 kOpenReadWrite = 2;
inline constexpr u32 kOpenAccessMask = 3;
inline constexpr u32 kOpenTruncate = 01000;
inline constexpr u32 kOpenAppend = 02000;
inline constexpr u32 kOpenNonBlock = 04000;
inline constexpr u32 kOpenDirectory = 0200000;

// Tunlinkat flags: AT_REMOVEDIR.
inline constexpr u32 kRemoveDir = 0x200;

// Tgetattr request_mask / Rgetattr valid bits.
inline constexpr u64 kGetattrMode = 0x1;
inline constexpr u64 kGetattrNlink = 0x2;
inline constexpr u64 kGetattrSize = 0x200;
inline constexpr u64 kGetattrBasic = 0x7ff;

// Dirent type: the DT_* values of readdir(3).
inline constexpr u8 kDirentDir = 4;
inline constexpr u8 kDirentFile = 8;

// File mode type bits (S_IFDIR, S_IFREG) as Rgetattr reports them.
inline constexpr u32 kModeDir = 0040000;
inline constexpr u32 kModeFile = 0100000;

struct Qid {
  u8 type = 0;
  u32 version = 0;
  u64 path = 0;
  bool operator==(const Qid&) const = default;
};
inline constexpr u32 kQidSize = 13;

struct Attr {
  u64 valid = 0;
  Qid qid;
  u32 mode = 0;
  u32 uid = 0;
  u32 gid = 0;
  u64 nlink = 0;
  u64 rdev = 0;
  u64 size = 0;
  u64 blksize = 0;
  u64 blocks = 0;
  u64 atime_sec = 0, atime_nsec = 0;
  u64 mtime_sec = 0, mtime_nsec = 0;
  u64 ctime_sec = 0, ctime_nsec = 0;
  u64 btime_sec = 0, btime_nsec = 0;
  u64 gen = 0;
  u64 data_version = 0;
  bool operator==(const Attr&) const = default;
};

struct StatFs {
  u32 type = 0;
  u32 bsize = 0;
  u64 blocks = 0;
  u64 bfree = 0;
  u64 bavail = 0;
  u64 files = 0;
  u64 ffree = 0;
  u64 fsid = 0;
  u32 namelen = 0;
  bool operator==(const StatFs&) const = default;
};

// One decoded (or to-be-encoded) message. A flat record rather than one type per message:
// the codec's field table says which members a given type carries. Strings and data are
// views into the frame they were decoded from, so decoding never allocates.
struct Message {
  MessageType type = MessageType::kRlerror;
  u16 tag = kNoTag;

  u32 fid = kNoFid;  // also Tmkdir's dfid and Tunlinkat's dirfd
  u32 newfid = kNoFid;
  u32 afid = kNoFid;
  u32 msize = 0;
  StringView version;
  StringView uname;
  StringView aname;
  u32 n_uname = kNoFid;
  StringView name;
  Qid qid;
  u32 iounit = 0;
  u32 flags = 0;
  u32 mode = 0;
  u32 gid = 0;
  u64 offset = 0;
  u32 count = 0;
  Bytes data;  // Rread, Twrite, Rreaddir (dirents)
  u16 oldtag = kNoTag;
  u32 ecode = 0;
  u64 request_mask = 0;
  Attr attr;
  StatFs statfs;
  u16 nwname = 0;
  StringView wnames[kMaxWalkNames];
  u16 nwqid = 0;
  Qid wqids[kMaxWalkNames];
};

// A directory entry inside Rreaddir's data.
struct Dirent {
  Qid qid;
  u64 offset = 0;  // the offset a Treaddir continues from after this entry
  u8 type = 0;
  StringView name;
};

}  // namespace tg::ninep
