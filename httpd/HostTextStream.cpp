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

// "tracing/trace_pipe" as the walk's names.
std::vector<std::string> path_of(std::string_view where) {
  std::vector<std::string> path;
  for (size_t start = 0; start <= where.size();) {
    size_t slash = std::min(where.find('/', start), where.size());
    path.emplace_back(where.substr(start, slash - start));
    start = slash + 1;
  }
  return path;
}

// Reads the whole text of a guest file ("tracing/current_tracer").
asio::awaitable<std::optional<std::string>> read_whole(GuestLink& link, std::string_view where,
                                                       std::chrono::seconds timeout) {
  GuestFile file = co_await link.walk_file(path_of(where), timeout);
  if (!file.ok()) co_return std::nullopt;
  if (!(co_await link.open(*file, ninep::kOpenReadOnly, timeout)).ok()) co_return std::nullopt;
  std::string text;
  if (co_await read_all(link, *file, timeout, false, text) != Errno::kOk) co_return std::nullopt;
  co_return text;
}

// The guest's comms and tgids (saved_cmdlines, saved_tgids) into `facts`; false when the
// guest did not answer.
asio::awaitable<bool> read_tasks(GuestLink& link, std::chrono::seconds timeout, GuestFacts& facts) {
  auto comms = co_await read_whole(link, "tracing/saved_cmdlines", timeout);
  auto pairs = co_await read_whole(link, "tracing/saved_tgids", timeout);
  if (!comms || !pairs) co_return false;
  facts.cmdlines = std::move(*comms);
  facts.tgids = std::move(*pairs);
  co_return true;
}

// The guest's files whose text decides the host's, read again with every look, after its
// pages (the guest serves a look's reads in the order sent), so that a change applies to the
// pages read after it, as the guest's own trace_pipe formats each read with the settings of
// that moment; pages of a new size are never cut at the old one. The tracer is read once:
// the guest refuses to change it while a reader is open (EBUSY, as Linux).
enum Setting : size_t { kSubbufKb, kOptions, kClock, kSettingCount };
constexpr std::string_view kSettingPaths[kSettingCount] = {
    "tracing/buffer_subbuf_size_kb", "tracing/trace_options", "tracing/trace_clock"};
constexpr uint32_t kSettingReadSize = 16384;  // trace_options is about 1 KiB

// Opened guest files a look reads: every CPU's trace_pipe_raw (non-blocking, in CPU order),
// then the settings.
using Files = std::shared_ptr<const std::vector<GuestFile>>;
// A reply's data points into its frame: replies are moved (the frame's buffer stays), never
// copied.
using Replies = std::shared_ptr<std::vector<GuestReply>>;
asio::awaitable<GuestReply> read_one(GuestLink& link, Files files, size_t index, uint32_t count,
                                     std::chrono::seconds timeout) {
  co_return co_await link.read(*(*files)[index], 0, count, timeout);
}

// One look, in flight: a Tread per CPU, then one per setting, all sent at once and served by
// the guest in that order; `done` when the last reply is in, which cancels `ready` (a timer
// that never expires by itself).
struct Look {
  explicit Look(asio::any_io_executor executor) : ready(executor) {
    ready.expires_at(asio::steady_timer::time_point::max());
  }
  Replies replies;
  size_t left = 0;
  bool done = false;
  asio::steady_timer ready;
};

std::string_view text_of(const GuestReply& reply) {
  return {reinterpret_cast<const char*>(reply.message.data.data()), reply.message.data.size()};
}

size_t page_size_of(std::string_view subbuf_kb) {
  return std::strtoul(std::string(subbuf_kb).c_str(), nullptr, 10) * 1024;
}

// Drains every CPU's trace_pipe_raw (non-blocking) and hands the text of what it got; with
// every CPU empty it waits, doubling the wait up to the longest. Pipelined: the next look's
// Treads leave before this look's pages are formatted, so the guest (QEMU, on the other core)
// fills them meanwhile. The files are shared with the looks, so a look still in flight when
// the stream goes away reads from open fids (its pages are then dropped).
//
// When a setting changes, the host's formatter is made again from the new ones. The pages of
// the look that finds a new page size are dropped: the size changed after the previous
// look's read of it, before or after these pages were read, so they cannot be cut safely
// (the guest's resize emptied its buffer anyway). An option the host cannot print exactly
// (sym-offset) hands the rest of the stream to the guest's own trace_pipe.
class HostTextStream final : public BodyStream {
 public:
  HostTextStream(GuestLink& link, std::chrono::seconds timeout, std::vector<GuestFile> files,
                 GuestFacts facts, std::unique_ptr<HostText> text, asio::any_io_executor executor)
      : link_(link),
        timeout_(timeout),
        cpus_(files.size() - kSettingCount),
        files_(std::make_shared<const std::vector<GuestFile>>(std::move(files))),
        facts_(std::move(facts)),
        count_(whole_pages(facts_.page_size)),
        text_(std::move(text)),
        executor_(executor),
        wait_(executor) {}

