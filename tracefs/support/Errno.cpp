#include "support/Errno.h"

namespace tg {
namespace {

struct ErrnoText {
  Errno value;
  const char* name;
  const char* message;
};

constexpr ErrnoText kErrnoTexts[] = {
    {Errno::kOk, "OK", "Success"},
    {Errno::kPerm, "EPERM", "Operation not permitted"},
    {Errno::kNoEnt, "ENOENT", "No such file or directory"},
    {Errno::kIntr, "EINTR", "Interrupted system call"},
    {Errno::kIo, "EIO", "Input/output error"},
    {Errno::kTooBig, "E2BIG", "Argument list too long"},
    {Errno::kBadF, "EBADF", "Bad file descriptor"},
    {Errno::kAgain, "EAGAIN", "Resource temporarily unavailable"},
    {Errno::kNoMem, "ENOMEM", "Cannot allocate memory"},
    {Errno::kAccess, "EACCES", "Permission denied"},
    {Errno::kFault, "EFAULT", "Bad address"},
    {Errno::kBusy, "EBUSY", "Device or resource busy"},
    {Errno::kExist, "EEXIST", "File exists"},
    {Errno::kNoDev, "ENODEV", "No such device"},
    {Errno::kNotDir, "ENOTDIR", "Not a directory"},
    {Errno::kIsDir, "EISDIR", "Is a directory"},
    {Errno::kInval, "EINVAL", "Invalid argument"},
    {Errno::kFBig, "EFBIG", "File too large"},
    {Errno::kNoSpc, "ENOSPC", "No space left on device"},
    {Errno::kDom, "EDOM", "Numerical argument out of domain"},
    {Errno::kRange, "ERANGE", "Numerical result out of range"},
    {Errno::kNameTooLong, "ENAMETOOLONG", "File name too long"},
    {Errno::kNoSys, "ENOSYS", "Function not implemented"},
    {Errno::kNotEmpty, "ENOTEMPTY", "Directory not empty"},
    {Errno::kProto, "EPROTO", "Protocol error"},
    {Errno::kOverflow, "EOVERFLOW", "Value too large for defined data type"},
    {Errno::kIlSeq, "EILSEQ", "Invalid or incomplete multibyte or wide character"},
    {Errno::kMsgSize, "EMSGSIZE", "Message too long"},
    {Errno::kNotSup, "EOPNOTSUPP", "Operation not supported"},
    {Errno::kTimedOut, "ETIMEDOUT", "Connection timed out"},
    {Errno::kCanceled, "ECANCELED", "Operation canceled"},
};

const ErrnoText* find(Errno e) {
  for (const auto& entry : kErrnoTexts)
    if (entry.value == e) return &entry;
  return nullptr;
}

}  // namespace

const char* errno_name(Errno e) {
  const ErrnoText* entry = find(e);
  return entry ? entry->name : "EUNKNOWN";
}

const char* errno_message(Errno e) {
  const ErrnoText* entry = find(e);
  return entry ? entry->message : "Unknown error";
}

}  // namespace tg
