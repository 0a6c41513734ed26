#include "ninep/Dirent.h"

#include "ninep/Wire.h"

namespace tg::ninep {

usize dirent_size(const Dirent& entry) {
  return kQidSize + 8 + 1 + 2 + entry.name.size();
}

Result<usize> encode_dirent(const Dirent& entry, MutableBytes out, usize used) {
  if (used > out.size()) return Errno::kMsgSize;
  WireWriter writer(out.subspan(used));
  writer.put_qid(entry.qid);
  writer.put_u64(entry.offset);
  writer.put_u8(entry.type);
  writer.put_string(entry.name);
  if (!writer.ok()) return Errno::kMsgSize;
  return used + writer.size();
}

bool DirentReader::next(Dirent& out) {
  if (malformed_ || position_ >= data_.size()) return false;
  WireReader reader(data_.subspan(position_));
  out.qid = reader.read_qid();
  out.offset = reader.read_u64();
  out.type = reader.read_u8();
  out.name = reader.read_string();
  if (!reader.ok()) {
    malformed_ = true;
    return false;
  }
  position_ = data_.size() - reader.remaining();
  return true;
}

}  // namespace tg::ninep
