#pragma once

#include "Lib/Errno.h"
#include "support/Result.h"

// Errors are values: the kernel uses tracefs's Result<T> (a T or the errno that explains its
// absence), Status (success or an errno) and TRY.
namespace klib {
using tg::Result;
using tg::Status;
}  // namespace klib
