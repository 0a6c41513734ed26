#include "ninep/FrameSplitter.h"

#include "ninep/Codec.h"

namespace tg::ninep {

Status FrameSplitter::reset(u32 max_frame) {
  buffer_.clear();
  TRY(buffer_.reserve(max_frame));
  for (u32 i = 0; i < max_frame; ++i) TRY(buffer_.append(0));
  max_frame_ = max_frame;
  discard();
  return {};
}

void FrameSplitter::limit(u32 max_frame) {
  max_frame_ = min<u32>(max_frame, static_cast<u32>(buffer_.size()));
}

void FrameSplitter::discard() {
  have_ = expected_ = 0;
}

Result<usize> FrameSplitter::take(Bytes input) {
  if (frame_ready() || max_frame_ < kHeaderSize) return Errno::kProto;
  usize used = 0;
  if (have_ < 4) {
    usize n = min<usize>(4 - have_, input.size());
    memcpy(buffer_.data() + have_, input.data(), n);
    have_ += n;
    used = n;
    if (have_ < 4) return used;
    u32 size = frame_size(frame());
    if (size < kHeaderSize || size > max_frame_) return Errno::kProto;
    expected_ = size;
  }
  usize n = min<usize>(expected_ - have_, input.size() - used);
  memcpy(buffer_.data() + have_, input.data() + used, n);
  have_ += n;
  return used + n;
}

}  // namespace tg::ninep
