#pragma once
#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "GuestError.h"
#include "Metrics.h"
#include "ninep/FrameSplitter.h"
#include "ninep/Message.h"
#include "support/Result.h"

namespace tracegate {

namespace asio = boost::asio;
using Clock = std::chrono::steady_clock;

// One reply from the guest. `message` holds views into `frame`.
struct GuestReply {
  tg::Errno error = tg::Errno::kOk;
  std::vector<uint8_t> frame;
  tg::ninep::Message message;
};

// Lets a caller abandon a request in flight (the HTTP client went away): the link then
// sends Tflush for it and the call returns ECANCELED.
class CancelSignal {
 public:
  void cancel() {
    cancelled_ = true;
    if (on_cancel_) on_cancel_();
  }
  bool cancelled() const { return cancelled_; }
  void on_cancel(std::function<void()> hook) { on_cancel_ = std::move(hook); }

 private:
  bool cancelled_ = false;
  std::function<void()> on_cancel_;
};

// A fid the gateway holds, tied to the connection it was made on: after a reconnect it is
// stale and every operation on it fails with kGuestDown instead of reaching a reused fid.
struct WalkedFile {
  uint32_t fid = 0;
  uint64_t generation = 0;
  tg::ninep::Qid qid;
  bool directory() const { return qid.type & tg::ninep::kQidDir; }
};

class GuestLink;

// A fid held for one request, walked and perhaps opened: it is clunked when the GuestFile goes
// away, however the request ends. The Tclunk is queued at once, before any request sent
// after it, so a file's release op (a filter applied on close) has run in the guest before
// the guest sees the client's next request.
class GuestFile {
 public:
  explicit GuestFile(tg::Errno error) : error_(error) {}
  GuestFile(GuestLink& link, WalkedFile file) : link_(&link), file_(file) {}
  GuestFile(GuestFile&& other) noexcept
      : link_(std::exchange(other.link_, nullptr)), file_(other.file_), error_(other.error_) {}
  GuestFile& operator=(GuestFile&& other) noexcept;
  ~GuestFile() { close(); }

  // kOk, or why the walk failed (no fid is held then).
  tg::Errno error() const { return error_; }
  bool ok() const { return error_ == tg::Errno::kOk; }
  const WalkedFile& operator*() const { return file_; }
  bool directory() const { return file_.directory(); }
  void close();

 private:
  GuestLink* link_ = nullptr;
  WalkedFile file_;
  tg::Errno error_ = tg::Errno::kOk;
};

// The gateway's 9P2000.L client. It dials the unix socket on which the guest's
// virtio-serial chardev listens (QEMU, `server=on`), retrying until it connects and again
// whenever the connection drops (QEMU restarted). Every connection starts with Tversion and
// Tattach; only then is the link up. Requests are multiplexed by tag, so a parked trace_pipe read
// never holds up a control write. When the connection drops, every request in flight fails with
// kGuestDown and new ones do too until the next connection completes its handshake.
class GuestLink {
 public:
  static constexpr uint32_t kRequestedMsize = 1u << 20;

  GuestLink(asio::io_context& io, std::string socket_path, Metrics& metrics);
  // Starts dialling; connection attempts go on in the background for as long as the
  // io_context runs.
  void start();
  bool up() const { return up_; }
  // Called each time a connection completes its handshake (the guest answered Tversion and
  // Tattach): the supervisor learns that the guest it runs is serving.
  void on_up(std::function<void()> hook) { on_up_ = std::move(hook); }
  uint32_t msize() const { return msize_; }
  // The current connection's number: a WalkedFile of another one is stale.
  uint64_t generation() const { return generation_; }
  // Largest useful Tread / Twrite count for the negotiated msize.
  uint32_t io_size() const { return msize_ - tg::ninep::kWriteOverhead; }

