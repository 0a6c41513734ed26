#pragma once
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>

namespace tg::analysis {

// Buffered output with the few number formats the reports need (no printf per row).
class OutputBuffer {
 public:
  explicit OutputBuffer(std::FILE* file) : file_(file) { buffer_.reserve(kFlushAt + 256); }
  ~OutputBuffer() { flush(); }
  OutputBuffer(const OutputBuffer&) = delete;
  OutputBuffer& operator=(const OutputBuffer&) = delete;

  OutputBuffer& put(std::string_view text) {
    buffer_.append(text);
    if (buffer_.size() >= kFlushAt) flush();
    return *this;
  }
  OutputBuffer& put(char c) {
    buffer_.push_back(c);
    return *this;
  }
  OutputBuffer& dec(std::int64_t value) {
    if (value < 0) {
      buffer_.push_back('-');
      return udec(0 - static_cast<std::uint64_t>(value));
    }
    return udec(static_cast<std::uint64_t>(value));
  }
  OutputBuffer& udec(std::uint64_t value) {
    char digits[24];
    int n = 0;
    do {
      digits[n++] = static_cast<char>('0' + value % 10);
      value /= 10;
    } while (value);
    while (n) buffer_.push_back(digits[--n]);
    return *this;
  }
  // ns as microseconds with three decimals: 1234 -> "1.234".
  OutputBuffer& usecs(std::int64_t ns) {
    if (ns < 0) {
      buffer_.push_back('-');
      ns = -ns;
    }
    udec(static_cast<std::uint64_t>(ns) / 1000).put('.');
    std::uint64_t fraction = static_cast<std::uint64_t>(ns) % 1000;
    buffer_.push_back(static_cast<char>('0' + fraction / 100));
    buffer_.push_back(static_cast<char>('0' + fraction / 10 % 10));
    buffer_.push_back(static_cast<char>('0' + fraction % 10));
    return *this;
  }
  // JSON string contents (without the quotes).
  OutputBuffer& json(std::string_view text) {
    for (char c : text) {
      if (c == '"' || c == '\\') {
        buffer_.push_back('\\');
        buffer_.push_back(c);
      } else if (static_cast<unsigned char>(c) < 0x20) {
        char escaped[8];
        std::snprintf(escaped, sizeof escaped, "\\u%04x", c);
        buffer_.append(escaped);
      } else {
        buffer_.push_back(c);
      }
    }
    return *this;
  }
  // XML text and attribute contents.
  OutputBuffer& xml(std::string_view text) {
    for (char c : text) {
      switch (c) {
        case '<':
          buffer_.append("&lt;");
          break;
        case '>':
          buffer_.append("&gt;");
          break;
        case '&':
          buffer_.append("&amp;");
          break;
        case '"':
          buffer_.append("&quot;");
          break;
        default:
          buffer_.push_back(c);
      }
    }
    return *this;
  }
  void flush() {
    if (!buffer_.empty()) std::fwrite(buffer_.data(), 1, buffer_.size(), file_);
    buffer_.clear();
    std::fflush(file_);
  }

 private:
  static constexpr size_t kFlushAt = 1 << 16;
  std::FILE* file_;
  std::string buffer_;
};

}  // namespace tg::analysis
