#pragma once
#include <cstddef>

namespace tracegate {

// Limits on what one request may carry.
inline constexpr size_t kHeaderLimit = 8 * 1024;
inline constexpr size_t kBodyLimit = 1024 * 1024;

// Beast bounds the request line and the fields by its header limit each on their own when
// they arrive in one read, so a header could reach twice the limit: the session measures the
// whole header once read and refuses it past kHeaderLimit too.
inline bool header_too_large(size_t header_bytes) {
  return header_bytes > kHeaderLimit;
}

}  // namespace tracegate
