#pragma once
#include <string>

#include "support/Errno.h"

namespace tracegate {

// Guest operations fail with the guest's Linux errno, or with one of the link's own two
// failures below (negative, so they never collide with an errno).
inline constexpr tg::Errno kGuestDown = static_cast<tg::Errno>(-1);
inline constexpr tg::Errno kGuestTimeout = static_cast<tg::Errno>(-2);

struct ErrorStatus {
  unsigned status;
  std::string body;  // one line: "EINVAL: Invalid argument\n"
};

// The one errno → HTTP status table of the contract.
ErrorStatus error_status(tg::Errno error);

}  // namespace tracegate
