#pragma once
#include "support/Types.h"

namespace tg {

// A non-owning view of bytes that are text. Never NUL-terminated by contract.
class StringView {
 public:
  constexpr StringView() = default;
  constexpr StringView(const char* data, usize size) : data_(data), size_(size) {}
  constexpr StringView(const char* cstring) : data_(cstring), size_(length_of(cstring)) {}

  constexpr const char* data() const { return data_; }
  constexpr usize size() const { return size_; }
  constexpr bool empty() const { return size_ == 0; }
  constexpr char operator[](usize i) const { return data_[i]; }
  constexpr const char* begin() const { return data_; }
  constexpr const char* end() const { return data_ + size_; }
  constexpr char front() const { return data_[0]; }
  constexpr char back() const { return data_[size_ - 1]; }

  constexpr StringView substr(usize start, usize count = ~usize{0}) const {
    if (start > size_) start = size_;
    if (count > size_ - start) count = size_ - start;
    return {data_ + start, count};
  }
  constexpr StringView drop_front(usize n) const { return substr(n); }
  constexpr StringView drop_back(usize n) const { return substr(0, n > size_ ? 0 : size_ - n); }

  constexpr bool operator==(StringView other) const {
    if (size_ != other.size_) return false;
    for (usize i = 0; i < size_; ++i)
      if (data_[i] != other.data_[i]) return false;
    return true;
  }
  constexpr bool starts_with(StringView prefix) const {
    return prefix.size_ <= size_ && substr(0, prefix.size_) == prefix;
  }
  constexpr bool ends_with(StringView suffix) const {
    return suffix.size_ <= size_ && substr(size_ - suffix.size_) == suffix;
  }
  static constexpr usize npos = ~usize{0};
  constexpr usize find(char c, usize from = 0) const {
    for (usize i = from; i < size_; ++i)
      if (data_[i] == c) return i;
    return npos;
  }
  constexpr usize find(StringView needle, usize from = 0) const {
    if (needle.size_ > size_) return npos;
    for (usize i = from; i + needle.size_ <= size_; ++i)
      if (substr(i, needle.size_) == needle) return i;
    return npos;
  }
  constexpr bool contains(char c) const { return find(c) != npos; }
  // Negative, zero or positive, like strcmp; bytes compare unsigned.
  constexpr int compare(StringView other) const {
    usize n = size_ < other.size_ ? size_ : other.size_;
    for (usize i = 0; i < n; ++i) {
      auto a = static_cast<unsigned char>(data_[i]);
      auto b = static_cast<unsigned char>(other.data_[i]);
      if (a != b) return a < b ? -1 : 1;
    }
    return size_ == other.size_ ? 0 : (size_ < other.size_ ? -1 : 1);
  }
  constexpr bool operator<(StringView other) const { return compare(other) < 0; }

  static constexpr bool is_space(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
  }
  constexpr StringView trim() const { return trim_front().trim_back(); }
  constexpr StringView trim_front() const {
    usize i = 0;
    while (i < size_ && is_space(data_[i])) ++i;
    return substr(i);
  }
  constexpr StringView trim_back() const {
    usize n = size_;
    while (n > 0 && is_space(data_[n - 1])) --n;
    return substr(0, n);
  }
  // Drops one trailing newline, as Linux's parsers of single values do.
  constexpr StringView strip_newline() const {
    return (size_ > 0 && data_[size_ - 1] == '\n') ? substr(0, size_ - 1) : *this;
  }

 private:
  static constexpr usize length_of(const char* s) {
    usize n = 0;
    if (!s) return 0;
    while (s[n]) ++n;
    return n;
  }

  const char* data_ = nullptr;
  usize size_ = 0;
};

}  // namespace tg
