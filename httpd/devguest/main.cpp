// tracegate-hostguest: plays the guest for gateway tests and benchmarks. It listens on a
// unix socket exactly as QEMU's chardev does for virtio-serial port 1 (server=on, one
// client at a time; the gateway dials in and may come back) and serves the real tracefs
// tree (tracefs/vfs) plus a host workloads/ tree through tracefs/ninep/Server, the kernel's
// 9P server. What it lacks is a kernel: no function call sites fire, so the trace holds
// trace_marker entries and whatever the host workloads mark.
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <string>
#include <vector>

#include "HostWorkloads.h"
#include "ninep/Server.h"
#include "support/Memory.h"
#include "trace/Tracing.h"
#include "vfs/NinePTree.h"
#include "vfs/TracingTree.h"

namespace {

// A few kernel function names, so that set_ftrace_filter and friends have something to
// match (addresses are made up; nothing calls them).
constexpr tg::u64 kTextBase = 0xffffffff80000000ull;
const tg::Symbol kSymbols[] = {
    {kTextBase + 0x1000, 0x80, "kmalloc"},
    {kTextBase + 0x1080, 0x60, "kfree"},
    {kTextBase + 0x1100, 0x40, "kmem_cache_alloc"},
    {kTextBase + 0x2000, 0x90, "vfs_read"},
    {kTextBase + 0x2090, 0x90, "vfs_write"},
    {kTextBase + 0x3000, 0x100, "schedule"},
    {kTextBase + 0x3100, 0x80, "Scheduler::pick_next"},
    {kTextBase + 0x4000, 0x40, "timer_interrupt"},
    {kTextBase + 0x5000, 0x30, "ninep_dispatch", true},
};

void* host_allocate(tg::usize size, tg::usize align) {
  if (align < sizeof(void*)) align = sizeof(void*);
  return std::aligned_alloc(align, (size + align - 1) / align * align);
}

tg::u64 host_clock(tg::TraceClock clock) {
  static tg::u64 counter = 0;
  if (clock == tg::TraceClock::kCounter) return counter++;
  auto now = std::chrono::steady_clock::now().time_since_epoch();
  return static_cast<tg::u64>(std::chrono::duration_cast<std::chrono::nanoseconds>(now).count());
}

int listen_on(const std::string& path) {
  int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  if (fd < 0 || path.size() >= sizeof(address.sun_path)) return -1;
  std::strncpy(address.sun_path, path.c_str(), sizeof(address.sun_path) - 1);
  ::unlink(path.c_str());
  if (::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
      ::listen(fd, 4) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

// Writes a whole frame; the stream is blocking, so a slow gateway throttles the server the
// way a full virtqueue throttles the guest.
void send_all(void* transport, tg::Bytes frame) {
  int fd = *static_cast<int*>(transport);
  size_t sent = 0;
  while (sent < frame.size() && fd >= 0) {
    ssize_t n = ::send(fd, frame.data() + sent, frame.size() - sent, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;
    sent += static_cast<size_t>(n);
  }
}

// Serves one connection until the peer goes away.
void serve(int fd, tg::ninep::Server& server) {
  std::vector<uint8_t> buffer(256 * 1024);
  server.reset();  // the port opened: a fresh session
  for (;;) {
    pollfd waiting{fd, POLLIN, 0};
    // Parked reads and runs are retried every millisecond; new bytes wake us at once.
    int ready = ::poll(&waiting, 1, server.parked() ? 1 : 1000);
    if (ready < 0 && errno != EINTR) break;
    if (ready > 0) {
      ssize_t n = ::recv(fd, buffer.data(), buffer.size(), 0);
      if (n <= 0) break;
      if (!server.receive({buffer.data(), static_cast<size_t>(n)}).ok()) break;
    }
    server.poll();
  }
  server.reset();  // the port closed
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2 || argv[1][0] == '-') {
    std::cerr << "usage: tracegate-hostguest SOCKET [--cpus N]\n";
    return 2;
  }
  std::string path = argv[1];
  unsigned cpus = 2;
  if (argc > 3 && std::string(argv[2]) == "--cpus") cpus = std::stoul(argv[3]);
  signal(SIGPIPE, SIG_IGN);
  tg::install_allocator({host_allocate, std::free});
  tg::Platform platform;
  platform.cpu_count = cpus;
  platform.clock = host_clock;
  platform.text_base = kTextBase;
  platform.symbols = {kSymbols, sizeof kSymbols / sizeof kSymbols[0]};
  tg::install_platform(platform);

  auto tracing = tg::trace::Tracing::create();
  if (!tracing.ok()) return 1;
  tg::vfs::NodeTable table;
  tracegate::devguest::HostWorkloads workloads(*tracing.value());
  if (!tg::vfs::mount_tracing(table, *tracing.value()).ok() || !workloads.mount(table).ok())
    return 1;
  tg::vfs::NinePTree tree(table);

  int fd = -1;
  tg::ninep::ServerConfig config;
  config.tree = tree.file_tree();
  config.send = send_all;
  config.transport = &fd;
  tg::ninep::Server server;
  if (!server.init(config).ok()) return 1;

  int listener = listen_on(path);
  if (listener < 0) {
    std::cerr << "tracegate-hostguest: cannot listen on " << path << ": " << strerror(errno)
              << "\n";
    return 1;
  }
  for (;;) {
    fd = ::accept4(listener, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) {
      if (errno == EINTR) continue;
      return 1;
    }
    std::cerr << "tracegate-hostguest: client connected\n";
    serve(fd, server);
    ::close(fd);
    fd = -1;
    std::cerr << "tracegate-hostguest: client disconnected\n";
  }
}
