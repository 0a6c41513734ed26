#pragma once
#include "support/Types.h"

namespace tg {

// A non-owning view of a contiguous array.
template <typename T>
class Span {
 public:
  constexpr Span() = default;
  constexpr Span(T* data, usize size) : data_(data), size_(size) {}
  template <usize N>
  constexpr Span(T (&array)[N]) : data_(array), size_(N) {}
  template <typename U>
  constexpr Span(Span<U> other) : data_(other.data()), size_(other.size()) {}

  constexpr T* data() const { return data_; }
  constexpr usize size() const { return size_; }
  constexpr bool empty() const { return size_ == 0; }
  constexpr T& operator[](usize i) const { return data_[i]; }
  constexpr T* begin() const { return data_; }
  constexpr T* end() const { return data_ + size_; }
  constexpr Span subspan(usize start, usize count = ~usize{0}) const {
    if (start > size_) start = size_;
    if (count > size_ - start) count = size_ - start;
    return {data_ + start, count};
  }

 private:
  T* data_ = nullptr;
  usize size_ = 0;
};

using Bytes = Span<const u8>;
using MutableBytes = Span<u8>;

}  // namespace tg
