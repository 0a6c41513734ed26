#pragma once
#include "ninep/FileTree.h"
#include "ninep/FrameSplitter.h"
#include "ninep/Message.h"
#include "support/Vector.h"

namespace tg::ninep {

// A 9P2000.L file server over one byte stream, with no threads of its own: the transport
// calls receive() when bytes arrive, poll() when a parked request may have become ready
// (the tree woke readers, or a timer), and reset() when the peer connects or disconnects.
// Replies leave through `send`, one whole frame per call.
struct ServerConfig {
  FileTree tree;
  void (*send)(void* transport, Bytes frame) = nullptr;
  void* transport = nullptr;
  u32 max_msize = 1u << 20;
};

class Server {
 public:
  Status init(const ServerConfig& config);

  // The stream was (re)opened or closed: every fid, parked request and partial frame is
  // dropped, and nothing but Tversion is accepted until a new session starts.
  void reset();
  // EPROTO when the stream is beyond repair (bad frame size): the transport should drop
  // the connection; the server has already reset itself.
  Status receive(Bytes bytes);
  // Retries parked requests; returns how many are still parked.
  usize poll();

  usize parked() const { return parked_.size(); }
  usize open_fids() const { return fids_.size(); }
  u32 msize() const { return msize_; }

 private:
  struct Fid {
    u32 id;
    NodeInfo node;
    void* handle;  // non-null once opened
    u32 flags;
  };
  struct Parked {
    u16 tag;
    u32 fid;
    u64 offset;
    u32 count;
    bool is_write;  // a write waiting for write_done
  };

  void handle(const Message& request);
  void reply(const Message& message);
  void reply_error(u16 tag, Errno error);
  Fid* find_fid(u32 id);
  void release_fid(usize index);
  void drop_session();
  // True when the request finished (replied), false when it has to stay parked.
  bool try_read(u16 tag, Fid& fid, u64 offset, u32 count);
  bool try_write_done(u16 tag, Fid& fid);

  void on_version(const Message& m);
  void on_attach(const Message& m);
  void on_walk(const Message& m);
  void on_lopen(const Message& m);
  void on_read(const Message& m);
  void on_write(const Message& m);
  void on_clunk(const Message& m);
  void on_getattr(const Message& m);
  void on_readdir(const Message& m);
  void on_flush(const Message& m);
  void on_mkdir(const Message& m);
  void on_unlinkat(const Message& m);
  void on_statfs(const Message& m);

  ServerConfig config_;
  FrameSplitter splitter_;
  Vector<u8> out_;  // one reply frame
  Vector<Fid> fids_;
  Vector<Parked> parked_;
  u32 msize_ = 0;  // 0 until Tversion
};

}  // namespace tg::ninep
