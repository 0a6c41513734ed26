#include "RawPageBuilder.h"

namespace tracegate::tracedat::test {

void RawPageBuilder::u32(uint32_t v) {
  for (int i = 0; i < 4; ++i) data_.push_back(static_cast<char>(v >> (8 * i)));
}

void RawPageBuilder::u64(uint64_t v) {
  u32(static_cast<uint32_t>(v));
  u32(static_cast<uint32_t>(v >> 32));
}

void RawPageBuilder::header(uint32_t type_len, uint64_t delta) {
  u32(type_len | static_cast<uint32_t>(delta << 5));
}

RawPageBuilder& RawPageBuilder::function(uint64_t time, int32_t pid, uint64_t ip,
                                         uint64_t parent_ip) {
  uint64_t delta = time - last_;
  last_ = time;
  if (delta >= (uint64_t{1} << 27)) {
    header(30, delta & ((1u << 27) - 1));  // time extend: the upper bits in the next word
    u32(static_cast<uint32_t>(delta >> 27));
    delta = 0;
  }
  header(24 / 4, delta);
  u32(kFunctionId | (uint32_t{0x01} << 16));  // common_type, common_flags (irqs off), preempt 0
  u32(static_cast<uint32_t>(pid));
  u64(ip);
  u64(parent_ip);
  return *this;
}

RawPageBuilder& RawPageBuilder::lost(uint64_t count) {
  lost_ = count;
  return *this;
}

std::string RawPageBuilder::page() const {
  std::string page;
  auto put = [&page](uint64_t v) {
    for (int i = 0; i < 8; ++i) page.push_back(static_cast<char>(v >> (8 * i)));
  };
  uint64_t commit = data_.size();
  if (lost_) commit |= (uint64_t{1} << 31) | (uint64_t{1} << 30);
  put(timestamp_);
  put(commit);
  page += data_;
  if (lost_) put(lost_);
  page.resize(page_size_, '\0');
  return page;
}

}  // namespace tracegate::tracedat::test
