// tracegate-gatewayd: serves the guest's tracefs over HTTP (see docs/http-api.md).
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/signal_set.hpp>
#include <cerrno>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "FuseMount.h"
#include "Gateway.h"
#include "GuestLink.h"
#include "GuestSupervisor.h"
#include "Listener.h"
#include "support/Memory.h"

namespace tracegate {
namespace {

struct Options {
  std::string bind = "127.0.0.1";
  unsigned short port = 9090;
  std::string token;
  std::string rundir;
  std::string guest_socket;
  unsigned guest_timeout = 30;
  bool host_text = true;  // --pipe-text host|guest
  // Supervision: the script that runs the guest (scripts/guest) and what it is told.
  std::string guest_script;
  std::string smp;
  std::string accel;
  std::string append;
  std::string kernel;
  // Where to mount the guest's tree through FUSE (docs/mount.md); empty: no mount.
  std::string mount;
  // The page's built files; empty: found relative to the binary (WebPage::default_root).
  std::string web_root;
};

constexpr const char* kUsage =
    "usage: tracegate-gatewayd [--port N] [--bind ADDR] [--token TOKEN] [--rundir DIR]\n"
    "                          [--guest-socket PATH] [--guest-timeout SECONDS]\n"
    "                          [--pipe-text host|guest]\n"
    "                          [--guest-script PATH [--smp N] [--accel kvm|tcg|auto]\n"
    "                           [--append ARGS] [--kernel PATH]] [--mount DIR]\n"
    "                          [--web-root DIR]\n"
    "Dials the guest's 9P socket (default RUNDIR/9p.sock, where QEMU listens). With\n"
    "--guest-script, starts the guest with it (in RUNDIR) and restarts it when it exits.\n"
    "Binding to anything but a loopback address needs --token (or TRACEGATE_TOKEN).\n"
    "trace_pipe of the function and nop tracers is formatted here from raw pages (host,\n"
    "the default) or by the guest (guest); the text is the same.\n"
    "--mount DIR mounts the guest's tree (tracing/, workloads/) on DIR through FUSE.\n"
    "The page at / is served from --web-root DIR (default: the build's web/ beside the\n"
    "binary's folder, or an install's share/tracegate/web).\n";

[[noreturn]] void usage_error(const std::string& message) {
  std::cerr << "tracegate-gatewayd: " << message << "\n" << kUsage;
  std::exit(2);
}

unsigned long number_of(const std::string& flag, const std::string& value) {
  size_t used = 0;
  unsigned long number = 0;
  try {
    number = std::stoul(value, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used == 0 || used != value.size()) usage_error(flag + " needs a number");
  return number;
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
    if (i + 1 >= argc) usage_error(flag + " needs a value");
    std::string value = argv[++i];
    if (flag == "--port") {
      unsigned long port = number_of(flag, value);
      if (port > 65535) usage_error("--port must be below 65536");
      options.port = static_cast<unsigned short>(port);
    } else if (flag == "--bind") {
      options.bind = value;
    } else if (flag == "--token") {
      options.token = value;
    } else if (flag == "--rundir") {
      options.rundir = value;
    } else if (flag == "--guest-socket") {
      options.guest_socket = value;
    } else if (flag == "--guest-timeout") {
      options.guest_timeout = static_cast<unsigned>(number_of(flag, value));
    } else if (flag == "--pipe-text") {
      if (value != "host" && value != "guest") usage_error("--pipe-text must be host or guest");
      options.host_text = value == "host";
    } else if (flag == "--guest-script") {
      options.guest_script = value;
    } else if (flag == "--smp") {
      number_of(flag, value);
      options.smp = value;
    } else if (flag == "--accel") {
      if (value != "kvm" && value != "tcg" && value != "auto")
        usage_error("--accel must be kvm, tcg or auto");
      options.accel = value;
    } else if (flag == "--append") {
      options.append = value;
    } else if (flag == "--kernel") {
      options.kernel = value;
    } else if (flag == "--mount") {
      options.mount = value;
    } else if (flag == "--web-root") {
      options.web_root = value;
    } else {
      usage_error("unknown option " + flag);
    }
  }
  if (options.rundir.empty())
    options.rundir =
        "/tmp/tracegate-" + std::to_string(getuid()) + "-" + std::to_string(options.port);
  if (options.guest_socket.empty()) options.guest_socket = options.rundir + "/9p.sock";
  return options;
}

// scripts/guest's command line for these options.
std::vector<std::string> guest_command(const Options& options) {
  std::vector<std::string> command = {options.guest_script, "--rundir", options.rundir};
  auto pass = [&](const char* flag, const std::string& value) {
    if (value.empty()) return;
    command.push_back(flag);
    command.push_back(value);
  };
  pass("--smp", options.smp);
  pass("--accel", options.accel);
  pass("--append", options.append);
  pass("--kernel", options.kernel);
  return command;
}

void* host_allocate(tg::usize size, tg::usize align) {
  return std::aligned_alloc(align, (size + align - 1) / align * align);
}

int run(const Options& options) {
  asio::io_context io(1);
  auto address = asio::ip::make_address(options.bind);
  if (!address.is_loopback() && options.token.empty())
    usage_error("--bind " + options.bind + " needs --token or TRACEGATE_TOKEN");
  if (::mkdir(options.rundir.c_str(), 0700) != 0 && errno != EEXIST)
    throw std::runtime_error("cannot create " + options.rundir);

  Metrics metrics;
  GuestLink link(io, options.guest_socket, metrics);
  link.start();
  GatewayOptions gateway_options;
  gateway_options.token = options.token;
  gateway_options.guest_timeout = std::chrono::seconds(options.guest_timeout);
  gateway_options.host_text = options.host_text;
  gateway_options.web_root = options.web_root.empty() ? WebPage::default_root() : options.web_root;
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
  std::unique_ptr<FuseMount> mount;
  if (!options.mount.empty()) {
    mount = std::make_unique<FuseMount>(io, link, options.mount,
                                        std::chrono::seconds(options.guest_timeout));
    mount->start();
  }

  std::unique_ptr<GuestSupervisor> supervisor;
  if (!options.guest_script.empty()) {
    // scripts/guest writes the serial log there (and keeps the previous boot's beside it).
    supervisor = std::make_unique<GuestSupervisor>(io, guest_command(options),
                                                   options.rundir + "/serial.log");
    link.on_up([&supervisor] { supervisor->guest_serving(); });
    supervisor->start();
  }

  asio::signal_set signals(io, SIGINT, SIGTERM);
  signals.async_wait([&](boost::system::error_code, int signal_number) {
    std::cerr << "tracegate-gatewayd: " << (signal_number == SIGINT ? "SIGINT" : "SIGTERM")
              << ", shutting down\n";
    acceptor.close();
    if (mount) mount->stop();
    if (supervisor) {
      supervisor->stop([&] { io.stop(); });
    } else {
      io.stop();
    }
  });
  io.run();
  return 0;
}

}  // namespace
}  // namespace tracegate

int main(int argc, char** argv) {
  signal(SIGPIPE, SIG_IGN);
  tg::install_allocator({tracegate::host_allocate, std::free});
  try {
    return tracegate::run(tracegate::parse_options(argc, argv));
  } catch (const std::exception& error) {
    std::cerr << "tracegate-gatewayd: " << error.what() << "\n";
    return 1;
  }
}