  // Sends one request on the current connection (the tag is assigned here) and waits for
  // its reply; `generation` (when non-zero) must still be the current connection's.
  asio::awaitable<GuestReply> call(tg::ninep::Message request, Clock::duration timeout,
                                   CancelSignal* cancel = nullptr, uint64_t generation = 0);

  // File operations over call(); each returns the guest's errno or a link failure.
  asio::awaitable<tg::Result<WalkedFile>> walk(const std::vector<std::string>& path,
                                               Clock::duration timeout);
  asio::awaitable<tg::Status> open(const WalkedFile& file, uint32_t flags, Clock::duration timeout);
  asio::awaitable<GuestReply> read(const WalkedFile& file, uint64_t offset, uint32_t count,
                                   Clock::duration timeout, CancelSignal* cancel = nullptr);
  asio::awaitable<tg::Result<uint32_t>> write(const WalkedFile& file, uint64_t offset,
                                              std::string_view data, Clock::duration timeout);
  asio::awaitable<GuestReply> readdir(const WalkedFile& file, uint64_t offset,
                                      Clock::duration timeout);
  asio::awaitable<tg::Result<tg::ninep::Attr>> getattr(const WalkedFile& file,
                                                       Clock::duration timeout);
  asio::awaitable<tg::Status> mkdir(const WalkedFile& file, std::string_view name,
                                    Clock::duration timeout);
  asio::awaitable<tg::Status> unlinkat(const WalkedFile& file, std::string_view name,
                                       uint32_t flags, Clock::duration timeout);
  // Releases the fid; errors are of no interest to the caller.
  asio::awaitable<void> clunk(WalkedFile file);
  // Queues the Tclunk now and returns; the fid is reused only once the guest has answered.
  void release(WalkedFile file);
  // walk() whose fid is clunked when the result goes away.
  asio::awaitable<GuestFile> walk_file(const std::vector<std::string>& path,
                                       Clock::duration timeout);

 private:
  using Socket = asio::local::stream_protocol::socket;
  struct Pending {
    explicit Pending(asio::any_io_executor executor) : wake(executor) {}
    asio::steady_timer wake;
    bool done = false;
    GuestReply reply;
    // A clunk sent by release(): nobody waits; the reply frees this fid.
    uint32_t release_fid = tg::ninep::kNoFid;
  };

  asio::awaitable<void> dial_loop();
  asio::awaitable<void> establish(uint64_t generation);
  asio::awaitable<void> read_loop(std::shared_ptr<Socket> socket, uint64_t generation);
  asio::awaitable<void> write_loop(std::shared_ptr<Socket> socket);
  asio::awaitable<bool> handshake(uint64_t generation);
  // `flush_on_timeout` false: the caller drops the connection instead (the handshake).
  asio::awaitable<GuestReply> exchange(tg::ninep::Message request, Clock::duration timeout,
                                       CancelSignal* cancel, uint64_t generation,
                                       bool flush_on_timeout = true);
  asio::awaitable<void> flush(uint16_t oldtag);
  // Encodes `request` with a fresh tag and queues it; null (and why in `error`) when it
  // cannot be sent on connection `generation`.
  std::shared_ptr<Pending> post(tg::ninep::Message& request, uint64_t generation, tg::Errno& error);
  void deliver(tg::Bytes frame);
  void drop_connection(uint64_t generation);
  bool allocate_tag(uint16_t& tag);
  uint32_t allocate_fid();

  asio::io_context& io_;
  std::string socket_path_;
  Metrics& metrics_;
  std::shared_ptr<Socket> socket_;
  uint64_t generation_ = 0;
  bool up_ = false;
  uint32_t msize_ = kRequestedMsize;
  tg::ninep::FrameSplitter splitter_;
  std::map<uint16_t, std::shared_ptr<Pending>> pending_;
  uint16_t next_tag_ = 0;
  std::set<uint32_t> fids_;
  uint32_t next_fid_ = 1;
  std::deque<std::vector<uint8_t>> outbox_;
  bool writing_ = false;
  std::function<void()> on_up_;
};

}  // namespace tracegate
