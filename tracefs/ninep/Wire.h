#pragma once
#include "ninep/Message.h"
#include "support/Memory.h"
#include "support/Span.h"
#include "support/StringView.h"

namespace tg::ninep {

// Little-endian primitives over a bounded buffer. Both classes latch the first failure
// (overrun), so a message is read or written field after field and checked once at the end.
class WireReader {
 public:
  explicit WireReader(Bytes bytes) : bytes_(bytes) {}

  bool ok() const { return ok_; }
  usize remaining() const { return ok_ ? bytes_.size() - position_ : 0; }
  bool at_end() const { return ok_ && position_ == bytes_.size(); }

  u8 read_u8() { return static_cast<u8>(little_endian(1)); }
  u16 read_u16() { return static_cast<u16>(little_endian(2)); }
  u32 read_u32() { return static_cast<u32>(little_endian(4)); }
  u64 read_u64() { return little_endian(8); }
  // string: len[2] bytes[len]; a view into the buffer.
  StringView read_string() {
    u16 length = read_u16();
    Bytes raw = read_bytes(length);
    return {reinterpret_cast<const char*>(raw.data()), raw.size()};
  }
  Bytes read_bytes(usize count) {
    if (!ok_ || count > bytes_.size() - position_) {
      ok_ = false;
      return {};
    }
    Bytes view = bytes_.subspan(position_, count);
    position_ += count;
    return view;
  }
  Qid read_qid() {
    Qid q;
    q.type = read_u8();
    q.version = read_u32();
    q.path = read_u64();
    return q;
  }

 private:
  u64 little_endian(usize width) {
    Bytes raw = read_bytes(width);
    u64 value = 0;
    for (usize i = raw.size(); i > 0; --i) value = (value << 8) | raw[i - 1];
    return value;
  }

  Bytes bytes_;
  usize position_ = 0;
  bool ok_ = true;
};

class WireWriter {
 public:
  explicit WireWriter(MutableBytes out) : out_(out) {}

  bool ok() const { return ok_; }
  usize size() const { return position_; }
  MutableBytes buffer() const { return out_; }

  void put_u8(u8 v) { little_endian(v, 1); }
  void put_u16(u16 v) { little_endian(v, 2); }
  void put_u32(u32 v) { little_endian(v, 4); }
  void put_u64(u64 v) { little_endian(v, 8); }
  void put_string(StringView s) {
    if (s.size() > 0xffff) {
      ok_ = false;
      return;
    }
    put_u16(static_cast<u16>(s.size()));
    put_bytes({reinterpret_cast<const u8*>(s.data()), s.size()});
  }
  void put_bytes(Bytes b) {
    u8* where = reserve(b.size());
    if (where && b.size()) memcpy(where, b.data(), b.size());
  }
  void put_qid(const Qid& q) {
    put_u8(q.type);
    put_u32(q.version);
    put_u64(q.path);
  }
  // Space for `count` bytes the caller fills in place; nullptr when it does not fit.
  u8* reserve(usize count) {
    if (!ok_ || count > out_.size() - position_) {
      ok_ = false;
      return nullptr;
    }
    u8* where = out_.data() + position_;
    position_ += count;
    return where;
  }
  // Overwrites a u32 already written (the size prefix, a count).
  void patch_u32(usize at, u32 v) {
    for (usize i = 0; i < 4; ++i) out_[at + i] = static_cast<u8>(v >> (8 * i));
  }

 private:
  void little_endian(u64 value, usize width) {
    u8* where = reserve(width);
    if (!where) return;
    for (usize i = 0; i < width; ++i) where[i] = static_cast<u8>(value >> (8 * i));
  }

  MutableBytes out_;
  usize position_ = 0;
  bool ok_ = true;
};

}  // namespace tg::ninep
