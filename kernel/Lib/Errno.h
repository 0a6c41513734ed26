#pragma once

// Linux's errno numbers, so a value can travel unchanged to the 9P server and the gateway.
namespace klib {

enum class Errno : int {
  EPERM = 1,
  ENOENT = 2,
  EIO = 5,
  EBADF = 9,
  EAGAIN = 11,
  ENOMEM = 12,
  EACCES = 13,
  EBUSY = 16,
  EEXIST = 17,
  ENOTDIR = 20,
  EISDIR = 21,
  EINVAL = 22,
  ENOSPC = 28,
  ERANGE = 34,
  ENAMETOOLONG = 36,
  ENOTEMPTY = 39,
  ETIMEDOUT = 110,
};

const char* errno_name(Errno error);

}  // namespace klib
