#include "GuestLink.h"

#include <unistd.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <iostream>

#include "ninep/Codec.h"

namespace tracegate {

using tg::Errno;
using tg::ninep::Message;
using tg::ninep::MessageType;

namespace {

// A guest that is still booting holds the Tversion until its 9P service runs; one that has
// not answered after this long missed it, and a fresh connection starts over.
constexpr auto kHandshakeTimeout = std::chrono::seconds(5);
constexpr auto kRedialInterval = std::chrono::milliseconds(50);
constexpr auto kFlushTimeout = std::chrono::seconds(10);

Message request_of(MessageType type) {
  Message m;
  m.type = type;
  return m;
}

tg::Bytes bytes_of(std::string_view text) {
  return {reinterpret_cast<const uint8_t*>(text.data()), text.size()};
}

}  // namespace

GuestLink::GuestLink(asio::io_context& io, std::string socket_path, Metrics& metrics)
    : io_(io), socket_path_(std::move(socket_path)), metrics_(metrics) {
  if (!splitter_.reset(kRequestedMsize).ok()) throw std::bad_alloc();
}

void GuestLink::start() {
  asio::co_spawn(io_, dial_loop(), asio::detached);
}

asio::awaitable<void> GuestLink::dial_loop() {
  asio::local::stream_protocol::endpoint endpoint(socket_path_);
  asio::steady_timer pause(io_);
  for (;;) {
    auto socket = std::make_shared<Socket>(io_);
    boost::system::error_code ec;
    co_await socket->async_connect(endpoint, asio::redirect_error(asio::use_awaitable, ec));
    if (!ec) {
      socket_ = socket;
      uint64_t generation = ++generation_;
      splitter_.discard();
      splitter_.limit(kRequestedMsize);
      msize_ = kRequestedMsize;
      asio::co_spawn(io_, establish(generation), asio::detached);
      // Returns once the connection is gone (the guest closed it, or we dropped it).
      co_await read_loop(socket, generation);
    }
    // Nobody listening yet (QEMU not started, or restarting; its stale socket file refuses).
    pause.expires_after(kRedialInterval);
    co_await pause.async_wait(asio::redirect_error(asio::use_awaitable, ec));
  }
}

asio::awaitable<void> GuestLink::establish(uint64_t generation) {
  bool shook_hands = co_await handshake(generation);
  if (generation != generation_) co_return;
  if (!shook_hands) {
    // Hang up and dial again: the guest sees the port close and open, and starts afresh.
    std::cerr << "tracegate-gatewayd: no 9P answer from the guest; reconnecting\n";
    drop_connection(generation);
    co_return;
  }
  up_ = true;
  metrics_.guest_up = true;
  ++metrics_.guest_connections;
  std::cerr << "tracegate-gatewayd: guest link up (msize " << msize_ << ")\n";
  if (on_up_) on_up_();
}

asio::awaitable<bool> GuestLink::handshake(uint64_t generation) {
  Message version = request_of(MessageType::kTversion);
  version.msize = kRequestedMsize;
  version.version = tg::ninep::kVersion9P2000L;
  GuestReply reply = co_await exchange(version, kHandshakeTimeout, nullptr, generation, false);
  if (reply.error != Errno::kOk || reply.message.type != MessageType::kRversion ||
      !(reply.message.version == tg::ninep::kVersion9P2000L) || reply.message.msize < 512 ||
      reply.message.msize > kRequestedMsize)
    co_return false;
  msize_ = reply.message.msize;
  splitter_.limit(msize_);
  fids_.clear();
  fids_.insert(0);
  next_fid_ = 1;
  Message attach = request_of(MessageType::kTattach);
  attach.fid = 0;
  attach.afid = tg::ninep::kNoFid;
  attach.uname = "tracegate";
  attach.aname = "";
  attach.n_uname = 0;
  reply = co_await exchange(attach, kHandshakeTimeout, nullptr, generation, false);
  co_return reply.error == Errno::kOk&& reply.message.type == MessageType::kRattach;
}

asio::awaitable<void> GuestLink::read_loop(std::shared_ptr<Socket> socket, uint64_t generation) {
  std::vector<uint8_t> buffer(64 * 1024);
  for (;;) {
    boost::system::error_code ec;
    size_t n = co_await socket->async_read_some(asio::buffer(buffer),
                                                asio::redirect_error(asio::use_awaitable, ec));
    if (ec || generation != generation_) break;
    tg::Bytes input{buffer.data(), n};
    bool broken = false;
    while (!input.empty() && !broken) {
      auto used = splitter_.take(input);
      if (!used.ok()) {
        std::cerr << "tracegate-gatewayd: guest sent a malformed frame; dropping the link\n";
        broken = true;
        break;
      }
      input = input.subspan(used.value());
      if (splitter_.frame_ready()) {
        deliver(splitter_.frame());
        splitter_.next();
      }
    }
    if (broken) break;
  }
  drop_connection(generation);
}

void GuestLink::deliver(tg::Bytes frame) {
  uint16_t tag = static_cast<uint16_t>(frame[5] | frame[6] << 8);
  auto it = pending_.find(tag);
  if (it == pending_.end() || it->second->done) return;
  Pending& pending = *it->second;
  if (pending.release_fid != tg::ninep::kNoFid) {
    // A clunk nobody waits for (GuestFile went away): the fid is free once it is answered.
    fids_.erase(pending.release_fid);
    pending_.erase(it);
    return;
  }
  pending.done = true;
  pending.reply.frame.assign(frame.begin(), frame.end());
  tg::Status decoded = tg::ninep::decode({pending.reply.frame.data(), pending.reply.frame.size()},
                                         pending.reply.message);
  if (!decoded.ok()) {
    pending.reply.error = Errno::kProto;
  } else if (pending.reply.message.type == MessageType::kRlerror) {
    pending.reply.error = static_cast<Errno>(pending.reply.message.ecode);
  }
  pending.wake.cancel();
}

void GuestLink::drop_connection(uint64_t generation) {
  if (generation != generation_ || !socket_) return;
  if (up_) std::cerr << "tracegate-gatewayd: guest link down\n";
  boost::system::error_code ignored;
  socket_->close(ignored);
  socket_.reset();
  up_ = false;
  metrics_.guest_up = false;
  outbox_.clear();
  fids_.clear();
  std::erase_if(pending_,
                [](const auto& entry) { return entry.second->release_fid != tg::ninep::kNoFid; });
  for (auto& [tag, pending] : pending_) {
    if (pending->done) continue;
    pending->done = true;
    pending->reply.error = kGuestDown;
    pending->wake.cancel();
  }
  // Bump the generation so that fids and late replies of this connection are recognised
  // as stale, even before a new guest connects.
  ++generation_;
}

bool GuestLink::allocate_tag(uint16_t& tag) {
  for (uint32_t tries = 0; tries < tg::ninep::kNoTag; ++tries) {
    uint16_t candidate = next_tag_++;
    if (next_tag_ == tg::ninep::kNoTag) next_tag_ = 0;
    if (candidate == tg::ninep::kNoTag || pending_.count(candidate)) continue;
    tag = candidate;
    return true;
  }
  return false;
}

uint32_t GuestLink::allocate_fid() {
  while (fids_.count(next_fid_) || next_fid_ == tg::ninep::kNoFid) ++next_fid_;
  fids_.insert(next_fid_);
  return next_fid_++;
}

asio::awaitable<GuestReply> GuestLink::call(Message request, Clock::duration timeout,
                                            CancelSignal* cancel, uint64_t generation) {
  if (!up_ || (generation && generation != generation_)) {
    GuestReply down;
    down.error = kGuestDown;
    co_return down;
  }
  co_return co_await exchange(request, timeout, cancel, generation_);
}

std::shared_ptr<GuestLink::Pending> GuestLink::post(Message& request, uint64_t generation,
                                                    Errno& error) {
  error = kGuestDown;
  if (!socket_ || generation != generation_) return nullptr;
  uint16_t tag = tg::ninep::kNoTag;
  if (request.type != MessageType::kTversion && !allocate_tag(tag)) return nullptr;
  if (pending_.count(tag)) return nullptr;
  request.tag = tag;
  std::vector<uint8_t> frame(tg::ninep::encoded_size(request));
  auto encoded = tg::ninep::encode(request, {frame.data(), frame.size()});
  if (!encoded.ok() || frame.size() > msize_) {
    error = Errno::kMsgSize;
    return nullptr;
  }
  auto pending = std::make_shared<Pending>(io_.get_executor());
  pending_[tag] = pending;
  outbox_.push_back(std::move(frame));
  ++metrics_.guest_requests;
  if (!writing_) asio::co_spawn(io_, write_loop(socket_), asio::detached);
  error = Errno::kOk;
  return pending;
}

asio::awaitable<GuestReply> GuestLink::exchange(Message request, Clock::duration timeout,
                                                CancelSignal* cancel, uint64_t generation,
                                                bool flush_on_timeout) {
  GuestReply failed;
  std::shared_ptr<Pending> pending = post(request, generation, failed.error);
  if (!pending) co_return failed;
  uint16_t tag = request.tag;
  pending->wake.expires_after(timeout);
  if (cancel)
    cancel->on_cancel([weak = std::weak_ptr<Pending>(pending)] {
      if (auto p = weak.lock()) p->wake.cancel();
    });
  boost::system::error_code ec;
  if (!pending->done && !(cancel && cancel->cancelled()))
    co_await pending->wake.async_wait(asio::redirect_error(asio::use_awaitable, ec));
  if (cancel) cancel->on_cancel(nullptr);
  if (pending->done) {
    pending_.erase(tag);
    co_return std::move(pending->reply);
  }
  // Timed out or abandoned: the tag stays reserved until the guest confirms the flush.
  if (cancel && cancel->cancelled()) {
    failed.error = Errno::kCanceled;
  } else {
    failed.error = kGuestTimeout;
    ++metrics_.guest_timeouts;
  }
  if (flush_on_timeout && tag != tg::ninep::kNoTag && generation == generation_)
    co_await flush(tag);
  pending_.erase(tag);
  co_return failed;
}

asio::awaitable<void> GuestLink::flush(uint16_t oldtag) {
  Message flush = request_of(MessageType::kTflush);
  flush.oldtag = oldtag;
  ++metrics_.guest_flushes;
  co_await exchange(flush, kFlushTimeout, nullptr, generation_);
}

asio::awaitable<void> GuestLink::write_loop(std::shared_ptr<Socket> socket) {
  writing_ = true;
  while (!outbox_.empty() && socket == socket_) {
    std::vector<uint8_t> frame = std::move(outbox_.front());
    outbox_.pop_front();
    boost::system::error_code ec;
    co_await asio::async_write(*socket, asio::buffer(frame),
                               asio::redirect_error(asio::use_awaitable, ec));
    if (ec) break;
  }
  writing_ = false;
}

asio::awaitable<tg::Result<WalkedFile>> GuestLink::walk(const std::vector<std::string>& path,
                                                        Clock::duration timeout) {
  if (!up_) co_return kGuestDown;
  WalkedFile file;
  file.generation = generation_;
  file.fid = allocate_fid();
  file.qid.type = tg::ninep::kQidDir;
  uint32_t from = 0;
  size_t done = 0;
  // One Twalk carries at most 16 names; longer paths walk on from the fid just made.
  do {
    Message m = request_of(MessageType::kTwalk);
    m.fid = from;
    m.newfid = file.fid;
    while (m.nwname < tg::ninep::kMaxWalkNames && done + m.nwname < path.size()) {
      const std::string& name = path[done + m.nwname];
      m.wnames[m.nwname] = tg::StringView(name.data(), name.size());
      ++m.nwname;
    }
    GuestReply reply = co_await call(m, timeout, nullptr, file.generation);
    if (reply.error != Errno::kOk || reply.message.nwqid != m.nwname) {
      if (from != 0) co_await clunk(file);
      if (from == 0) fids_.erase(file.fid);
      co_return reply.error != Errno::kOk ? reply.error : Errno::kNoEnt;
    }
    if (m.nwname) file.qid = reply.message.wqids[m.nwname - 1];
    done += m.nwname;
    from = file.fid;
  } while (done < path.size());
  co_return file;
}

asio::awaitable<tg::Status> GuestLink::open(const WalkedFile& file, uint32_t flags,
                                            Clock::duration timeout) {
  Message m = request_of(MessageType::kTlopen);
  m.fid = file.fid;
  m.flags = flags;
  GuestReply reply = co_await call(m, timeout, nullptr, file.generation);
  co_return reply.error;
}

asio::awaitable<GuestReply> GuestLink::read(const WalkedFile& file, uint64_t offset, uint32_t count,
                                            Clock::duration timeout, CancelSignal* cancel) {
  Message m = request_of(MessageType::kTread);
  m.fid = file.fid;
  m.offset = offset;
  m.count = count;
  co_return co_await call(m, timeout, cancel, file.generation);
}

asio::awaitable<tg::Result<uint32_t>> GuestLink::write(const WalkedFile& file, uint64_t offset,
                                                       std::string_view data,
                                                       Clock::duration timeout) {
  Message m = request_of(MessageType::kTwrite);
  m.fid = file.fid;
  m.offset = offset;
  m.data = bytes_of(data);
  GuestReply reply = co_await call(m, timeout, nullptr, file.generation);
  if (reply.error != Errno::kOk) co_return reply.error;
  co_return reply.message.count;
}

asio::awaitable<GuestReply> GuestLink::readdir(const WalkedFile& file, uint64_t offset,
                                               Clock::duration timeout) {
  Message m = request_of(MessageType::kTreaddir);
  m.fid = file.fid;
  m.offset = offset;
  m.count = io_size();
  co_return co_await call(m, timeout, nullptr, file.generation);
}

asio::awaitable<tg::Result<tg::ninep::Attr>> GuestLink::getattr(const WalkedFile& file,
                                                                Clock::duration timeout) {
  Message m = request_of(MessageType::kTgetattr);
  m.fid = file.fid;
  m.request_mask = tg::ninep::kGetattrBasic;
  GuestReply reply = co_await call(m, timeout, nullptr, file.generation);
  if (reply.error != Errno::kOk) co_return reply.error;
  co_return reply.message.attr;
}

asio::awaitable<tg::Status> GuestLink::mkdir(const WalkedFile& file, std::string_view name,
                                             Clock::duration timeout) {
  Message m = request_of(MessageType::kTmkdir);
  m.fid = file.fid;
  m.name = tg::StringView(name.data(), name.size());
  m.mode = 0755;
  GuestReply reply = co_await call(m, timeout, nullptr, file.generation);
  co_return reply.error;
}

asio::awaitable<tg::Status> GuestLink::unlinkat(const WalkedFile& file, std::string_view name,
                                                uint32_t flags, Clock::duration timeout) {
  Message m = request_of(MessageType::kTunlinkat);
  m.fid = file.fid;
  m.name = tg::StringView(name.data(), name.size());
  m.flags = flags;
  GuestReply reply = co_await call(m, timeout, nullptr, file.generation);
  co_return reply.error;
}

asio::awaitable<void> GuestLink::clunk(WalkedFile file) {
  if (file.generation != generation_ || !up_) co_return;
  Message m = request_of(MessageType::kTclunk);
  m.fid = file.fid;
  co_await call(m, kHandshakeTimeout, nullptr, file.generation);
  // Per 9P the fid is released whatever the reply says.
  if (file.generation == generation_) fids_.erase(file.fid);
}

void GuestLink::release(WalkedFile file) {
  if (file.generation != generation_ || !up_) return;
  Message m = request_of(MessageType::kTclunk);
  m.fid = file.fid;
  Errno error;
  std::shared_ptr<Pending> pending = post(m, file.generation, error);
  if (pending) pending->release_fid = file.fid;
}

asio::awaitable<GuestFile> GuestLink::walk_file(const std::vector<std::string>& path,
                                                Clock::duration timeout) {
  auto walked = co_await walk(path, timeout);
  if (!walked.ok()) co_return GuestFile(walked.error());
  co_return GuestFile(*this, walked.value());
}

GuestFile& GuestFile::operator=(GuestFile&& other) noexcept {
  if (this != &other) {
    close();
    link_ = std::exchange(other.link_, nullptr);
    file_ = other.file_;
    error_ = other.error_;
  }
  return *this;
}

void GuestFile::close() {
  if (link_) link_->release(file_);
  link_ = nullptr;
}

}  // namespace tracegate
