#include "GuestError.h"

namespace tracegate {
namespace {

struct StatusRow {
  tg::Errno error;
  unsigned status;
};

constexpr StatusRow kStatusTable[] = {
    {tg::Errno::kInval, 400},  {tg::Errno::kRange, 400},  {tg::Errno::kIsDir, 400},
    {tg::Errno::kNotDir, 400}, {tg::Errno::kDom, 400},    {tg::Errno::kNoDev, 400},
    {tg::Errno::kTooBig, 400}, {tg::Errno::kIlSeq, 400},  {tg::Errno::kNotSup, 400},
    {tg::Errno::kNoEnt, 404},  {tg::Errno::kAccess, 403}, {tg::Errno::kPerm, 403},
    {tg::Errno::kBusy, 409},   {tg::Errno::kExist, 409},  {tg::Errno::kBadF, 409},
    {tg::Errno::kNoMem, 507},  {tg::Errno::kNoSpc, 507},  {kGuestDown, 503},
    {kGuestTimeout, 504},
};

}  // namespace

ErrorStatus error_status(tg::Errno error) {
  if (error == kGuestDown) return {503, "guest not connected\n"};
  if (error == kGuestTimeout) return {504, "guest timed out\n"};
  unsigned status = 500;
  for (const auto& row : kStatusTable)
    if (row.error == error) status = row.status;
  return {status, std::string(tg::errno_name(error)) + ": " + tg::errno_message(error) + "\n"};
}

}  // namespace tracegate
