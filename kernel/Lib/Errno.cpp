#include "Lib/Errno.h"

namespace klib {

namespace {
struct ErrnoName {
  Errno error;
  const char* name;
};

constexpr ErrnoName kNames[] = {
    {Errno::EPERM, "EPERM"},
    {Errno::ENOENT, "ENOENT"},
    {Errno::EIO, "EIO"},
    {Errno::EBADF, "EBADF"},
    {Errno::EAGAIN, "EAGAIN"},
    {Errno::ENOMEM, "ENOMEM"},
    {Errno::EACCES, "EACCES"},
    {Errno::EBUSY, "EBUSY"},
    {Errno::EEXIST, "EEXIST"},
    {Errno::ENOTDIR, "ENOTDIR"},
    {Errno::EISDIR, "EISDIR"},
    {Errno::EINVAL, "EINVAL"},
    {Errno::ENOSPC, "ENOSPC"},
    {Errno::ERANGE, "ERANGE"},
    {Errno::ENAMETOOLONG, "ENAMETOOLONG"},
    {Errno::ENOTEMPTY, "ENOTEMPTY"},
    {Errno::ETIMEDOUT, "ETIMEDOUT"},
};
}  // namespace

const char* errno_name(Errno error) {
  for (const auto& entry : kNames) {
    if (entry.error == error) return entry.name;
  }
  return "E?";
}

}  // namespace klib
