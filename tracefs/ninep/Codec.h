#pragma once
#include "ninep/Message.h"
#include "support/Result.h"
#include "support/Span.h"

namespace tg::ninep {

// Decodes one complete frame (size[4] type[1] tag[2] body). Strings and data in `out` are
// views into `frame`. EPROTO when the frame is malformed: a size that disagrees with the
// buffer, a field running past the end, bytes left over, too many walk elements, a count
// beyond the frame. EOPNOTSUPP for a well-framed message of a type tracegate does not speak
// (out.type and out.tag are still set, so a server can answer it).
Status decode(Bytes frame, Message& out);

// Encodes `message` into `out`; returns the frame's length. EMSGSIZE when it does not fit,
// EINVAL for an unknown type or more than kMaxWalkNames walk elements.
Result<usize> encode(const Message& message, MutableBytes out);

// The bytes `message` needs on the wire (0 for an unknown type).
usize encoded_size(const Message& message);

// Reads the size prefix of a frame whose first four bytes have arrived.
u32 frame_size(Bytes header);

// A short name for logs and tests: "Twalk", "Rlerror".
const char* message_name(MessageType type);

// Convenience constructors for the replies every server sends.
Message make_error(u16 tag, Errno error);

}  // namespace tg::ninep
