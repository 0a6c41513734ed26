#pragma once
#define FUSE_USE_VERSION 34
#include <fuse_lowlevel.h>

#include <atomic>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "GuestLink.h"

namespace tracegate {

// The guest's tree mounted on the host through FUSE (libfuse3's low-level API), sharing the
// gateway's guest link. The FUSE session reads requests on a thread of its own and hands
// each to the io_context as a coroutine that issues the matching 9P request(s) and replies
// from there, so a blocked trace_pipe read never holds up the next request. A FUSE
// interrupt (the reader got a signal) becomes a Tflush of the blocked request.
//
// Inode numbers are per qid path; each looked-up inode keeps a walked fid for getattr,
// mkdir and rmdir, walked again from the root when the guest link has reconnected since.
class FuseMount {
 public:
  FuseMount(asio::io_context& io, GuestLink& link, std::string directory, Clock::duration timeout);
  ~FuseMount();
  FuseMount(const FuseMount&) = delete;
  FuseMount& operator=(const FuseMount&) = delete;

  // Mounts (as `tracefs`, type fuse.tracefs) and starts the session thread; throws when the
  // mount fails (no /dev/fuse, not a directory, already mounted).
  void start();
  // Unmounts and joins the session thread. Called on the gateway's way out.
  void stop();
  const std::string& directory() const { return directory_; }

 private:
  struct Inode {
    std::vector<std::string> path;
    uint64_t qid_path = 0;
    uint64_t lookups = 0;
    bool have_fid = false;
    WalkedFile file;
  };
  static FuseMount& of(fuse_req_t req);
  static void interrupt(fuse_req_t req, void* data);
  static const fuse_lowlevel_ops kOps;

  // FUSE callbacks (session thread): each posts a coroutine below onto the io_context.
  static void on_init(void* self, fuse_conn_info* conn);
  static void on_lookup(fuse_req_t req, fuse_ino_t parent, const char* name);
  static void on_forget(fuse_req_t req, fuse_ino_t ino, uint64_t nlookup);
  static void on_getattr(fuse_req_t req, fuse_ino_t ino, fuse_file_info* fi);
  static void on_setattr(fuse_req_t req, fuse_ino_t ino, struct stat* attr, int to_set,
                         fuse_file_info* fi);
  static void on_open(fuse_req_t req, fuse_ino_t ino, fuse_file_info* fi);
  static void on_create(fuse_req_t req, fuse_ino_t parent, const char* name, mode_t mode,
                        fuse_file_info* fi);
  static void on_read(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off, fuse_file_info* fi);
  static void on_write(fuse_req_t req, fuse_ino_t ino, const char* buf, size_t size, off_t off,
                       fuse_file_info* fi);
  static void on_release(fuse_req_t req, fuse_ino_t ino, fuse_file_info* fi);
  static void on_readdir(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off,
                         fuse_file_info* fi);
  static void on_mkdir(fuse_req_t req, fuse_ino_t parent, const char* name, mode_t mode);
  static void on_rmdir(fuse_req_t req, fuse_ino_t parent, const char* name);
  static void on_unlink(fuse_req_t req, fuse_ino_t parent, const char* name);
  static void on_statfs(fuse_req_t req, fuse_ino_t ino);

  asio::awaitable<void> lookup(fuse_req_t req, fuse_ino_t parent, std::string name);
  asio::awaitable<void> getattr(fuse_req_t req, fuse_ino_t ino);
  asio::awaitable<void> truncate(fuse_req_t req, fuse_ino_t ino);
  asio::awaitable<void> open(fuse_req_t req, fuse_ino_t ino, fuse_file_info fi);
  asio::awaitable<void> read(fuse_req_t req, uint64_t handle, size_t size, off_t off,
                             uint64_t request_id);
  asio::awaitable<void> write(fuse_req_t req, uint64_t handle, std::string data, off_t off,
                              uint64_t request_id);
  asio::awaitable<void> release(fuse_req_t req, uint64_t handle);
  asio::awaitable<void> readdir(fuse_req_t req, uint64_t handle, size_t size, off_t off);
  asio::awaitable<void> mkdir(fuse_req_t req, fuse_ino_t parent, std::string name);
  asio::awaitable<void> remove(fuse_req_t req, fuse_ino_t parent, std::string name, uint32_t flags);

  // The inode's fid on the current connection (walked again after a reconnect).
  asio::awaitable<tg::Result<WalkedFile>> fid_of(fuse_ino_t ino);
  asio::awaitable<tg::Result<fuse_entry_param>> entry_of(std::vector<std::string> path);
  void forget(fuse_ino_t ino, uint64_t count);
  // Registers a cancellable request (io thread); interrupts that came first cancel it now.
  CancelSignal& track(uint64_t request_id);
  void untrack(uint64_t request_id);
  uint64_t begin_interruptible(fuse_req_t req);

  asio::io_context& io_;
  GuestLink& link_;
  std::string directory_;
  Clock::duration timeout_;
  fuse_session* session_ = nullptr;
  std::thread thread_;

  // Touched on the io thread only.
  std::map<fuse_ino_t, Inode> inodes_;
  std::map<uint64_t, fuse_ino_t> by_qid_;
  fuse_ino_t next_ino_ = FUSE_ROOT_ID + 1;
  std::map<uint64_t, WalkedFile> open_files_;
  uint64_t next_handle_ = 1;
  std::map<uint64_t, CancelSignal> in_flight_;
  std::set<uint64_t> interrupted_early_;
  std::atomic<uint64_t> next_request_id_{1};
};

}  // namespace tracegate
