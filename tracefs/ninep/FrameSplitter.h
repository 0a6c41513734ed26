#pragma once
#include "support/Result.h"
#include "support/Span.h"
#include "support/Vector.h"

namespace tg::ninep {

// Reassembles 9P frames from a byte stream that delivers them in arbitrary pieces (a
// virtio-serial port, a socket). It owns one buffer of the largest legal frame, allocated
// up front, so feeding bytes never allocates.
//
//   while (!input.empty()) {
//     usize used = TRY(splitter.take(input));
//     input = input.subspan(used);
//     if (splitter.frame_ready()) { handle(splitter.frame()); splitter.next(); }
//   }
class FrameSplitter {
 public:
  // Sizes the buffer; frames longer than max_frame (the negotiated msize) are rejected.
  Status reset(u32 max_frame);
  // Lowers (never raises beyond the buffer) the limit after Tversion has negotiated msize.
  void limit(u32 max_frame);
  // Drops a partial frame (the peer went away mid-message).
  void discard();

  // Copies bytes from `input` up to the end of the frame being assembled; returns how many
  // it took. EPROTO when the size prefix is below 7 or above the limit: the stream can not
  // be resynchronised and the connection must be reset.
  Result<usize> take(Bytes input);
  bool frame_ready() const { return have_ >= 4 && have_ == expected_; }
  // The complete frame, size prefix included; valid until next().
  Bytes frame() const { return {buffer_.data(), have_}; }
  void next() { have_ = expected_ = 0; }
  u32 max_frame() const { return max_frame_; }

 private:
  Vector<u8> buffer_;
  u32 max_frame_ = 0;
  usize have_ = 0;
  usize expected_ = 0;  // 0 until the size prefix has arrived
};

}  // namespace tg::ninep
