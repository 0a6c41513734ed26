#include "ninep/Codec.h"

#include "ninep/Wire.h"

namespace tg::ninep {
namespace {

// The wire fields a message body is made of, in order. One table row per message type is
// the single description both directions use.
enum class Field : u8 {
  kEnd,
  kFid,
  kNewFid,
  kAfid,
  kMsize,
  kVersion,
  kUname,
  kAname,
  kNUname,
  kName,
  kQid,
  kIounit,
  kFlags,
  kMode,
  kGid,
  kOffset,
  kCount,
  kData,  // count[4] data[count]
  kOldTag,
  kEcode,
  kRequestMask,
  kAttr,
  kStatFs,
  kWalkNames,  // nwname[2] nwname*(wname[s])
  kWalkQids,   // nwqid[2] nwqid*(qid[13])
};

constexpr usize kMaxFields = 6;

struct MessageLayout {
  MessageType type;
  const char* name;
  Field fields[kMaxFields];
};

using F = Field;
constexpr MessageLayout kLayouts[] = {
    {MessageType::kRlerror, "Rlerror", {F::kEcode}},
    {MessageType::kTstatfs, "Tstatfs", {F::kFid}},
    {MessageType::kRstatfs, "Rstatfs", {F::kStatFs}},
    {MessageType::kTlopen, "Tlopen", {F::kFid, F::kFlags}},
    {MessageType::kRlopen, "Rlopen", {F::kQid, F::kIounit}},
    {MessageType::kTlcreate, "Tlcreate", {F::kFid, F::kName, F::kFlags, F::kMode, F::kGid}},
    {MessageType::kRlcreate, "Rlcreate", {F::kQid, F::kIounit}},
    {MessageType::kTgetattr, "Tgetattr", {F::kFid, F::kRequestMask}},
    {MessageType::kRgetattr, "Rgetattr", {F::kAttr}},
    {MessageType::kTreaddir, "Treaddir", {F::kFid, F::kOffset, F::kCount}},
    {MessageType::kRreaddir, "Rreaddir", {F::kData}},
    {MessageType::kTmkdir, "Tmkdir", {F::kFid, F::kName, F::kMode, F::kGid}},
    {MessageType::kRmkdir, "Rmkdir", {F::kQid}},
    {MessageType::kTunlinkat, "Tunlinkat", {F::kFid, F::kName, F::kFlags}},
    {MessageType::kRunlinkat, "Runlinkat", {}},
    {MessageType::kTversion, "Tversion", {F::kMsize, F::kVersion}},
    {MessageType::kRversion, "Rversion", {F::kMsize, F::kVersion}},
    {MessageType::kTauth, "Tauth", {F::kAfid, F::kUname, F::kAname, F::kNUname}},
    {MessageType::kRauth, "Rauth", {F::kQid}},
    {MessageType::kTattach, "Tattach", {F::kFid, F::kAfid, F::kUname, F::kAname, F::kNUname}},
    {MessageType::kRattach, "Rattach", {F::kQid}},
    {MessageType::kTflush, "Tflush", {F::kOldTag}},
    {MessageType::kRflush, "Rflush", {}},
    {MessageType::kTwalk, "Twalk", {F::kFid, F::kNewFid, F::kWalkNames}},
    {MessageType::kRwalk, "Rwalk", {F::kWalkQids}},
    {MessageType::kTread, "Tread", {F::kFid, F::kOffset, F::kCount}},
    {MessageType::kRread, "Rread", {F::kData}},
    {MessageType::kTwrite, "Twrite", {F::kFid, F::kOffset, F::kData}},
    {MessageType::kRwrite, "Rwrite", {F::kCount}},
    {MessageType::kTclunk, "Tclunk", {F::kFid}},
    {MessageType::kRclunk, "Rclunk", {}},
};

const MessageLayout* layout_of(MessageType type) {
  for (const auto& layout : kLayouts)
    if (layout.type == type) return &layout;
  return nullptr;
}

void read_attr(WireReader& in, Attr& a) {
  a.valid = in.read_u64();
  a.qid = in.read_qid();
  a.mode = in.read_u32();
  a.uid = in.read_u32();
  a.gid = in.read_u32();
  u64* wide[] = {&a.nlink,      &a.rdev,       &a.size,       &a.blksize,    &a.blocks,
                 &a.atime_sec,  &a.atime_nsec, &a.mtime_sec,  &a.mtime_nsec, &a.ctime_sec,
                 &a.ctime_nsec, &a.btime_sec,  &a.btime_nsec, &a.gen,        &a.data_version};
  for (u64* field : wide) *field = in.read_u64();
}

void write_attr(WireWriter& out, const Attr& a) {
  out.put_u64(a.valid);
  out.put_qid(a.qid);
  out.put_u32(a.mode);
  out.put_u32(a.uid);
  out.put_u32(a.gid);
  const u64 wide[] = {a.nlink,      a.rdev,       a.size,       a.blksize,    a.blocks,
                      a.atime_sec,  a.atime_nsec, a.mtime_sec,  a.mtime_nsec, a.ctime_sec,
                      a.ctime_nsec, a.btime_sec,  a.btime_nsec, a.gen,        a.data_version};
  for (u64 field : wide) out.put_u64(field);
}

void read_statfs(WireReader& in, StatFs& s) {
  s.type = in.read_u32();
  s.bsize = in.read_u32();
  u64* wide[] = {&s.blocks, &s.bfree, &s.bavail, &s.files, &s.ffree, &s.fsid};
  for (u64* field : wide) *field = in.read_u64();
  s.namelen = in.read_u32();
}

void write_statfs(WireWriter& out, const StatFs& s) {
  out.put_u32(s.type);
  out.put_u32(s.bsize);
  const u64 wide[] = {s.blocks, s.bfree, s.bavail, s.files, s.ffree, s.fsid};
  for (u64 field : wide) out.put_u64(field);
  out.put_u32(s.namelen);
}

// False when the field is structurally invalid beyond a plain overrun (walk > 16 elements).
bool read_field(WireReader& in, Field field, Message& m) {
  switch (field) {
    case F::kEnd:
      return true;
    case F::kFid:
      m.fid = in.read_u32();
      return true;
    case F::kNewFid:
      m.newfid = in.read_u32();
      return true;
    case F::kAfid:
      m.afid = in.read_u32();
      return true;
    case F::kMsize:
      m.msize = in.read_u32();
      return true;
    case F::kVersion:
      m.version = in.read_string();
      return true;
    case F::kUname:
      m.uname = in.read_string();
      return true;
    case F::kAname:
      m.aname = in.read_string();
      return true;
    case F::kNUname:
      m.n_uname = in.read_u32();
      return true;
    case F::kName:
      m.name = in.read_string();
      return true;
    case F::kQid:
      m.qid = in.read_qid();
      return true;
    case F::kIounit:
      m.iounit = in.read_u32();
      return true;
    case F::kFlags:
      m.flags = in.read_u32();
      return true;
    case F::kMode:
      m.mode = in.read_u32();
      return true;
    case F::kGid:
      m.gid = in.read_u32();
      return true;
    case F::kOffset:
      m.offset = in.read_u64();
      return true;
    case F::kCount:
      m.count = in.read_u32();
      return true;
    case F::kData:
      m.count = in.read_u32();
      m.data = in.read_bytes(m.count);
      return true;
    case F::kOldTag:
      m.oldtag = in.read_u16();
      return true;
    case F::kEcode:
      m.ecode = in.read_u32();
      return true;
    case F::kRequestMask:
      m.request_mask = in.read_u64();
      return true;
    case F::kAttr:
      read_attr(in, m.attr);
      return true;
    case F::kStatFs:
      read_statfs(in, m.statfs);
      return true;
    case F::kWalkNames:
      m.nwname = in.read_u16();
      if (m.nwname > kMaxWalkNames) return false;
      for (u16 i = 0; i < m.nwname; ++i) m.wnames[i] = in.read_string();
      return true;
    case F::kWalkQids:
      m.nwqid = in.read_u16();
      if (m.nwqid > kMaxWalkNames) return false;
      for (u16 i = 0; i < m.nwqid; ++i) m.wqids[i] = in.read_qid();
      return true;
  }
  return false;
}

bool write_field(WireWriter& out, Field field, const Message& m) {
  switch (field) {
    case F::kEnd:
      return true;
    case F::kFid:
      out.put_u32(m.fid);
      return true;
    case F::kNewFid:
      out.put_u32(m.newfid);
      return true;
    case F::kAfid:
      out.put_u32(m.afid);
      return true;
    case F::kMsize:
      out.put_u32(m.msize);
      return true;
    case F::kVersion:
      out.put_string(m.version);
      return true;
    case F::kUname:
      out.put_string(m.uname);
      return true;
    case F::kAname:
      out.put_string(m.aname);
      return true;
    case F::kNUname:
      out.put_u32(m.n_uname);
      return true;
    case F::kName:
      out.put_string(m.name);
      return true;
    case F::kQid:
      out.put_qid(m.qid);
      return true;
    case F::kIounit:
      out.put_u32(m.iounit);
      return true;
    case F::kFlags:
      out.put_u32(m.flags);
      return true;
    case F::kMode:
      out.put_u32(m.mode);
      return true;
    case F::kGid:
      out.put_u32(m.gid);
      return true;
    case F::kOffset:
      out.put_u64(m.offset);
      return true;
    case F::kCount:
      out.put_u32(m.count);
      return true;
    case F::kData:
      out.put_u32(static_cast<u32>(m.data.size()));
      out.put_bytes(m.data);
      return true;
    case F::kOldTag:
      out.put_u16(m.oldtag);
      return true;
    case F::kEcode:
      out.put_u32(m.ecode);
      return true;
    case F::kRequestMask:
      out.put_u64(m.request_mask);
      return true;
    case F::kAttr:
      write_attr(out, m.attr);
      return true;
    case F::kStatFs:
      write_statfs(out, m.statfs);
      return true;
    case F::kWalkNames:
      if (m.nwname > kMaxWalkNames) return false;
      out.put_u16(m.nwname);
      for (u16 i = 0; i < m.nwname; ++i) out.put_string(m.wnames[i]);
      return true;
    case F::kWalkQids:
      if (m.nwqid > kMaxWalkNames) return false;
      out.put_u16(m.nwqid);
      for (u16 i = 0; i < m.nwqid; ++i) out.put_qid(m.wqids[i]);
      return true;
  }
  return false;
}

constexpr usize kStringOverhead = 2;
constexpr usize kAttrSize = 8 + kQidSize + 3 * 4 + 15 * 8;
constexpr usize kStatFsSize = 4 + 4 + 6 * 8 + 4;

usize field_size(Field field, const Message& m) {
  switch (field) {
    case F::kEnd:
      return 0;
    case F::kOldTag:
      return 2;
    case F::kOffset:
    case F::kRequestMask:
      return 8;
    case F::kVersion:
      return kStringOverhead + m.version.size();
    case F::kUname:
      return kStringOverhead + m.uname.size();
    case F::kAname:
      return kStringOverhead + m.aname.size();
    case F::kName:
      return kStringOverhead + m.name.size();
    case F::kQid:
      return kQidSize;
    case F::kData:
      return 4 + m.data.size();
    case F::kAttr:
      return kAttrSize;
    case F::kStatFs:
      return kStatFsSize;
    case F::kWalkNames: {
      usize total = 2;
      for (u16 i = 0; i < m.nwname && i < kMaxWalkNames; ++i)
        total += kStringOverhead + m.wnames[i].size();
      return total;
    }
    case F::kWalkQids:
      return 2 + usize{m.nwqid} * kQidSize;
    default:
      return 4;
  }
}

}  // namespace

u32 frame_size(Bytes header) {
  return u32{header[0]} | u32{header[1]} << 8 | u32{header[2]} << 16 | u32{header[3]} << 24;
}

Status decode(Bytes frame, Message& out) {
  if (frame.size() < kHeaderSize || frame_size(frame) != frame.size()) return Errno::kProto;
  WireReader in(frame);
  in.read_u32();
  out.type = static_cast<MessageType>(in.read_u8());
  out.tag = in.read_u16();
  const MessageLayout* layout = layout_of(out.type);
  if (!layout) return Errno::kNotSup;
  for (Field field : layout->fields)
    if (!read_field(in, field, out)) return Errno::kProto;
  if (!in.at_end()) return Errno::kProto;
  return {};
}

usize encoded_size(const Message& message) {
  const MessageLayout* layout = layout_of(message.type);
  if (!layout) return 0;
  usize total = kHeaderSize;
  for (Field field : layout->fields) total += field_size(field, message);
  return total;
}

Result<usize> encode(const Message& message, MutableBytes out) {
  const MessageLayout* layout = layout_of(message.type);
  if (!layout) return Errno::kInval;
  WireWriter writer(out);
  writer.put_u32(0);
  writer.put_u8(static_cast<u8>(message.type));
  writer.put_u16(message.tag);
  for (Field field : layout->fields)
    if (!write_field(writer, field, message)) return Errno::kInval;
  if (!writer.ok() || writer.size() > 0xffffffffu) return Errno::kMsgSize;
  writer.patch_u32(0, static_cast<u32>(writer.size()));
  return writer.size();
}

const char* message_name(MessageType type) {
  const MessageLayout* layout = layout_of(type);
  return layout ? layout->name : "unknown";
}

Message make_error(u16 tag, Errno error) {
  Message m;
  m.type = MessageType::kRlerror;
  m.tag = tag;
  m.ecode = static_cast<u32>(error);
  return m;
}

}  // namespace tg::ninep
