#include "GuestSupervisor.h"

#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <boost/asio/post.hpp>
#include <deque>
#include <fstream>
#include <iostream>

namespace tracegate {
namespace {

constexpr auto kFirstBackoff = std::chrono::milliseconds(500);
constexpr auto kMaxBackoff = std::chrono::milliseconds(10000);
// A guest that ran this long was healthy: its next restart comes quickly again.
constexpr auto kHealthyRun = std::chrono::seconds(30);
constexpr auto kStopGrace = std::chrono::seconds(10);
// What of the serial log an exit quotes: enough for an exception, its registers and call
// trace. The whole log stays on disk (scripts/guest keeps the previous boot's beside the
// next one's).
constexpr size_t kLastLines = 40;
constexpr std::streamoff kTailBytes = 64 * 1024;
constexpr size_t kLineMax = 512;

std::string describe(int status) {
  if (WIFEXITED(status)) return "status " + std::to_string(WEXITSTATUS(status));
  if (WIFSIGNALED(status)) return "signal " + std::to_string(WTERMSIG(status));
  return "status ?";
}

}  // namespace

GuestSupervisor::GuestSupervisor(asio::io_context& io, std::vector<std::string> command,
                                 std::string serial_log)
    : io_(io),
      command_(std::move(command)),
      serial_log_(std::move(serial_log)),
      child_signals_(io, SIGCHLD),
      restart_timer_(io),
      kill_timer_(io),
      backoff_(kFirstBackoff) {}

void GuestSupervisor::start() {
  child_signals_.async_wait([this](boost::system::error_code ec, int) {
    if (!ec) reap();
  });
  launch();
}

void GuestSupervisor::launch() {
  std::vector<char*> argv;
  for (auto& arg : command_) argv.push_back(arg.data());
  argv.push_back(nullptr);
  pid_t parent = getpid();
  pid_t pid = fork();
  if (pid == 0) {
    setpgid(0, 0);
    // The guest must not outlive a gateway that was killed outright.
    prctl(PR_SET_PDEATHSIG, SIGTERM);
    if (getppid() != parent) _exit(127);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);
    signal(SIGPIPE, SIG_DFL);
    dup2(STDERR_FILENO, STDOUT_FILENO);  // the guest's chatter goes to the gateway's log
    execvp(argv[0], argv.data());
    _exit(127);
  }
  if (pid < 0) {
    std::cerr << "tracegate-gatewayd: cannot start the guest\n";
    schedule_restart();
    return;
  }
  setpgid(pid, pid);  // also here, so that stop() can signal the group at once
  pid_ = pid;
  serving_ = false;
  started_ = std::chrono::steady_clock::now();
  std::cerr << "tracegate-gatewayd: guest started (pid " << pid << "): " << command_[0] << "\n";
}

void GuestSupervisor::reap() {
  for (;;) {
    int status = 0;
    pid_t pid = waitpid(-1, &status, WNOHANG);
    if (pid <= 0) break;
    if (pid != pid_) continue;
    pid_ = -1;
    auto ran = std::chrono::steady_clock::now() - started_;
    // A guest that came up is no crash loop, whatever ended it.
    if (serving_ || ran >= kHealthyRun) backoff_ = kFirstBackoff;
    auto seconds = std::chrono::duration_cast<std::chrono::milliseconds>(ran).count() / 1000.0;
    std::cerr << "tracegate-gatewayd: guest exited (pid " << pid << ", " << describe(status)
              << ") after " << seconds << " s";
    if (stopping_) {
      std::cerr << "\n";
      kill_timer_.cancel();
      if (done_) asio::post(io_, std::move(done_));
      return;
    }
    if (serving_) {
      std::cerr << "; restarting at once (it was serving)\n";
      log_last_lines();
      launch();
    } else {
      std::cerr << "; restarting in " << backoff_.count() << " ms (its link never came up)\n";
      log_last_lines();
      schedule_restart();
    }
  }
  child_signals_.async_wait([this](boost::system::error_code ec, int) {
    if (!ec) reap();
  });
}

void GuestSupervisor::guest_serving() {
  if (pid_ > 0) serving_ = true;
}

void GuestSupervisor::log_last_lines() const {
  if (serial_log_.empty()) return;
  std::ifstream log(serial_log_, std::ios::binary | std::ios::ate);
  if (!log) return;
  std::streamoff size = log.tellg();
  std::streamoff from = std::max<std::streamoff>(0, size - kTailBytes);
  log.seekg(from);
  std::deque<std::string> lines;
  std::string line;
  // Starting mid-file, the first line read is a fragment: skip it.
  if (from > 0) std::getline(log, line);
  while (std::getline(log, line)) {
    if (line.size() > kLineMax) line.resize(kLineMax);
    lines.push_back(std::move(line));
    if (lines.size() > kLastLines) lines.pop_front();
  }
  if (lines.empty()) return;
  std::cerr << "tracegate-gatewayd: last lines of the guest's serial log (" << serial_log_
            << "):\n";
  for (const auto& last : lines) std::cerr << "  " << last << "\n";
}

void GuestSupervisor::schedule_restart() {
  restart_timer_.expires_after(backoff_);
  backoff_ =
      std::min(backoff_ * 2, std::chrono::duration_cast<std::chrono::milliseconds>(kMaxBackoff));
  restart_timer_.async_wait([this](boost::system::error_code ec) {
    if (!ec && !stopping_) launch();
  });
}

void GuestSupervisor::stop(std::function<void()> done) {
  stopping_ = true;
  restart_timer_.cancel();
  if (pid_ < 0) {
    asio::post(io_, std::move(done));
    return;
  }
  done_ = std::move(done);
  std::cerr << "tracegate-gatewayd: stopping the guest (pid " << pid_ << ")\n";
  ::kill(-pid_, SIGTERM);
  kill_timer_.expires_after(kStopGrace);
  kill_timer_.async_wait([this](boost::system::error_code ec) {
    if (!ec && pid_ > 0) ::kill(-pid_, SIGKILL);
  });
}

}  // namespace tracegate
