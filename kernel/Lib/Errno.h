#pragma once

#include "support/Errno.h"

// The kernel speaks the same Linux errnos as tracefs, so a value travels unchanged to the
// 9P server and the gateway: one enumeration, tracefs's.
namespace klib {
using tg::Errno;
using tg::errno_name;
}  // namespace klib
