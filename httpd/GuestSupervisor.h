#pragma once
#include <sys/types.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <functional>
#include <string>
#include <vector>

namespace tracegate {

namespace asio = boost::asio;

// Runs the guest (scripts/guest, which runs QEMU) and keeps it running: when it exits it is
// started again after a backoff that grows while it keeps failing quickly. stop() ends it
// with SIGTERM (the script stops QEMU and powers nothing on again), SIGKILL after a grace
// period. The guest runs in its own process group, so a terminal's Ctrl-C reaches the
// gateway only, and the gateway stops the guest in order; it also dies with the gateway.
class GuestSupervisor {
 public:
  GuestSupervisor(asio::io_context& io, std::vector<std::string> command);
  void start();
  // Stops the guest and calls `done` once it has exited.
  void stop(std::function<void()> done);

 private:
  void launch();
  void reap();
  void schedule_restart();

  asio::io_context& io_;
  std::vector<std::string> command_;
  asio::signal_set child_signals_;
  asio::steady_timer restart_timer_;
  asio::steady_timer kill_timer_;
  pid_t pid_ = -1;
  std::chrono::steady_clock::time_point started_;
  std::chrono::milliseconds backoff_;
  bool stopping_ = false;
  std::function<void()> done_;
};

}  // namespace tracegate
