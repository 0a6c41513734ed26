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

// Runs the guest (scripts/guest, which runs QEMU) and keeps it running. A guest that was
// serving (its link came up) is started again at once when it exits; one that dies before
// its link comes up is started again after a backoff that grows while it keeps failing,
// so a guest that crashes while booting does not spin. Each unexpected exit is logged with
// the last lines of the guest's serial log: the evidence of a crash (the exception and its
// call trace) reaches the gateway's own log. stop() ends the guest with SIGTERM (the script
// stops QEMU and powers nothing on again), SIGKILL after a grace period. The guest runs in
// its own process group, so a terminal's Ctrl-C reaches the gateway only, and the gateway
// stops the guest in order; it also dies with the gateway.
class GuestSupervisor {
 public:
  // `serial_log` is where the guest's serial output goes (may be empty: nothing to quote).
  GuestSupervisor(asio::io_context& io, std::vector<std::string> command, std::string serial_log);
  void start();
  // The guest link came up: the running guest is serving, and its exit restarts it at once.
  void guest_serving();
  // Stops the guest and calls `done` once it has exited.
  void stop(std::function<void()> done);

 private:
  void launch();
  void reap();
  void schedule_restart();
  void log_last_lines() const;

  asio::io_context& io_;
  std::vector<std::string> command_;
  std::string serial_log_;
  asio::signal_set child_signals_;
  asio::steady_timer restart_timer_;
  asio::steady_timer kill_timer_;
  pid_t pid_ = -1;
  std::chrono::steady_clock::time_point started_;
  std::chrono::milliseconds backoff_;
  bool serving_ = false;
  bool stopping_ = false;
  std::function<void()> done_;
};

}  // namespace tracegate
