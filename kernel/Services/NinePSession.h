#pragma once

#include "Lib/Types.h"
#include "Trace/Tracefs.h"

// The 9P server and the tree it serves: a node table with `tracing/` (the one Tracing that
// tracing_init set up) and `workloads/`. One task (the 9P service) makes every call, as the
// node table requires.
class NinePSession {
 public:
  // Where replies leave, one whole frame per call, from inside receive and poll.
  using Send = void (*)(const u8* frame, size_t length);

  // ENOENT before tracing_init, ENOMEM, or what mounting a tree or the server refused.
  static tg::Result<NinePSession*> create(Send send, u32 max_msize);
  explicit NinePSession(Send send) : send_(send) {}

  // EPROTO when the stream is beyond repair (a bad frame size): the session has reset
  // itself and waits for Tversion.
  tg::Status receive(const u8* bytes, size_t length);
  // Retries parked requests (blocked reads, workloads/run writes); returns how many remain.
  size_t poll() { return server_.poll(); }
  // Drops every fid, parked request and partial frame; waits for Tversion.
  void reset() { server_.reset(); }

 private:
  static void send_frame(void* transport, tg::Bytes frame);

  tg::vfs::NodeTable table_;
  tg::vfs::NinePTree tree_{table_};
  tg::ninep::Server server_;
  Send send_;
};
