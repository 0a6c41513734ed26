// GET /tracing/trace_pipe formatted on the host (HostText): the guest ships raw pages, which
// cost it far less than text, and the gateway prints them with the guest's own formatter.
#include <cstdlib>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "Gateway.h"
#include "HostText.h"

namespace tracegate {

using tg::Errno;
namespace ninep = tg::ninep;

namespace {

// With every CPU drained, the stream looks again after this, doubling up to the longest:
// trace_pipe's latency for a trickle, nothing for a flood.
constexpr auto kFirstIdleWait = std::chrono::milliseconds(1);
constexpr auto kLongestIdleWait = std::chrono::milliseconds(32);

// Reads the whole text of a guest file ("tracing/current_tracer").
asio::awaitable<std::optional<std::string>> read_whole(GuestLink& link, std::string_view where,
                                                       std::chrono::seconds timeout) {
  std::vector<std::string> path;
  for (size_t start = 0; start <= where.size();) {
    size_t slash = std::min(where.find('/', start), where.size());
    path.emplace_back(where.substr(start, slash - start));
    start = slash + 1;
  }
  GuestFile file = co_await link.walk_file(path, timeout);
  if (!file.ok()) co_return std::nullopt;
  if (!(co_await link.open(*file, ninep::kOpenReadOnly, timeout)).ok()) co_return std::nullopt;
  std::string text;
  if (co_await read_all(link, *file, timeout, false, text) != Errno::kOk) co_return std::nullopt;
  co_return text;
}

// Every CPU's trace_pipe_raw, opened non-blocking, in CPU order.
using CpuFiles = std::shared_ptr<const std::vector<GuestFile>>;
// A reply's data points into its frame: replies are moved (the frame's buffer stays), never
// copied.
using Replies = std::shared_ptr<std::vector<GuestReply>>;
asio::awaitable<GuestReply> read_one(GuestLink& link, CpuFiles cpus, size_t cpu, uint32_t count,
                                     std::chrono::seconds timeout) {
  co_return co_await link.read(*(*cpus)[cpu], 0, count, timeout);
}

// One look at every CPU, in flight: a Tread per CPU, all sent at once; `done` when the last
// reply is in, which cancels `ready` (a timer that never expires by itself).
struct Look {
  explicit Look(asio::any_io_executor executor) : ready(executor) {
    ready.expires_at(asio::steady_timer::time_point::max());
  }
  Replies replies;
  size_t left = 0;
  bool done = false;
  asio::steady_timer ready;
};

// Drains every CPU's trace_pipe_raw (non-blocking) and hands the text of what it got; with
// every CPU empty it waits, doubling the wait up to the longest. Pipelined: the next look's
// Treads leave before this look's pages are formatted, so the guest (QEMU, on the other core)
// fills them meanwhile. The files are shared with the looks, so a look still in flight when
// the stream goes away reads from open fids (its pages are then dropped).
class HostTextStream final : public BodyStream {
 public:
  HostTextStream(GuestLink& link, std::chrono::seconds timeout, std::vector<GuestFile> cpus,
                 std::unique_ptr<HostText> text, uint32_t page_size, asio::any_io_executor executor)
      : link_(link),
        timeout_(timeout),
        cpus_(std::make_shared<const std::vector<GuestFile>>(std::move(cpus))),
        // Whole pages per read: a page split across two reads would have to be put together
        // again.
        count_(link.io_size() / page_size * page_size),
        text_(std::move(text)),
        executor_(executor),
        wait_(executor) {}

  asio::awaitable<bool> next(std::string& out, CancelSignal& cancel) override {
    while (!cancel.cancelled()) {
      if (!look_) look_ = start_look();
      std::shared_ptr<Look> look = std::move(look_);
      if (!look->done) {
        boost::system::error_code woken;
        co_await look->ready.async_wait(asio::redirect_error(asio::use_awaitable, woken));
      }
      Replies replies = look->replies;
      if (!replies) co_return false;  // the look failed: the link is going down
      bool got = false;
      for (unsigned cpu = 0; cpu < replies->size(); ++cpu) {
        const GuestReply& reply = (*replies)[cpu];
        if (reply.error == Errno::kAgain ||
            (reply.error == Errno::kOk && reply.message.data.empty()))
          continue;
        if (reply.error != Errno::kOk) co_return false;  // the guest went away
        text_->add_pages(cpu, reply.message.data.data(), reply.message.data.size());
        got = true;
      }
      if (got) {
        look_ = start_look();
        // Tasks that started since the last look: their comms are in saved_cmdlines now.
        if (!text_->knows_every_task()) {
          auto comms = co_await read_whole(link_, "tracing/saved_cmdlines", timeout_);
          auto pairs = co_await read_whole(link_, "tracing/saved_tgids", timeout_);
          if (comms && pairs) text_->update_tasks(*comms, *pairs);
        }
        // Two turns of the loop: the look's coroutines queue their Treads, and the link's
        // writer sends them; then the guest works on them while this thread formats.
        co_await asio::post(executor_, asio::use_awaitable);
        co_await asio::post(executor_, asio::use_awaitable);
        text_->take_text(out);
        idle_ = kFirstIdleWait;
        if (!out.empty()) co_return true;
        continue;
      }
      wait_.expires_after(idle_);
      cancel.on_cancel([this] { wait_.cancel(); });
      boost::system::error_code waited;
      co_await wait_.async_wait(asio::redirect_error(asio::use_awaitable, waited));
      cancel.on_cancel(nullptr);
      idle_ = std::min(idle_ * 2,
                       std::chrono::duration_cast<std::chrono::milliseconds>(kLongestIdleWait));
    }
    co_return false;
  }

