// tracegate-hostguest: plays the guest for gateway tests. It connects to the gateway's
// guest socket exactly as QEMU's chardev does (as a client, reconnecting when the gateway
// goes away) and serves a tree through tracefs/ninep/Server, the kernel's 9P server.
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <string>

#include "DemoTree.h"
#include "ninep/Server.h"
#include "support/Memory.h"

namespace {

void* host_allocate(tg::usize size, tg::usize align) {
  return std::aligned_alloc(align, (size + align - 1) / align * align);
}

int connect_to(const std::string& path) {
  int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  std::strncpy(address.sun_path, path.c_str(), sizeof(address.sun_path) - 1);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0) return fd;
  ::close(fd);
  return -1;
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

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::cerr << "usage: tracegate-hostguest GUEST_SOCKET [--once]\n";
    return 2;
  }
  std::string path = argv[1];
  bool once = argc > 2 && std::string(argv[2]) == "--once";
  signal(SIGPIPE, SIG_IGN);
  tg::install_allocator({host_allocate, std::free});

  tracegate::devguest::DemoTree tree;
  int fd = -1;
  tg::ninep::ServerConfig config;
  config.tree = tree.tree();
  config.send = send_all;
  config.transport = &fd;
  tg::ninep::Server server;
  if (!server.init(config).ok()) return 1;

  std::vector<uint8_t> buffer(64 * 1024);
  for (;;) {
    fd = connect_to(path);
    if (fd < 0) {
      usleep(100 * 1000);  // the gateway is not listening yet: retry, like reconnect=
      continue;
    }
    std::cerr << "tracegate-hostguest: connected to " << path << "\n";
    server.reset();
    for (;;) {
      pollfd waiting{fd, POLLIN, 0};
      // Parked reads and runs are retried every few milliseconds; new bytes wake us at once.
      int ready = ::poll(&waiting, 1, server.parked() ? 5 : 1000);
      if (ready < 0 && errno != EINTR) break;
      if (ready > 0) {
        ssize_t n = ::recv(fd, buffer.data(), buffer.size(), 0);
        if (n <= 0) break;
        if (!server.receive({buffer.data(), static_cast<size_t>(n)}).ok()) break;
      }
      server.poll();
    }
    ::close(fd);
    fd = -1;
    server.reset();
    std::cerr << "tracegate-hostguest: disconnected\n";
    if (once) return 0;
  }
}
