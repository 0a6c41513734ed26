#include "Services/NinePSession.h"

#include "Services/WorkloadTree.h"

tg::Result<NinePSession*> NinePSession::create(Send send, u32 max_msize) {
  tg::trace::Tracing* tracing = tg::trace::tracing();
  if (!tracing) return tg::Errno::kNoEnt;
  tg::OwnPtr<NinePSession> session(tg::create<NinePSession>(send));
  if (!session) return tg::Errno::kNoMem;
  TRY(tg::vfs::mount_tracing(session->table_, *tracing));
  TRY(tg::vfs::mount_workloads(session->table_));
  TRY(tg::vfs::mount_proc(session->table_, *tracing));
  tg::ninep::ServerConfig config;
  config.tree = session->tree_.file_tree();
  config.send = send_frame;
  config.transport = session.get();
  config.max_msize = max_msize;
  TRY(session->server_.init(config));
  return session.leak();
}

tg::Status NinePSession::receive(const u8* bytes, size_t length) {
  return server_.receive({bytes, length});
}

void NinePSession::send_frame(void* transport, tg::Bytes frame) {
  static_cast<NinePSession*>(transport)->send_(frame.data(), frame.size());
}
