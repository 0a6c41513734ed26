#pragma once
#include "ninep/Message.h"
#include "support/Result.h"
#include "support/Span.h"

namespace tg::ninep {

// Rreaddir's data is a run of dirents: qid[13] offset[8] type[1] name[s].
usize dirent_size(const Dirent& entry);

// Appends one dirent at `out[used..]`; returns the new used length, or EMSGSIZE when the
// entry does not fit (the server then stops and the client asks again from entry.offset).
Result<usize> encode_dirent(const Dirent& entry, MutableBytes out, usize used);

// Walks the dirents of an Rreaddir. next() yields entries until the data ends; a truncated
// entry makes it stop and sets malformed().
class DirentReader {
 public:
  explicit DirentReader(Bytes data) : data_(data) {}
  bool next(Dirent& out);
  bool malformed() const { return malformed_; }

 private:
  Bytes data_;
  usize position_ = 0;
  bool malformed_ = false;
};

}  // namespace tg::ninep
