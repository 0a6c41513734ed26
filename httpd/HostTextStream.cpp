// GET /tracing/trace_pipe formatted on the host (HostText): the guest ships raw pages, which
// cost it far less than text, and the gateway prints them with the guest's own formatter.
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/http/chunk_encode.hpp>

#include "Gateway.h"
#include "HostText.h"

namespace tracegate {

using tg::Errno;
namespace ninep = tg::ninep;

namespace {

constexpr auto kClientWriteTimeout = std::chrono::seconds(60);
// With every CPU drained, the stream looks again after this, doubling up to the longest:
// trace_pipe's latency for a trickle, nothing for a flood.
constexpr auto kFirstIdleWait = std::chrono::milliseconds(1);
constexpr auto kLongestIdleWait = std::chrono::milliseconds(32);

}  // namespace

asio::awaitable<std::optional<std::string>> Gateway::read_whole(std::string where) {
  auto timeout = options_.guest_timeout;
  std::vector<std::string> path;
  for (size_t start = 0; start <= where.size();) {
    size_t slash = std::min(where.find('/', start), where.size());
    path.push_back(where.substr(start, slash - start));
    start = slash + 1;
  }
  auto walked = co_await link_.walk(path, timeout);
  if (!walked.ok()) co_return std::nullopt;
  WalkedFile file = walked.value();
  tg::Status opened = co_await link_.open(file, ninep::kOpenReadOnly, timeout);
  std::string text;
  Errno failure = opened.error();
  while (failure == Errno::kOk) {
    GuestReply reply = co_await link_.read(file, text.size(), link_.io_size(), timeout);
    if (reply.error != Errno::kOk) failure = reply.error;
    if (reply.error != Errno::kOk || reply.message.data.empty()) break;
    text.append(reinterpret_cast<const char*>(reply.message.data.data()),
                reply.message.data.size());
  }
  co_await link_.clunk(file);
  if (failure != Errno::kOk) co_return std::nullopt;
  co_return text;
}

asio::awaitable<std::optional<Gateway::Outcome>> Gateway::stream_host_text(
    beast::tcp_stream& stream, const Request& request) {
  auto timeout = options_.guest_timeout;
  GuestFacts facts;
  auto tracer = co_await read_whole("tracing/current_tracer");
  auto options = co_await read_whole("tracing/trace_options");
  if (!tracer || !options) co_return std::nullopt;
  facts.tracer = *tracer;
  facts.options = *options;
  if (!HostText::supports(facts)) co_return std::nullopt;
  auto kallsyms = co_await read_whole("proc/kallsyms");
  auto clock = co_await read_whole("tracing/trace_clock");
  auto cmdlines = co_await read_whole("tracing/saved_cmdlines");
  auto tgids = co_await read_whole("tracing/saved_tgids");
  if (!kallsyms || !clock || !cmdlines || !tgids) co_return std::nullopt;
  facts.kallsyms = *kallsyms;
  facts.clock = *clock;
  facts.cmdlines = *cmdlines;
  facts.tgids = *tgids;

  // One non-blocking raw reader per CPU; the guest refuses them (EBUSY) as it would refuse
  // trace_pipe while another consuming reader is open.
  std::vector<WalkedFile> cpus;
  Errno refused = Errno::kOk;
  for (unsigned cpu = 0;; ++cpu) {
    std::vector<std::string> raw{"tracing", "per_cpu", "cpu" + std::to_string(cpu),
                                 "trace_pipe_raw"};
    auto walked = co_await link_.walk(raw, timeout);
    if (!walked.ok()) break;
    tg::Status opened =
        co_await link_.open(walked.value(), ninep::kOpenReadOnly | ninep::kOpenNonBlock, timeout);
    cpus.push_back(walked.value());
    if (!opened.ok()) {
      refused = opened.error();
      break;
    }
  }
  facts.cpus = static_cast<unsigned>(cpus.size());
  std::string why;
  std::unique_ptr<HostText> text;
  if (refused == Errno::kOk && !cpus.empty()) text = HostText::create(facts, why);
  if (!text) {
    for (auto& file : cpus) co_await link_.clunk(file);
    if (refused != Errno::kOk) co_return co_await send_error(stream, request, refused);
    co_return std::nullopt;
  }

  auto cancel = std::make_shared<CancelSignal>();
  boost::system::error_code ec =
      co_await start_stream(stream, request, "text/plain; charset=utf-8", cancel);
  ++metrics_.active_streams;
  ++metrics_.host_text_streams;
  size_t sent = 0;
  auto idle = kFirstIdleWait;
  asio::steady_timer wait(co_await asio::this_coro::executor);
  std::string chunk;
  bool guest_gone = false;
  // Whole pages per read: a page split across two reads would have to be put together again.
  uint32_t count = link_.io_size() / 4096 * 4096;
  while (!ec && !cancel->cancelled() && !guest_gone) {
    bool got = false;
    for (unsigned cpu = 0; cpu < cpus.size() && !guest_gone; ++cpu) {
      GuestReply reply = co_await link_.read(cpus[cpu], 0, count, timeout);
      if (reply.error == Errno::kAgain || (reply.error == Errno::kOk && reply.message.data.empty()))
        continue;
      if (reply.error != Errno::kOk) {
        guest_gone = true;
        break;
      }
      text->add_pages(cpu, reply.message.data.data(), reply.message.data.size());
      got = true;
    }
    if (got) {
      // Tasks that started since the last look: their comms are in saved_cmdlines now.
      auto comms = co_await read_whole("tracing/saved_cmdlines");
      auto pairs = co_await read_whole("tracing/saved_tgids");
      if (comms && pairs) text->update_tasks(*comms, *pairs);
      chunk.clear();
      text->take_text(chunk);
      if (!chunk.empty()) {
        stream.expires_after(kClientWriteTimeout);
        co_await asio::async_write(stream, http::make_chunk(asio::buffer(chunk)),
                                   asio::redirect_error(asio::use_awaitable, ec));
        sent += chunk.size();
        metrics_.stream_bytes += chunk.size();
      }
      idle = kFirstIdleWait;
      continue;
    }
    wait.expires_after(idle);
    cancel->on_cancel([&wait] { wait.cancel(); });
    boost::system::error_code waited;
    co_await wait.async_wait(asio::redirect_error(asio::use_awaitable, waited));
    cancel->on_cancel(nullptr);
    idle =
        std::min(idle * 2, std::chrono::duration_cast<std::chrono::milliseconds>(kLongestIdleWait));
  }
  --metrics_.active_streams;
  if (!ec && !cancel->cancelled()) {
    stream.expires_after(kClientWriteTimeout);
    co_await asio::async_write(stream, http::make_chunk_last(),
                               asio::redirect_error(asio::use_awaitable, ec));
  }
  for (auto& file : cpus) co_await link_.clunk(file);
  co_return Outcome{200, sent, false};
}

}  // namespace tracegate
