#include "ninep/Server.h"

#include "ninep/Codec.h"
#include "ninep/Dirent.h"
#include "ninep/Wire.h"

namespace tg::ninep {
namespace {

// Smallest msize a client may negotiate: room for a header and a useful read.
constexpr u32 kMinMsize = 256;

Qid qid_of(const NodeInfo& node) {
  return {node.directory ? kQidDir : kQidFile, node.version, node.id};
}

bool is_valid_name(StringView name) {
  return !name.empty() && !name.contains('/') && !name.contains('\0');
}

const FileTreeOps& ops_of(const ServerConfig& config) {
  return *config.tree.ops;
}

}  // namespace

Status Server::init(const ServerConfig& config) {
  if (!config.tree.ops || !config.send || config.max_msize < kMinMsize) return Errno::kInval;
  config_ = config;
  TRY(splitter_.reset(config.max_msize));
  out_.clear();
  TRY(out_.reserve(config.max_msize));
  for (u32 i = 0; i < config.max_msize; ++i) TRY(out_.append(0));
  reset();
  return {};
}

void Server::reset() {
  drop_session();
  splitter_.discard();
  splitter_.limit(config_.max_msize);
  msize_ = 0;
}

void Server::drop_session() {
  parked_.clear();
  while (!fids_.empty()) release_fid(fids_.size() - 1);
}

Status Server::receive(Bytes bytes) {
  while (!bytes.empty()) {
    auto used = splitter_.take(bytes);
    if (!used.ok()) {
      reset();
      return used.error();
    }
    bytes = bytes.subspan(used.value());
    if (!splitter_.frame_ready()) continue;
    Message request;
    Status decoded = decode(splitter_.frame(), request);
    if (decoded.ok()) {
      handle(request);
    } else {
      // A well-framed message we can not parse is answered, not fatal: the framing is intact.
      reply_error(request.tag, decoded.error() == Errno::kNotSup ? Errno::kNotSup : Errno::kProto);
    }
    splitter_.next();
  }
  return {};
}

usize Server::poll() {
  for (usize i = 0; i < parked_.size();) {
    Parked p = parked_[i];
    Fid* fid = find_fid(p.fid);
    bool done = !fid;
    if (!fid) reply_error(p.tag, Errno::kBadF);
    if (fid)
      done = p.is_write ? try_write_done(p.tag, *fid) : try_read(p.tag, *fid, p.offset, p.count);
    if (done) {
      parked_.remove(i);
    } else {
      ++i;
    }
  }
  return parked_.size();
}

void Server::reply(const Message& message) {
  auto size = encode(message, {out_.data(), msize_ ? msize_ : config_.max_msize});
  if (!size.ok()) {
    reply_error(message.tag, Errno::kMsgSize);
    return;
  }
  config_.send(config_.transport, {out_.data(), size.value()});
}

void Server::reply_error(u16 tag, Errno error) {
  reply(make_error(tag, error));
}

Server::Fid* Server::find_fid(u32 id) {
  for (auto& fid : fids_)
    if (fid.id == id) return &fid;
  return nullptr;
}

void Server::release_fid(usize index) {
  if (fids_[index].handle) ops_of(config_).close(config_.tree.context, fids_[index].handle);
  fids_.remove(index);
}

void Server::handle(const Message& m) {
  if (m.type == MessageType::kTversion) return on_version(m);
  if (msize_ == 0) return reply_error(m.tag, Errno::kProto);
  using Handler = void (Server::*)(const Message&);
  struct Route {
    MessageType type;
    Handler handler;
  };
  static constexpr Route kRoutes[] = {
      {MessageType::kTattach, &Server::on_attach},
      {MessageType::kTwalk, &Server::on_walk},
      {MessageType::kTlopen, &Server::on_lopen},
      {MessageType::kTread, &Server::on_read},
      {MessageType::kTwrite, &Server::on_write},
      {MessageType::kTclunk, &Server::on_clunk},
      {MessageType::kTgetattr, &Server::on_getattr},
      {MessageType::kTreaddir, &Server::on_readdir},
      {MessageType::kTflush, &Server::on_flush},
      {MessageType::kTmkdir, &Server::on_mkdir},
      {MessageType::kTunlinkat, &Server::on_unlinkat},
      {MessageType::kTstatfs, &Server::on_statfs},
  };
  for (const auto& route : kRoutes)
    if (route.type == m.type) return (this->*route.handler)(m);
  // Tauth: the guest has no authentication; 9P2000.L clients (diod's) read ENOENT as "none
  // required, attach with NOFID". Tlcreate: tracefs has no creatable files, and Linux
  // answers open(O_CREAT) there with EACCES. Replies sent to us: nonsense.
  if (m.type == MessageType::kTauth) return reply_error(m.tag, Errno::kNoEnt);
  if (m.type == MessageType::kTlcreate) return reply_error(m.tag, Errno::kAccess);
  reply_error(m.tag, Errno::kNotSup);
}

void Server::on_version(const Message& m) {
  drop_session();
  Message r;
  r.type = MessageType::kRversion;
  r.tag = m.tag;
  r.msize = min(m.msize, config_.max_msize);
  r.version = m.version == kVersion9P2000L ? kVersion9P2000L : StringView("unknown");
  if (r.msize < kMinMsize) r.version = "unknown";
  msize_ = r.version == kVersion9P2000L ? r.msize : 0;
  splitter_.limit(msize_ ? msize_ : config_.max_msize);
  reply(r);
}

void Server::on_attach(const Message& m) {
  if (m.afid != kNoFid) return reply_error(m.tag, Errno::kInval);
  if (find_fid(m.fid)) return reply_error(m.tag, Errno::kBadF);
  auto root = ops_of(config_).root(config_.tree.context);
  if (!root.ok()) return reply_error(m.tag, root.error());
  if (!fids_.append({m.fid, root.value(), nullptr, 0}).ok())
    return reply_error(m.tag, Errno::kNoMem);
  Message r;
  r.type = MessageType::kRattach;
  r.tag = m.tag;
  r.qid = qid_of(root.value());
  reply(r);
}

void Server::on_walk(const Message& m) {
  Fid* fid = find_fid(m.fid);
  if (!fid) return reply_error(m.tag, Errno::kBadF);
  // An open fid cannot move, but it may be cloned: diod's clients (diodls -l) walk the
  // names they read from an open directory, as diod's own server allows.
  if (fid->handle && m.newfid == m.fid) return reply_error(m.tag, Errno::kBadF);
  if (m.newfid != m.fid && find_fid(m.newfid)) return reply_error(m.tag, Errno::kBadF);
  Message r;
  r.type = MessageType::kRwalk;
  r.tag = m.tag;
  NodeInfo node = fid->node;
  for (u16 i = 0; i < m.nwname; ++i) {
    if (!is_valid_name(m.wnames[i])) return reply_error(m.tag, Errno::kNoEnt);
    if (!node.directory) {
      if (i == 0) return reply_error(m.tag, Errno::kNotDir);
      return reply(r);
    }
    auto next = ops_of(config_).lookup(config_.tree.context, node.id, m.wnames[i]);
    if (!next.ok()) {
      // 9P: the first element failing is an error; a later one, a short Rwalk.
      if (i == 0) return reply_error(m.tag, next.error());
      return reply(r);
    }
    node = next.value();
    r.wqids[r.nwqid++] = qid_of(node);
  }
  if (m.newfid == m.fid) {
    fid->node = node;
  } else if (!fids_.append({m.newfid, node, nullptr, 0}).ok()) {
    return reply_error(m.tag, Errno::kNoMem);
  }
  reply(r);
}

void Server::on_lopen(const Message& m) {
  Fid* fid = find_fid(m.fid);
  if (!fid || fid->handle) return reply_error(m.tag, Errno::kBadF);
  if (fid->node.directory && (m.flags & kOpenAccessMask) != kOpenReadOnly)
    return reply_error(m.tag, Errno::kIsDir);
  auto handle = ops_of(config_).open(config_.tree.context, fid->node.id, m.flags);
  if (!handle.ok()) return reply_error(m.tag, handle.error());
  fid->handle = handle.value();
  fid->flags = m.flags;
  Message r;
  r.type = MessageType::kRlopen;
  r.tag = m.tag;
  r.qid = qid_of(fid->node);
  r.iounit = msize_ - kWriteOverhead;
  reply(r);
}

bool Server::try_read(u16 tag, Fid& fid, u64 offset, u32 count) {
  // The data goes straight into the reply buffer behind Rread's header.
  u32 room = min(count, msize_ - kReadOverhead);
  MutableBytes data{out_.data() + kReadOverhead, room};
  auto got = ops_of(config_).read(config_.tree.context, fid.handle, offset, data);
  if (!got.ok() && got.error() == Errno::kAgain && !(fid.flags & kOpenNonBlock)) return false;
  if (!got.ok()) {
    reply_error(tag, got.error());
    return true;
  }
  WireWriter header({out_.data(), kReadOverhead});
  header.put_u32(static_cast<u32>(kReadOverhead + got.value()));
  header.put_u8(static_cast<u8>(MessageType::kRread));
  header.put_u16(tag);
  header.put_u32(static_cast<u32>(got.value()));
  config_.send(config_.transport, {out_.data(), kReadOverhead + got.value()});
  return true;
}

void Server::on_read(const Message& m) {
  Fid* fid = find_fid(m.fid);
  if (!fid || !fid->handle) return reply_error(m.tag, Errno::kBadF);
  if (fid->node.directory) return reply_error(m.tag, Errno::kIsDir);
  if (try_read(m.tag, *fid, m.offset, m.count)) return;
  if (!parked_.append({m.tag, m.fid, m.offset, m.count, false}).ok())
    reply_error(m.tag, Errno::kNoMem);
}

bool Server::try_write_done(u16 tag, Fid& fid) {
  auto done = ops_of(config_).write_done
                  ? ops_of(config_).write_done(config_.tree.context, fid.handle)
                  : Result<usize>(Errno::kIo);
  if (!done.ok() && done.error() == Errno::kAgain) return false;
  if (!done.ok()) {
    reply_error(tag, done.error());
    return true;
  }
  Message r;
  r.type = MessageType::kRwrite;
  r.tag = tag;
  r.count = static_cast<u32>(done.value());
  reply(r);
  return true;
}

void Server::on_write(const Message& m) {
  Fid* fid = find_fid(m.fid);
  if (!fid || !fid->handle) return reply_error(m.tag, Errno::kBadF);
  if ((fid->flags & kOpenAccessMask) == kOpenReadOnly) return reply_error(m.tag, Errno::kBadF);
  auto wrote = ops_of(config_).write(config_.tree.context, fid->handle, m.offset, m.data);
  if (!wrote.ok() && wrote.error() == Errno::kAgain) {
    if (!parked_.append({m.tag, m.fid, m.offset, m.count, true}).ok())
      reply_error(m.tag, Errno::kNoMem);
    return;
  }
  if (!wrote.ok()) return reply_error(m.tag, wrote.error());
  Message r;
  r.type = MessageType::kRwrite;
  r.tag = m.tag;
  r.count = static_cast<u32>(wrote.value());
  reply(r);
}

void Server::on_clunk(const Message& m) {
  for (usize i = 0; i < fids_.size(); ++i) {
    if (fids_[i].id != m.fid) continue;
    // Requests parked on this fid can never complete now.
    for (usize p = 0; p < parked_.size();) {
      if (parked_[p].fid != m.fid) {
        ++p;
        continue;
      }
      reply_error(parked_[p].tag, Errno::kBadF);
      parked_.remove(p);
    }
    release_fid(i);
    Message r;
    r.type = MessageType::kRclunk;
    r.tag = m.tag;
    return reply(r);
  }
  reply_error(m.tag, Errno::kBadF);
}

void Server::on_getattr(const Message& m) {
  Fid* fid = find_fid(m.fid);
  if (!fid) return reply_error(m.tag, Errno::kBadF);
  auto node = ops_of(config_).getattr(config_.tree.context, fid->node.id);
  if (!node.ok()) return reply_error(m.tag, node.error());
  Message r;
  r.type = MessageType::kRgetattr;
  r.tag = m.tag;
  r.attr.valid = kGetattrBasic;
  r.attr.qid = qid_of(node.value());
  r.attr.mode = (node.value().directory ? kModeDir : kModeFile) | node.value().mode;
  r.attr.nlink = node.value().directory ? 2 : 1;
  r.attr.size = node.value().size;
  r.attr.blksize = 4096;
  reply(r);
}

void Server::on_readdir(const Message& m) {
  Fid* fid = find_fid(m.fid);
  if (!fid) return reply_error(m.tag, Errno::kBadF);
  if (!fid->node.directory) return reply_error(m.tag, Errno::kNotDir);
  u32 room = min(m.count, msize_ - kReadOverhead);
  MutableBytes data{out_.data() + kReadOverhead, room};
  usize used = 0;
  for (u64 index = m.offset;; ++index) {
    auto entry = ops_of(config_).readdir(config_.tree.context, fid->node.id, index);
    if (!entry.ok()) break;
    Dirent dirent{qid_of(entry.value().node), index + 1,
                  entry.value().node.directory ? kDirentDir : kDirentFile, entry.value().name};
    auto next = encode_dirent(dirent, data, used);
    if (!next.ok()) {
      if (used == 0) return reply_error(m.tag, Errno::kInval);
      break;
    }
    used = next.value();
  }
  WireWriter header({out_.data(), kReadOverhead});
  header.put_u32(static_cast<u32>(kReadOverhead + used));
  header.put_u8(static_cast<u8>(MessageType::kRreaddir));
  header.put_u16(m.tag);
  header.put_u32(static_cast<u32>(used));
  config_.send(config_.transport, {out_.data(), kReadOverhead + used});
}

void Server::on_flush(const Message& m) {
  // A parked request is dropped without a reply of its own; one already answered needs
  // nothing. Either way Rflush tells the client the old tag is free again.
  for (usize i = 0; i < parked_.size(); ++i) {
    if (parked_[i].tag != m.oldtag) continue;
    parked_.remove(i);
    break;
  }
  Message r;
  r.type = MessageType::kRflush;
  r.tag = m.tag;
  reply(r);
}

void Server::on_mkdir(const Message& m) {
  Fid* fid = find_fid(m.fid);
  if (!fid) return reply_error(m.tag, Errno::kBadF);
  if (!fid->node.directory) return reply_error(m.tag, Errno::kNotDir);
  if (!is_valid_name(m.name)) return reply_error(m.tag, Errno::kInval);
  auto node = ops_of(config_).mkdir(config_.tree.context, fid->node.id, m.name);
  if (!node.ok()) return reply_error(m.tag, node.error());
  Message r;
  r.type = MessageType::kRmkdir;
  r.tag = m.tag;
  r.qid = qid_of(node.value());
  reply(r);
}

void Server::on_unlinkat(const Message& m) {
  Fid* fid = find_fid(m.fid);
  if (!fid) return reply_error(m.tag, Errno::kBadF);
  if (!fid->node.directory) return reply_error(m.tag, Errno::kNotDir);
  if (!is_valid_name(m.name)) return reply_error(m.tag, Errno::kInval);
  Status removed =
      ops_of(config_).remove(config_.tree.context, fid->node.id, m.name, m.flags & kRemoveDir);
  if (!removed.ok()) return reply_error(m.tag, removed.error());
  Message r;
  r.type = MessageType::kRunlinkat;
  r.tag = m.tag;
  reply(r);
}

void Server::on_statfs(const Message& m) {
  if (!find_fid(m.fid)) return reply_error(m.tag, Errno::kBadF);
  Message r;
  r.type = MessageType::kRstatfs;
  r.tag = m.tag;
  // TRACEFS_MAGIC, as statfs(2) reports it on Linux.
  r.statfs.type = 0x74726163;
  r.statfs.bsize = 4096;
  r.statfs.namelen = 255;
  reply(r);
}

}  // namespace tg::ninep
