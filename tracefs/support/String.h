#pragma once
#include "support/Memory.h"
#include "support/Result.h"
#include "support/StringView.h"

namespace tg {

// An owned, growable byte string. Also the sink the text formatters append to, so the
// appends are cheap: amortised growth and memcpy.
class String {
 public:
  String() = default;
  String(String&& o) : data_(o.data_), size_(o.size_), capacity_(o.capacity_) {
    o.data_ = nullptr;
    o.size_ = o.capacity_ = 0;
  }
  String& operator=(String&& o) {
    if (this != &o) {
      deallocate(data_);
      data_ = o.data_;
      size_ = o.size_;
      capacity_ = o.capacity_;
      o.data_ = nullptr;
      o.size_ = o.capacity_ = 0;
    }
    return *this;
  }
  String(const String&) = delete;
  String& operator=(const String&) = delete;
  ~String() { deallocate(data_); }

  static Result<String> from(StringView text) {
    String s;
    TRY(s.append(text));
    return s;
  }

  StringView view() const { return {data_, size_}; }
  operator StringView() const { return view(); }
  usize size() const { return size_; }
  bool empty() const { return size_ == 0; }
  char* data() { return data_; }
  const char* data() const { return data_; }
  void clear() { size_ = 0; }
  bool operator==(StringView other) const { return view() == other; }

  Status reserve(usize capacity) {
    if (capacity <= capacity_) return {};
    usize grown = capacity_ * 2 > capacity ? capacity_ * 2 : capacity;
    char* fresh = static_cast<char*>(allocate(grown, 16));
    if (!fresh) return Errno::kNoMem;
    if (size_) memcpy(fresh, data_, size_);
    deallocate(data_);
    data_ = fresh;
    capacity_ = grown;
    return {};
  }
  // Makes the string `n` (> 0) bytes longer and returns where they go (the caller fills
  // them), or nullptr when out of memory: lets a formatter write digits and padding in place.
  char* extend(usize n) {
    if (size_ + n > capacity_ && !reserve(size_ + n < 64 ? 64 : size_ + n).ok()) return nullptr;
    char* at = data_ + size_;
    size_ += n;
    return at;
  }
  Status append(StringView text) {
    if (text.empty()) return {};
    char* at = extend(text.size());
    if (!at) return Errno::kNoMem;
    memcpy(at, text.data(), text.size());
    return {};
  }
  Status append(char c) { return append(StringView(&c, 1)); }
  void truncate(usize n) {
    if (n < size_) size_ = n;
  }
  // Removes the first n bytes (what a reader has consumed).
  void drop_front(usize n) {
    if (n >= size_) {
      size_ = 0;
      return;
    }
    memmove(data_, data_ + n, size_ - n);
    size_ -= n;
  }

 private:
  char* data_ = nullptr;
  usize size_ = 0;
  usize capacity_ = 0;
};

}  // namespace tg
