// tracefs side: the 9P server and the tree it serves (the node table with `tracing/` and
// `workloads/`). One task (the 9P service) makes every call, as the node table requires.
#include "Services/ServiceBridge.h"
#include "Services/WorkloadTree.h"
#include "ninep/Server.h"
#include "trace/Tracing.h"
#include "vfs/NinePTree.h"
#include "vfs/ProcTree.h"
#include "vfs/TracingTree.h"

namespace {

struct NinePSession {
  tg::vfs::NodeTable table;
  tg::vfs::NinePTree tree{table};
  tg::ninep::Server server;
  NinePSend send = nullptr;
};

NinePSession* g_session;

void send_frame(void* transport, tg::Bytes frame) {
  static_cast<NinePSession*>(transport)->send(frame.data(), frame.size());
}

}  // namespace

bool ninep_session_init(NinePSend send, unsigned max_msize) {
  tg::trace::Tracing* tracing = tg::trace::tracing();
  if (!tracing || g_session) return false;
  auto* session = tg::create<NinePSession>();
  if (!session) return false;
  session->send = send;
  bool ok = tg::vfs::mount_tracing(session->table, *tracing).ok() &&
            tg::vfs::mount_workloads(session->table).ok() &&
            tg::vfs::mount_proc(session->table).ok();
  tg::ninep::ServerConfig config;
  config.tree = session->tree.file_tree();
  config.send = send_frame;
  config.transport = session;
  config.max_msize = max_msize;
  if (!ok || !session->server.init(config).ok()) {
    tg::destroy(session);
    return false;
  }
  g_session = session;
  return true;
}

bool ninep_session_receive(const unsigned char* bytes, unsigned long length) {
  return g_session->server.receive({bytes, length}).ok();
}

unsigned long ninep_session_poll() {
  return g_session->server.poll();
}

void ninep_session_reset() {
  g_session->server.reset();
}
