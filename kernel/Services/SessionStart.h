#pragma once

#include "Lib/Result.h"
#include "Lib/Types.h"

// Finds where a 9P session starts in a stream that may begin with leftovers: bytes an old
// host connection sent just before closing can reach the guest after the next connection
// opened (the device reports data and open/close events on separate queues). Every client
// starts with Tversion (`size[4] 100 tag[2] msize[4] len[2] "9P..."`, size = 13 + len),
// so until one is seen the bytes before it are dropped; from it on, everything passes.
class SessionStart {
 public:
  // Bytes that reach the session; an error when the session gave up on the stream (then
  // the search starts over).
  using Deliver = klib::Status (*)(const u8* bytes, size_t length);

  explicit SessionStart(u32 max_msize) : max_msize_(max_msize) {}
  void reset() {
    started_ = false;
    carried_ = 0;
  }
  bool started() const { return started_; }
  // The error `deliver` gave up with (the rest of `bytes` is dropped), or success.
  klib::Status feed(const u8* bytes, size_t length, Deliver deliver);

 private:
  enum class Match { kNo, kMaybe, kYes };
  static constexpr size_t kCarry = 64;  // more than a Tversion header needs to be told apart
  static constexpr size_t kHeader = 15;

  Match match_version(const u8* bytes, size_t length) const;

  u32 max_msize_;
  bool started_ = false;
  u8 carry_[kCarry] = {};
  size_t carried_ = 0;
};
