// tracegate-gatewayd: serves the guest's tracefs over HTTP (see docs/http-api.md).
#include <signal.h>
#include <spawn.h>
#include <sys/stat.h>
#include <unistd.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/signal_set.hpp>
#include <cstdlib>
#include <iostream>
#include <string>
#include <vector>

#include "Gateway.h"
#include "GuestLink.h"
#include "Listener.h"
#include "support/Memory.h"

extern char** environ;

namespace tracegate {
namespace {

struct Options {
  std::string bind = "127.0.0.1";
  unsigned short port = 9090;
  std::string token;
  std::string rundir;
  std::string guest_socket;
  unsigned guest_timeout = 30;
  std::vector<std::string> launch;  // the guest command, started once the socket listens
};

constexpr const char* kUsage =
    "usage: tracegate-gatewayd [--port N] [--bind ADDR] [--token TOKEN] [--rundir DIR]\n"
    "                          [--guest-socket PATH] [--guest-timeout SECONDS]\n"
    "                          [--launch CMD ARGS...]\n"
    "Binding to anything but a loopback address needs --token (or TRACEGATE_TOKEN).\n";

[[noreturn]] void usage_error(const std::string& message) {
  std::cerr << "tracegate-gatewayd: " << message << "\n" << kUsage;
  std::exit(2);
}

Options parse_options(int argc, char** argv) {
  Options options;
  if (const char* token = std::getenv("TRACEGATE_TOKEN")) options.token = token;
  for (int i = 1; i < argc; ++i) {
    std::string flag = argv[i];
    if (flag == "--help" || flag == "-h") {
      std::cout << kUsage;
      std::exit(0);
    }
    if (flag == "--launch") {
      options.launch.assign(argv + i + 1, argv + argc);
      if (options.launch.empty()) usage_error("--launch needs a command");
      break;
    }
    if (i + 1 >= argc) usage_error(flag + " needs a value");
    std::string value = argv[++i];
    if (flag == "--port") {
      options.port = static_cast<unsigned short>(std::stoul(value));
    } else if (flag == "--bind") {
      options.bind = value;
    } else if (flag == "--token") {
      options.token = value;
    } else if (flag == "--rundir") {
      options.rundir = value;
    } else if (flag == "--guest-socket") {
      options.guest_socket = value;
    } else if (flag == "--guest-timeout") {
      options.guest_timeout = static_cast<unsigned>(std::stoul(value));
    } else {
      usage_error("unknown option " + flag);
    }
  }
  if (options.rundir.empty())
    options.rundir =
        "/tmp/tracegate-" + std::to_string(getuid()) + "-" + std::to_string(options.port);
  if (options.guest_socket.empty()) options.guest_socket = options.rundir + "/guest.sock";
  return options;
}

void* host_allocate(tg::usize size, tg::usize align) {
  return std::aligned_alloc(align, (size + align - 1) / align * align);
}

void launch_guest(const Options& options) {
  if (options.launch.empty()) return;
  setenv("TRACEGATE_GUEST_SOCKET", options.guest_socket.c_str(), 1);
  std::vector<char*> args;
  for (const auto& arg : options.launch) args.push_back(const_cast<char*>(arg.c_str()));
  args.push_back(nullptr);
  pid_t pid;
  if (posix_spawnp(&pid, args[0], nullptr, nullptr, args.data(), environ) != 0)
    throw std::runtime_error("cannot start " + options.launch[0]);
  std::cerr << "tracegate-gatewayd: started guest " << options.launch[0] << " (pid " << pid
            << ")\n";
}

int run(const Options& options) {
  asio::io_context io(1);
  auto address = asio::ip::make_address(options.bind);
  if (!address.is_loopback() && options.token.empty())
    usage_error("--bind " + options.bind + " needs --token or TRACEGATE_TOKEN");
  ::mkdir(options.rundir.c_str(), 0700);

  Metrics metrics;
  GuestLink link(io, options.guest_socket, metrics);
  link.start();
  GatewayOptions gateway_options;
  gateway_options.token = options.token;
  gateway_options.guest_timeout = std::chrono::seconds(options.guest_timeout);
  Gateway gateway(link, metrics, gateway_options);

  asio::ip::tcp::acceptor acceptor(io);
  asio::ip::tcp::endpoint endpoint(address, options.port);
  acceptor.open(endpoint.protocol());
  acceptor.set_option(asio::socket_base::reuse_address(true));
  acceptor.bind(endpoint);
  acceptor.listen();
  asio::co_spawn(io, listen(acceptor, gateway, metrics), asio::detached);
  std::cerr << "tracegate-gatewayd: http://" << options.bind << ":"
            << acceptor.local_endpoint().port() << "/ guest socket " << options.guest_socket
            << "\n";
  launch_guest(options);

  asio::signal_set signals(io, SIGINT, SIGTERM);
  signals.async_wait([&](boost::system::error_code, int) { io.stop(); });
  io.run();
  ::unlink(options.guest_socket.c_str());
  return 0;
}

}  // namespace
}  // namespace tracegate

int main(int argc, char** argv) {
  signal(SIGPIPE, SIG_IGN);
  signal(SIGCHLD, SIG_IGN);  // launched guests are reaped automatically
  tg::install_allocator({tracegate::host_allocate, std::free});
  try {
    return tracegate::run(tracegate::parse_options(argc, argv));
  } catch (const std::exception& error) {
    std::cerr << "tracegate-gatewayd: " << error.what() << "\n";
    return 1;
  }
}