 private:
  std::shared_ptr<Look> start_look() {
    auto look = std::make_shared<Look>(executor_);
    look->replies = std::make_shared<std::vector<GuestReply>>(cpus_->size());
    look->left = cpus_->size();
    for (size_t cpu = 0; cpu < cpus_->size(); ++cpu)
      asio::co_spawn(executor_, read_one(link_, cpus_, cpu, count_, timeout_),
                     [look, cpu](std::exception_ptr error, GuestReply reply) {
                       if (error) reply.error = Errno::kIo;
                       (*look->replies)[cpu] = std::move(reply);
                       if (--look->left == 0) {
                         look->done = true;
                         look->ready.cancel();
                       }
                     });
    return look;
  }

  GuestLink& link_;
  std::chrono::seconds timeout_;
  CpuFiles cpus_;
  uint32_t count_;
  std::unique_ptr<HostText> text_;
  asio::any_io_executor executor_;
  asio::steady_timer wait_;
  std::chrono::milliseconds idle_ = kFirstIdleWait;
  std::shared_ptr<Look> look_;
};

}  // namespace

asio::awaitable<std::optional<Reply>> Gateway::host_text(const Request& request) {
  auto timeout = options_.guest_timeout;
  GuestFacts facts;
  auto tracer = co_await read_whole(link_, "tracing/current_tracer", timeout);
  auto options = co_await read_whole(link_, "tracing/trace_options", timeout);
  if (!tracer || !options) co_return std::nullopt;
  facts.tracer = *tracer;
  facts.options = *options;
  if (!HostText::supports(facts)) co_return std::nullopt;
  auto kallsyms = co_await read_whole(link_, "proc/kallsyms", timeout);
  auto clock = co_await read_whole(link_, "tracing/trace_clock", timeout);
  auto cmdlines = co_await read_whole(link_, "tracing/saved_cmdlines", timeout);
  auto tgids = co_await read_whole(link_, "tracing/saved_tgids", timeout);
  auto subbuf_kb = co_await read_whole(link_, "tracing/buffer_subbuf_size_kb", timeout);
  if (!kallsyms || !clock || !cmdlines || !tgids || !subbuf_kb) co_return std::nullopt;
  facts.page_size = std::strtoul(subbuf_kb->c_str(), nullptr, 10) * 1024;
  // The largest page (512 KiB) fits in a read of the 1 MiB msize the gateway asks for; a
  // smaller msize falls back to the guest's own text.
  if (facts.page_size == 0 || facts.page_size > link_.io_size()) co_return std::nullopt;
  facts.kallsyms = *kallsyms;
  facts.clock = *clock;
  facts.cmdlines = *cmdlines;
  facts.tgids = *tgids;

  // One non-blocking raw reader per CPU; the guest refuses them (EBUSY) as it would refuse
  // trace_pipe while another consuming reader is open.
  std::vector<GuestFile> cpus;
  for (unsigned cpu = 0;; ++cpu) {
    std::vector<std::string> raw{"tracing", "per_cpu", "cpu" + std::to_string(cpu),
                                 "trace_pipe_raw"};
    GuestFile file = co_await link_.walk_file(raw, timeout);
    if (!file.ok()) break;
    tg::Status opened =
        co_await link_.open(*file, ninep::kOpenReadOnly | ninep::kOpenNonBlock, timeout);
    if (!opened.ok()) co_return Reply{error_response(request, opened.error()), nullptr};
    cpus.push_back(std::move(file));
  }
  facts.cpus = static_cast<unsigned>(cpus.size());
  std::string why;
  std::unique_ptr<HostText> text;
  if (!cpus.empty()) text = HostText::create(facts, why);
  if (!text) co_return std::nullopt;
  ++metrics_.host_text_streams;
  auto executor = co_await asio::this_coro::executor;
  auto stream = std::make_unique<HostTextStream>(link_, timeout, std::move(cpus), std::move(text),
                                                 static_cast<uint32_t>(facts.page_size), executor);
  co_return Reply{{}, std::move(stream), "text/plain; charset=utf-8"};
}

}  // namespace tracegate
