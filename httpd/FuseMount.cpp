#include "FuseMount.h"

#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <sys/stat.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <cerrno>
#include <cstring>
#include <iostream>
#include <stdexcept>

#include "ninep/Dirent.h"

namespace tracegate {

using tg::Errno;
using tg::ninep::Message;
using tg::ninep::MessageType;

namespace {

// Reads and writes may block in the guest for as long as the data takes (trace_pipe,
// workloads/run): they end when the guest answers or the reader is interrupted.
constexpr auto kBlockingTimeout = std::chrono::hours(24 * 365);

// The open(2) flags 9P2000.L carries to the guest; the rest are the host kernel's business.
constexpr int kPassedOpenFlags = O_ACCMODE | O_TRUNC | O_APPEND | O_NONBLOCK | O_DIRECTORY;

constexpr Errno kStale = static_cast<Errno>(ESTALE);

// The session thread is woken from its read of /dev/fuse with this signal on the way out.
constexpr int kWakeSignal = SIGUSR2;

int errno_of(Errno error) {
  if (error == kGuestDown) return EIO;
  if (error == kGuestTimeout) return ETIMEDOUT;
  // An interrupted request was flushed: the reader's system call ends with EINTR.
  if (error == Errno::kCanceled) return EINTR;
  return static_cast<int>(error);
}

struct stat stat_of(fuse_ino_t ino, const tg::ninep::Attr& attr) {
  struct stat st {};
  st.st_ino = ino;
  st.st_mode = attr.mode;
  st.st_nlink = attr.nlink ? attr.nlink : 1;
  st.st_uid = attr.uid;
  st.st_gid = attr.gid;
  st.st_size = static_cast<off_t>(attr.size);
  st.st_blksize = 4096;
  st.st_atim = {static_cast<time_t>(attr.atime_sec), static_cast<long>(attr.atime_nsec)};
  st.st_mtim = {static_cast<time_t>(attr.mtime_sec), static_cast<long>(attr.mtime_nsec)};
  st.st_ctim = {static_cast<time_t>(attr.ctime_sec), static_cast<long>(attr.ctime_nsec)};
  return st;
}

std::vector<std::string> child_path(const std::vector<std::string>& parent, std::string name) {
  std::vector<std::string> path = parent;
  path.push_back(std::move(name));
  return path;
}

}  // namespace

FuseMount::FuseMount(asio::io_context& io, GuestLink& link, std::string directory,
                     Clock::duration timeout)
    : io_(io), link_(link), directory_(std::move(directory)), timeout_(timeout) {
  inodes_[FUSE_ROOT_ID].lookups = 1;
}

FuseMount::~FuseMount() {
  stop();
}

const fuse_lowlevel_ops FuseMount::kOps = [] {
  fuse_lowlevel_ops ops{};
  ops.init = &FuseMount::on_init;
  ops.lookup = &FuseMount::on_lookup;
  ops.forget = &FuseMount::on_forget;
  ops.getattr = &FuseMount::on_getattr;
  ops.setattr = &FuseMount::on_setattr;
  ops.open = &FuseMount::on_open;
  ops.create = &FuseMount::on_create;
  ops.read = &FuseMount::on_read;
  ops.write = &FuseMount::on_write;
  ops.release = &FuseMount::on_release;
  ops.opendir = &FuseMount::on_open;
  ops.readdir = &FuseMount::on_readdir;
  ops.releasedir = &FuseMount::on_release;
  ops.mkdir = &FuseMount::on_mkdir;
  ops.rmdir = &FuseMount::on_rmdir;
  ops.unlink = &FuseMount::on_unlink;
  return ops;
}();

void FuseMount::start() {
  // fsname and subtype make the /proc/mounts line read `tracefs DIR fuse.tracefs ...`.
  const char* argv[] = {"tracegate-gatewayd", "-o", "fsname=tracefs,subtype=tracefs"};
  fuse_args args = FUSE_ARGS_INIT(3, const_cast<char**>(argv));
  session_ = fuse_session_new(&args, &kOps, sizeof kOps, this);
  if (!session_) throw std::runtime_error("--mount: cannot start a FUSE session");
  if (fuse_session_mount(session_, directory_.c_str()) != 0) {
    fuse_session_destroy(session_);
    session_ = nullptr;
    throw std::runtime_error("--mount: cannot mount on " + directory_ +
                             " (is /dev/fuse there, and the directory not mounted already?)");
  }
  struct sigaction wake {};
  wake.sa_handler = [](int) {};
  sigaction(kWakeSignal, &wake, nullptr);  // no SA_RESTART: the read returns EINTR
  thread_ = std::thread([this] { fuse_session_loop(session_); });
  std::cerr << "tracegate-gatewayd: guest tree mounted on " << directory_ << "\n";
}

void FuseMount::stop() {
  if (!session_) return;
  fuse_session_exit(session_);
  // The loop checks the exit flag between reads; the signal ends a read in progress. It is
  // sent until the thread has left the loop, since one may land just before a read starts.
  std::atomic<bool> joined{false};
  std::thread waker([this, &joined] {
    while (!joined) {
      pthread_kill(thread_.native_handle(), kWakeSignal);
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  });
  thread_.join();
  joined = true;
  waker.join();
  fuse_session_unmount(session_);
  fuse_session_destroy(session_);
  session_ = nullptr;
  std::cerr << "tracegate-gatewayd: unmounted " << directory_ << "\n";
}

FuseMount& FuseMount::of(fuse_req_t req) {
  return *static_cast<FuseMount*>(fuse_req_userdata(req));
}

// --- Session thread: hand each request to the io_context. ---

void FuseMount::on_init(void*, fuse_conn_info* conn) {
  // `> file` must reach the guest as one open with O_TRUNC (Linux clears trace and the list
  // files on it), not as an open followed by a truncate.
  if (conn->capable & FUSE_CAP_ATOMIC_O_TRUNC) conn->want |= FUSE_CAP_ATOMIC_O_TRUNC;
}

void FuseMount::on_lookup(fuse_req_t req, fuse_ino_t parent, const char* name) {
  FuseMount& self = of(req);
  asio::co_spawn(self.io_, self.lookup(req, parent, name), asio::detached);
}

void FuseMount::on_forget(fuse_req_t req, fuse_ino_t ino, uint64_t nlookup) {
  FuseMount& self = of(req);
  asio::post(self.io_, [&self, ino, nlookup] { self.forget(ino, nlookup); });
  fuse_reply_none(req);
}

void FuseMount::on_getattr(fuse_req_t req, fuse_ino_t ino, fuse_file_info*) {
  FuseMount& self = of(req);
  asio::co_spawn(self.io_, self.getattr(req, ino), asio::detached);
}

void FuseMount::on_setattr(fuse_req_t req, fuse_ino_t ino, struct stat* attr, int to_set,
                           fuse_file_info*) {
  FuseMount& self = of(req);
  // Sizes are always 0; truncating is what O_TRUNC does. Times are not kept (touch is a
  // no-op); modes and owners cannot be changed over this link.
  if (to_set & (FUSE_SET_ATTR_MODE | FUSE_SET_ATTR_UID | FUSE_SET_ATTR_GID)) {
    fuse_reply_err(req, EOPNOTSUPP);
    return;
  }
  if ((to_set & FUSE_SET_ATTR_SIZE) && attr->st_size == 0) {
    asio::co_spawn(self.io_, self.truncate(req, ino), asio::detached);
    return;
  }
  if (to_set & FUSE_SET_ATTR_SIZE) {
    fuse_reply_err(req, EINVAL);
    return;
  }
  asio::co_spawn(self.io_, self.getattr(req, ino), asio::detached);
}

void FuseMount::on_open(fuse_req_t req, fuse_ino_t ino, fuse_file_info* fi) {
  FuseMount& self = of(req);
  asio::co_spawn(self.io_, self.open(req, ino, *fi), asio::detached);
}

// tracefs has no creatable files: the guest answers Tlcreate with Linux's EACCES.
void FuseMount::on_create(fuse_req_t req, fuse_ino_t parent, const char* name, mode_t,
                          fuse_file_info*) {
  FuseMount& self = of(req);
  std::string child = name;
  asio::co_spawn(
      self.io_,
      [&self, req, parent, child]() -> asio::awaitable<void> {
        auto dir = co_await self.fid_of(parent);
        if (!dir.ok()) co_return (void) fuse_reply_err(req, errno_of(dir.error()));
        auto clone = co_await self.link_.walk(self.inodes_[parent].path, self.timeout_);
        if (!clone.ok()) co_return (void) fuse_reply_err(req, errno_of(clone.error()));
        Message m;
        m.type = MessageType::kTlcreate;
        m.fid = clone.value().fid;
        m.name = tg::StringView(child.data(), child.size());
        m.flags = tg::ninep::kOpenWriteOnly;
        m.mode = 0644;
        GuestReply reply =
            co_await self.link_.call(m, self.timeout_, nullptr, clone.value().generation);
        co_await self.link_.clunk(clone.value());
        fuse_reply_err(req, reply.error == Errno::kOk ? EACCES : errno_of(reply.error));
      },
      asio::detached);
}

uint64_t FuseMount::begin_interruptible(fuse_req_t req) {
  uint64_t id = next_request_id_++;
  fuse_req_interrupt_func(req, &FuseMount::interrupt, reinterpret_cast<void*>(id));
  return id;
}

void FuseMount::interrupt(fuse_req_t req, void* data) {
  FuseMount& self = of(req);
  uint64_t id = reinterpret_cast<uint64_t>(data);
  asio::post(self.io_, [&self, id] {
    auto it = self.in_flight_.find(id);
    if (it == self.in_flight_.end()) {
      self.interrupted_early_.insert(id);
      return;
    }
    it->second.cancel();
  });
}

void FuseMount::on_read(fuse_req_t req, fuse_ino_t, size_t size, off_t off, fuse_file_info* fi) {
  FuseMount& self = of(req);
  uint64_t id = self.begin_interruptible(req);
  asio::co_spawn(self.io_, self.read(req, fi->fh, size, off, id), asio::detached);
}

void FuseMount::on_write(fuse_req_t req, fuse_ino_t, const char* buf, size_t size, off_t off,
                         fuse_file_info* fi) {
  FuseMount& self = of(req);
  uint64_t id = self.begin_interruptible(req);
  asio::co_spawn(self.io_, self.write(req, fi->fh, std::string(buf, size), off, id),
                 asio::detached);
}

void FuseMount::on_release(fuse_req_t req, fuse_ino_t, fuse_file_info* fi) {
  FuseMount& self = of(req);
  asio::co_spawn(self.io_, self.release(req, fi->fh), asio::detached);
}

void FuseMount::on_readdir(fuse_req_t req, fuse_ino_t, size_t size, off_t off, fuse_file_info* fi) {
  FuseMount& self = of(req);
  asio::co_spawn(self.io_, self.readdir(req, fi->fh, size, off), asio::detached);
}

void FuseMount::on_mkdir(fuse_req_t req, fuse_ino_t parent, const char* name, mode_t) {
  FuseMount& self = of(req);
  asio::co_spawn(self.io_, self.mkdir(req, parent, name), asio::detached);
}

void FuseMount::on_rmdir(fuse_req_t req, fuse_ino_t parent, const char* name) {
  FuseMount& self = of(req);
  asio::co_spawn(self.io_, self.remove(req, parent, name, tg::ninep::kRemoveDir), asio::detached);
}

void FuseMount::on_unlink(fuse_req_t req, fuse_ino_t parent, const char* name) {
  FuseMount& self = of(req);
  asio::co_spawn(self.io_, self.remove(req, parent, name, 0), asio::detached);
}

// --- io thread: the 9P side. ---

asio::awaitable<tg::Result<WalkedFile>> FuseMount::fid_of(fuse_ino_t ino) {
  auto it = inodes_.find(ino);
  if (it == inodes_.end()) co_return kStale;
  if (it->second.have_fid && it->second.file.generation == link_.generation())
    co_return it->second.file;
  auto walked = co_await link_.walk(it->second.path, timeout_);
  if (!walked.ok()) co_return walked.error();
  // The inode may have been forgotten while the walk was on its way.
  it = inodes_.find(ino);
  if (it == inodes_.end()) {
    co_await link_.clunk(walked.value());
    co_return kStale;
  }
  if (it->second.have_fid) co_await link_.clunk(it->second.file);
  it->second.file = walked.value();
  it->second.have_fid = true;
  co_return walked.value();
}

asio::awaitable<tg::Result<fuse_entry_param>> FuseMount::entry_of(std::vector<std::string> path) {
  auto walked = co_await link_.walk(path, timeout_);
  if (!walked.ok()) co_return walked.error();
  auto attr = co_await link_.getattr(walked.value(), timeout_);
  if (!attr.ok()) {
    co_await link_.clunk(walked.value());
    co_return attr.error();
  }
  uint64_t qid_path = walked.value().qid.path;
  fuse_ino_t ino;
  auto known = by_qid_.find(qid_path);
  // The guest reuses a removed node's qid for the next node it makes (a kprobe group gone,
  // another made): only the same path is the same file.
  if (known != by_qid_.end() && inodes_[known->second].path == path) {
    ino = known->second;
    Inode& inode = inodes_[ino];
    if (inode.have_fid && inode.file.generation == link_.generation()) {
      co_await link_.clunk(walked.value());
    } else {
      inode.file = walked.value();
      inode.have_fid = true;
    }
  } else {
    ino = next_ino_++;
    by_qid_[qid_path] = ino;
    Inode& inode = inodes_[ino];
    inode.path = std::move(path);
    inode.qid_path = qid_path;
    inode.file = walked.value();
    inode.have_fid = true;
  }
  ++inodes_[ino].lookups;
  fuse_entry_param entry{};
  entry.ino = ino;
  entry.attr = stat_of(ino, attr.value());
  // Nothing is cached: instances come and go through HTTP too, and every file is synthetic.
  entry.attr_timeout = 0;
  entry.entry_timeout = 0;
  co_return entry;
}

void FuseMount::forget(fuse_ino_t ino, uint64_t count) {
  auto it = inodes_.find(ino);
  if (ino == FUSE_ROOT_ID || it == inodes_.end()) return;
  if (it->second.lookups > count) {
    it->second.lookups -= count;
    return;
  }
  if (it->second.have_fid) asio::co_spawn(io_, link_.clunk(it->second.file), asio::detached);
  auto mapped = by_qid_.find(it->second.qid_path);
  if (mapped != by_qid_.end() && mapped->second == ino) by_qid_.erase(mapped);
  inodes_.erase(it);
}

asio::awaitable<void> FuseMount::lookup(fuse_req_t req, fuse_ino_t parent, std::string name) {
  auto it = inodes_.find(parent);
  if (it == inodes_.end()) co_return (void) fuse_reply_err(req, ESTALE);
  auto entry = co_await entry_of(child_path(it->second.path, std::move(name)));
  if (!entry.ok()) co_return (void) fuse_reply_err(req, errno_of(entry.error()));
  fuse_reply_entry(req, &entry.value());
}

asio::awaitable<void> FuseMount::getattr(fuse_req_t req, fuse_ino_t ino) {
  auto file = co_await fid_of(ino);
  if (!file.ok()) co_return (void) fuse_reply_err(req, errno_of(file.error()));
  auto attr = co_await link_.getattr(file.value(), timeout_);
  if (!attr.ok()) co_return (void) fuse_reply_err(req, errno_of(attr.error()));
  struct stat st = stat_of(ino, attr.value());
  fuse_reply_attr(req, &st, 0);
}

// truncate(2) to 0 is an open with O_TRUNC and a close, as tracefs has no setattr of sizes.
asio::awaitable<void> FuseMount::truncate(fuse_req_t req, fuse_ino_t ino) {
  auto it = inodes_.find(ino);
  if (it == inodes_.end()) co_return (void) fuse_reply_err(req, ESTALE);
  auto walked = co_await link_.walk(it->second.path, timeout_);
  if (!walked.ok()) co_return (void) fuse_reply_err(req, errno_of(walked.error()));
  tg::Status opened = co_await link_.open(walked.value(), O_WRONLY | O_TRUNC, timeout_);
  auto attr = co_await link_.getattr(walked.value(), timeout_);
  co_await link_.clunk(walked.value());
  if (!opened.ok()) co_return (void) fuse_reply_err(req, errno_of(opened.error()));
  if (!attr.ok()) co_return (void) fuse_reply_err(req, errno_of(attr.error()));
  struct stat st = stat_of(ino, attr.value());
  fuse_reply_attr(req, &st, 0);
}

asio::awaitable<void> FuseMount::open(fuse_req_t req, fuse_ino_t ino, fuse_file_info fi) {
  auto it = inodes_.find(ino);
  if (it == inodes_.end()) co_return (void) fuse_reply_err(req, ESTALE);
  auto walked = co_await link_.walk(it->second.path, timeout_);
  if (!walked.ok()) co_return (void) fuse_reply_err(req, errno_of(walked.error()));
  tg::Status opened = co_await link_.open(walked.value(), fi.flags & kPassedOpenFlags, timeout_);
  if (!opened.ok()) {
    co_await link_.clunk(walked.value());
    co_return (void) fuse_reply_err(req, errno_of(opened.error()));
  }
  uint64_t handle = next_handle_++;
  open_files_[handle] = walked.value();
  fi.fh = handle;
  // Synthetic files report size 0: every read must reach the guest, never the page cache.
  fi.direct_io = 1;
  fi.keep_cache = 0;
  if (fuse_reply_open(req, &fi) != 0) {
    // The opener was interrupted meanwhile: FUSE releases nothing it never saw opened.
    open_files_.erase(handle);
    co_await link_.clunk(walked.value());
  }
}

CancelSignal& FuseMount::track(uint64_t request_id) {
  CancelSignal& cancel = in_flight_[request_id];
  if (interrupted_early_.erase(request_id)) cancel.cancel();
  return cancel;
}

void FuseMount::untrack(uint64_t request_id) {
  in_flight_.erase(request_id);
}

asio::awaitable<void> FuseMount::read(fuse_req_t req, uint64_t handle, size_t size, off_t off,
                                      uint64_t request_id) {
  CancelSignal& cancel = track(request_id);
  auto it = open_files_.find(handle);
  if (it == open_files_.end()) {
    untrack(request_id);
    co_return (void) fuse_reply_err(req, EBADF);
  }
  uint32_t count = static_cast<uint32_t>(std::min<size_t>(size, link_.io_size()));
  GuestReply reply =
      co_await link_.read(it->second, static_cast<uint64_t>(off), count, kBlockingTimeout, &cancel);
  untrack(request_id);
  if (reply.error != Errno::kOk) co_return (void) fuse_reply_err(req, errno_of(reply.error));
  fuse_reply_buf(req, reinterpret_cast<const char*>(reply.message.data.data()),
                 reply.message.data.size());
}

asio::awaitable<void> FuseMount::write(fuse_req_t req, uint64_t handle, std::string data, off_t off,
                                       uint64_t request_id) {
  CancelSignal& cancel = track(request_id);
  auto it = open_files_.find(handle);
  if (it == open_files_.end()) {
    untrack(request_id);
    co_return (void) fuse_reply_err(req, EBADF);
  }
  // One write() is one Twrite; a short count (a list file takes one word) goes back to the
  // writer, whose loop sends the rest, as on Linux.
  Message m;
  m.type = MessageType::kTwrite;
  m.fid = it->second.fid;
  m.offset = static_cast<uint64_t>(off);
  size_t count = std::min<size_t>(data.size(), link_.io_size());
  m.data = tg::Bytes(reinterpret_cast<const uint8_t*>(data.data()), count);
  GuestReply reply = co_await link_.call(m, kBlockingTimeout, &cancel, it->second.generation);
  untrack(request_id);
  if (reply.error != Errno::kOk) co_return (void) fuse_reply_err(req, errno_of(reply.error));
  fuse_reply_write(req, reply.message.count);
}

asio::awaitable<void> FuseMount::release(fuse_req_t req, uint64_t handle) {
  auto it = open_files_.find(handle);
  if (it != open_files_.end()) {
    WalkedFile file = it->second;
    open_files_.erase(it);
    co_await link_.clunk(file);
  }
  fuse_reply_err(req, 0);
}

asio::awaitable<void> FuseMount::readdir(fuse_req_t req, uint64_t handle, size_t size, off_t off) {
  auto it = open_files_.find(handle);
  if (it == open_files_.end()) co_return (void) fuse_reply_err(req, EBADF);
  GuestReply reply = co_await link_.readdir(it->second, static_cast<uint64_t>(off), timeout_);
  if (reply.error != Errno::kOk) co_return (void) fuse_reply_err(req, errno_of(reply.error));
  // Entries that do not fit are asked for again from their offset by the next readdir.
  std::vector<char> buffer(size);
  size_t used = 0;
  tg::ninep::DirentReader reader(reply.message.data);
  tg::ninep::Dirent entry;
  while (reader.next(entry)) {
    std::string name(entry.name.data(), entry.name.size());
    struct stat st {};
    st.st_ino = entry.qid.path;
    st.st_mode = (entry.type == tg::ninep::kDirentDir ? S_IFDIR : S_IFREG);
    size_t needed = fuse_add_direntry(req, buffer.data() + used, size - used, name.c_str(), &st,
                                      static_cast<off_t>(entry.offset));
    if (needed > size - used) break;
    used += needed;
  }
  if (reader.malformed()) co_return (void) fuse_reply_err(req, EPROTO);
  fuse_reply_buf(req, buffer.data(), used);
}

asio::awaitable<void> FuseMount::mkdir(fuse_req_t req, fuse_ino_t parent, std::string name) {
  auto dir = co_await fid_of(parent);
  if (!dir.ok()) co_return (void) fuse_reply_err(req, errno_of(dir.error()));
  tg::Status made = co_await link_.mkdir(dir.value(), name, timeout_);
  if (!made.ok()) co_return (void) fuse_reply_err(req, errno_of(made.error()));
  auto entry = co_await entry_of(child_path(inodes_[parent].path, std::move(name)));
  if (!entry.ok()) co_return (void) fuse_reply_err(req, errno_of(entry.error()));
  fuse_reply_entry(req, &entry.value());
}

asio::awaitable<void> FuseMount::remove(fuse_req_t req, fuse_ino_t parent, std::string name,
                                        uint32_t flags) {
  auto dir = co_await fid_of(parent);
  if (!dir.ok()) co_return (void) fuse_reply_err(req, errno_of(dir.error()));
  tg::Status removed = co_await link_.unlinkat(dir.value(), name, flags, timeout_);
  fuse_reply_err(req, removed.ok() ? 0 : errno_of(removed.error()));
}

}  // namespace tracegate