  asio::awaitable<bool> next(std::string& out, CancelSignal& cancel) override {
    while (!cancel.cancelled()) {
      if (guest_text_) co_return co_await guest_text_->next(out, cancel);
      if (!look_) look_ = start_look();
      std::shared_ptr<Look> look = std::move(look_);
      if (!look->done) {
        boost::system::error_code woken;
        co_await look->ready.async_wait(asio::redirect_error(asio::use_awaitable, woken));
      }
      Replies replies = look->replies;
      if (!replies) co_return false;  // the look failed: the link is going down
      for (const GuestReply& reply : *replies)
        if (reply.error != Errno::kOk && reply.error != Errno::kAgain) co_return false;
      const GuestReply* settings = replies->data() + cpus_;
      size_t page_size = page_size_of(text_of(settings[kSubbufKb]));
      bool resized = page_size != facts_.page_size;
      if (!co_await follow(page_size, settings)) co_return false;
      if (guest_text_) continue;
      bool got = false;
      for (unsigned cpu = 0; cpu < cpus_ && !resized; ++cpu) {
        const GuestReply& reply = (*replies)[cpu];
        if (reply.error == Errno::kAgain || reply.message.data.empty()) continue;
        text_->add_pages(cpu, reply.message.data.data(), reply.message.data.size());
        got = true;
      }
      if (got) {
        look_ = start_look();
        // Tasks that started since the last look: their comms are in saved_cmdlines now.
        if (!text_->knows_every_task() && co_await read_tasks(link_, timeout_, facts_))
          text_->update_tasks(facts_.cmdlines, facts_.tgids);
        // Two turns of the loop: the look's coroutines queue their Treads, and the link's
        // writer sends them; then the guest works on them while this thread formats.
        co_await asio::post(executor_, asio::use_awaitable);
        co_await asio::post(executor_, asio::use_awaitable);
        text_->take_text(out);
        idle_ = kFirstIdleWait;
        if (!out.empty()) co_return true;
        continue;
      }
      if (resized) continue;
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
  uint32_t whole_pages(size_t page_size) const {
    // Whole pages per read: a page split across two reads would have to be put together
    // again.
    return static_cast<uint32_t>(link_.io_size() / page_size * page_size);
  }

  // Makes the formatter again when a setting read differs from the facts it was made from;
  // false when the guest stopped answering.
  asio::awaitable<bool> follow(size_t page_size, const GuestReply* settings) {
    std::string_view options = text_of(settings[kOptions]);
    std::string_view clock = text_of(settings[kClock]);
    if (page_size == facts_.page_size && options == facts_.options && clock == facts_.clock)
      co_return true;
    facts_.page_size = page_size;
    facts_.options = options;
    facts_.clock = clock;
    if (!co_await read_tasks(link_, timeout_, facts_)) co_return false;
    text_.reset();  // one formatter at a time: its symbols and comms are process-wide
    std::string why;
    if (HostText::supports(facts_) && facts_.page_size != 0 && facts_.page_size <= link_.io_size())
      text_ = HostText::create(facts_, why);
    if (text_) {
      count_ = whole_pages(facts_.page_size);
      co_return true;
    }
    // The guest's trace_pipe, once the raw readers are closed (it refuses a second reader).
    files_.reset();
    GuestFile pipe = co_await link_.walk_file(path_of("tracing/trace_pipe"), timeout_);
    if (!pipe.ok() || !(co_await link_.open(*pipe, ninep::kOpenReadOnly, timeout_)).ok())
      co_return false;
    guest_text_ = make_pipe_stream(link_, std::move(pipe));
    co_return true;
  }

  std::shared_ptr<Look> start_look() {
    auto look = std::make_shared<Look>(executor_);
    size_t reads = files_->size();
    look->replies = std::make_shared<std::vector<GuestReply>>(reads);
    look->left = reads;
    // In slot order, which is the order the guest serves them in.
    for (size_t slot = 0; slot < reads; ++slot)
      asio::co_spawn(
          executor_,
          read_one(link_, files_, slot, slot < cpus_ ? count_ : kSettingReadSize, timeout_),
          [look, slot](std::exception_ptr error, GuestReply reply) {
            if (error) reply.error = Errno::kIo;
            (*look->replies)[slot] = std::move(reply);
            if (--look->left == 0) {
              look->done = true;
              look->ready.cancel();
            }
          });
    return look;
  }

  GuestLink& link_;
  std::chrono::seconds timeout_;
  size_t cpus_;
  Files files_;
  GuestFacts facts_;
  uint32_t count_;
  std::unique_ptr<HostText> text_;
  std::unique_ptr<BodyStream> guest_text_;  // the guest formats from here on
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
  auto subbuf_kb = co_await read_whole(link_, "tracing/buffer_subbuf_size_kb", timeout);
  if (!kallsyms || !clock || !subbuf_kb || !co_await read_tasks(link_, timeout, facts))
    co_return std::nullopt;
  facts.page_size = page_size_of(*subbuf_kb);
  // The largest page (512 KiB) fits in a read of the 1 MiB msize the gateway asks for; a
  // smaller msize falls back to the guest's own text.
  if (facts.page_size == 0 || facts.page_size > link_.io_size()) co_return std::nullopt;
  facts.kallsyms = *kallsyms;
  facts.clock = *clock;

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
  std::vector<GuestFile> files = std::move(cpus);
  for (std::string_view where : kSettingPaths) {
    GuestFile file = co_await link_.walk_file(path_of(where), timeout);
    if (!file.ok() || !(co_await link_.open(*file, ninep::kOpenReadOnly, timeout)).ok())
      co_return std::nullopt;
    files.push_back(std::move(file));
  }
  ++metrics_.host_text_streams;
  auto executor = co_await asio::this_coro::executor;
  auto stream = std::make_unique<HostTextStream>(link_, timeout, std::move(files), std::move(facts),
                                                 std::move(text), executor);
  co_return Reply{{}, std::move(stream), "text/plain; charset=utf-8"};
}

}  // namespace tracegate
