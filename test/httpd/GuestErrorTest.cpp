#include "GuestError.h"

#include <gtest/gtest.h>

namespace tracegate {
namespace {

using tg::Errno;

struct Expected {
  const char* name;  // the test's name
  Errno error;
  unsigned status;
  const char* body;
};

class GuestErrorTable : public testing::TestWithParam<Expected> {};

TEST_P(GuestErrorTable, MapsErrnoToStatusAndOneLineBody) {
  ErrorStatus mapped = error_status(GetParam().error);
  EXPECT_EQ(mapped.status, GetParam().status);
  EXPECT_EQ(mapped.body, GetParam().body);
}

INSTANTIATE_TEST_SUITE_P(
    Contract, GuestErrorTable,
    testing::Values(
        Expected{"Inval", Errno::kInval, 400, "EINVAL: Invalid argument\n"},
        Expected{"Range", Errno::kRange, 400, "ERANGE: Numerical result out of range\n"},
        Expected{"IsDir", Errno::kIsDir, 400, "EISDIR: Is a directory\n"},
        Expected{"NotDir", Errno::kNotDir, 400, "ENOTDIR: Not a directory\n"},
        Expected{"Dom", Errno::kDom, 400, "EDOM: Numerical argument out of domain\n"},
        Expected{"NoDev", Errno::kNoDev, 400, "ENODEV: No such device\n"},
        Expected{"IlSeq", Errno::kIlSeq, 400,
                 "EILSEQ: Invalid or incomplete multibyte or wide character\n"},
        Expected{"TooBig", Errno::kTooBig, 400, "E2BIG: Argument list too long\n"},
        Expected{"NotSup", Errno::kNotSup, 400, "EOPNOTSUPP: Operation not supported\n"},
        Expected{"NoEnt", Errno::kNoEnt, 404, "ENOENT: No such file or directory\n"},
        Expected{"Access", Errno::kAccess, 403, "EACCES: Permission denied\n"},
        Expected{"Perm", Errno::kPerm, 403, "EPERM: Operation not permitted\n"},
        Expected{"Busy", Errno::kBusy, 409, "EBUSY: Device or resource busy\n"},
        Expected{"Exist", Errno::kExist, 409, "EEXIST: File exists\n"},
        Expected{"BadF", Errno::kBadF, 409, "EBADF: Bad file descriptor\n"},
        Expected{"NoMem", Errno::kNoMem, 507, "ENOMEM: Cannot allocate memory\n"},
        Expected{"NoSpc", Errno::kNoSpc, 507, "ENOSPC: No space left on device\n"},
        Expected{"GuestDown", kGuestDown, 503, "guest not connected\n"},
        Expected{"GuestTimeout", kGuestTimeout, 504, "guest timed out\n"}),
    [](const testing::TestParamInfo<Expected>& info) { return std::string(info.param.name); });

TEST(GuestError, AnyOtherErrnoIs500NamingIt) {
  ErrorStatus mapped = error_status(Errno::kAgain);
  EXPECT_EQ(mapped.status, 500u);
  EXPECT_EQ(mapped.body.rfind("EAGAIN: ", 0), 0u) << mapped.body;
}

}  // namespace
}  // namespace tracegate
