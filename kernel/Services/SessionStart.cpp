#include "Services/SessionStart.h"

#include "Lib/String.h"

namespace {
constexpr u8 kTversion = 100;

u32 le32(const u8* p) {
  return p[0] | p[1] << 8 | p[2] << 16 | static_cast<u32>(p[3]) << 24;
}
}  // namespace

// Checks as much of a Tversion header as `length` bytes allow.
SessionStart::Match SessionStart::match_version(const u8* bytes, size_t length) const {
  if (length >= 4) {
    u32 size = le32(bytes);
    if (size < kHeader || size > max_msize_) return Match::kNo;
    if (length >= 13 && size != 13u + (bytes[11] | bytes[12] << 8)) return Match::kNo;
  }
  if (length >= 5 && bytes[4] != kTversion) return Match::kNo;
  if (length >= 14 && bytes[13] != '9') return Match::kNo;
  if (length >= 15 && bytes[14] != 'P') return Match::kNo;
  return length >= kHeader ? Match::kYes : Match::kMaybe;
}

klib::Status SessionStart::feed(const u8* bytes, size_t length, Deliver deliver) {
  while (!started_ && length) {
    size_t take = min(length, kCarry - carried_);
    memcpy(carry_ + carried_, bytes, take);
    carried_ += take;
    bytes += take;
    length -= take;
    size_t at = 0;
    Match match = Match::kNo;
    for (; at < carried_; ++at) {
      match = match_version(carry_ + at, carried_ - at);
      if (match != Match::kNo) break;
    }
    if (match == Match::kYes) {
      started_ = true;
      size_t carried = carried_;
      carried_ = 0;
      klib::Status delivered = deliver(carry_ + at, carried - at);
      if (!delivered.ok()) {
        started_ = false;
        return delivered;
      }
      break;
    }
    // Keep only what may still begin a Tversion.
    memmove(carry_, carry_ + at, carried_ - at);
    carried_ -= at;
  }
  if (!started_ || !length) return {};
  klib::Status delivered = deliver(bytes, length);
  if (!delivered.ok()) started_ = false;
  return delivered;
}
