#pragma once
#include "support/Types.h"

namespace tg {

// Linux errno values, so the gateway can map them and tests can name them. Enumerators are
// not spelled EINVAL etc. because host headers define those as macros.
enum class Errno : i32 {
  kOk = 0,
  kPerm = 1,
  kNoEnt = 2,
  kIntr = 4,
  kIo = 5,
  kTooBig = 7,
  kBadF = 9,
  kAgain = 11,
  kNoMem = 12,
  kAccess = 13,
  kFault = 14,
  kBusy = 16,
  kExist = 17,
  kNoDev = 19,
  kNotDir = 20,
  kIsDir = 21,
  kInval = 22,
  kFBig = 27,
  kNoSpc = 28,
  kDom = 33,
  kRange = 34,
  kNameTooLong = 36,
  kNoSys = 38,
  kNotEmpty = 39,
  kProto = 71,
  kOverflow = 75,
  kIlSeq = 84,
  kMsgSize = 90,
  kNotSup = 95,
  kTimedOut = 110,
  kCanceled = 125,
};

// "EINVAL" for Errno::kInval; "E<number>" never happens for the values above.
const char* errno_name(Errno e);
// Linux's strerror text: "Invalid argument".
const char* errno_message(Errno e);

}  // namespace tg
