#include "Gateway.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/http/chunk_encode.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/serializer.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <cstdio>

#include "TraceAnalysis.h"
#include "ninep/Dirent.h"

namespace tracegate {

using tg::Errno;
namespace ninep = tg::ninep;

namespace {

// A blocked trace_pipe read waits for data as long as the client stays.
constexpr auto kStreamReadTimeout = std::chrono::hours(24);
constexpr auto kClientWriteTimeout = std::chrono::seconds(60);

Response no_content(const Request& request) {
  Response response{http::status::no_content, request.version()};
  response.set(http::field::server, "tracegate");
  response.keep_alive(request.keep_alive());
  return response;
}

// Files whose read blocks for new data and consumes it: streamed, never buffered whole.
bool is_pipe(const std::vector<std::string>& path) {
  return !path.empty() && (path.back() == "trace_pipe" || path.back() == "trace_pipe_raw");
}

bool is_binary(const std::vector<std::string>& path) {
  return !path.empty() && path.back().size() > 4 &&
         path.back().compare(path.back().size() - 4, 4, "_raw") == 0;
}

std::string octal_mode(uint32_t mode) {
  char text[8];
  std::snprintf(text, sizeof text, "%04o", mode & 07777);
  return text;
}

std::string_view view_of(tg::Bytes bytes) {
  return {reinterpret_cast<const char*>(bytes.data()), bytes.size()};
}

struct ListedEntry {
  std::string name;
  bool directory;
  std::optional<tg::ninep::Attr> attr;
};

Reply reply_of(Response response) {
  return Reply{std::move(response), nullptr};
}

// trace_pipe and trace_pipe_raw as the guest writes them: one Tread per piece, parked in the
// guest until there is data. The client leaving flushes the parked read.
class PipeStream final : public BodyStream {
 public:
  PipeStream(GuestLink& link, GuestFile file) : link_(link), file_(std::move(file)) {}

  asio::awaitable<bool> next(std::string& out, CancelSignal& cancel) override {
    GuestReply reply =
        co_await link_.read(*file_, offset_, link_.io_size(), kStreamReadTimeout, &cancel);
    if (reply.error != Errno::kOk || reply.message.data.empty()) co_return false;
    offset_ += reply.message.data.size();
    out.append(view_of(reply.message.data));
    co_return true;
  }

 private:
  GuestLink& link_;
  GuestFile file_;
  uint64_t offset_ = 0;
};

}  // namespace

std::unique_ptr<BodyStream> make_pipe_stream(GuestLink& link, GuestFile file) {
  return std::make_unique<PipeStream>(link, std::move(file));
}

namespace {

asio::awaitable<std::optional<tg::ninep::Attr>> attr_of(GuestLink& link,
                                                        std::vector<std::string> path,
                                                        std::chrono::seconds timeout) {
  GuestFile file = co_await link.walk_file(path, timeout);
  if (!file.ok()) co_return std::nullopt;
  auto attr = co_await link.getattr(*file, timeout);
  if (!attr.ok()) co_return std::nullopt;
  co_return attr.value();
}

// Each entry's mode and size, all asked for at once.
asio::awaitable<void> fetch_attrs(GuestLink& link, const std::vector<std::string>& directory,
                                  std::vector<ListedEntry>& entries, std::chrono::seconds timeout) {
  // Every entry's walk, getattr and clunk go out together (9P multiplexes them by tag): the
  // listing costs about three round trips to the guest, not three per entry.
  struct Batch {
    explicit Batch(asio::any_io_executor executor) : done(executor) {}
    size_t left = 0;
    asio::steady_timer done;
  };
  auto executor = co_await asio::this_coro::executor;
  auto batch = std::make_shared<Batch>(executor);
  batch->left = entries.size();
  batch->done.expires_at(asio::steady_timer::time_point::max());
  for (ListedEntry& entry : entries) {
    std::vector<std::string> child = directory;
    child.push_back(entry.name);
    asio::co_spawn(executor, attr_of(link, std::move(child), timeout),
                   [batch, &entry](std::exception_ptr, std::optional<tg::ninep::Attr> attr) {
                     entry.attr = attr;
                     if (--batch->left == 0) batch->done.cancel();
                   });
  }
  if (batch->left == 0) co_return;
  boost::system::error_code ignored;
  co_await batch->done.async_wait(asio::redirect_error(asio::use_awaitable, ignored));
}

}  // namespace

Response text_response(const Request& request, http::status status, std::string body,
                       std::string_view content_type) {
  Response response{status, request.version()};
  response.set(http::field::server, "tracegate");
  response.set(http::field::content_type, content_type);
  response.keep_alive(request.keep_alive());
  response.body() = std::move(body);
  response.prepare_payload();
  return response;
}

Response error_response(const Request& request, Errno error) {
  ErrorStatus mapped = error_status(error);
  return text_response(request, static_cast<http::status>(mapped.status), mapped.body);
}

Gateway::Gateway(GuestLink& link, Metrics& metrics, GatewayOptions options)
    : link_(link), metrics_(metrics), options_(std::move(options)), page_(options_.web_root) {}

std::chrono::seconds Gateway::timeout_for(const std::vector<std::string>& path) const {
  bool run = path.size() == 2 && path[0] == "workloads" && path[1] == "run";
  return run ? options_.run_timeout : options_.guest_timeout;
}

asio::awaitable<tg::Errno> read_all(GuestLink& link, const WalkedFile& file,
                                    std::chrono::seconds timeout, bool nonblock, std::string& out) {
  for (;;) {
    GuestReply reply = co_await link.read(file, out.size(), link.io_size(), timeout);
    if (reply.error == Errno::kAgain && nonblock) co_return Errno::kOk;
    if (reply.error != Errno::kOk) co_return reply.error;
    if (reply.message.data.empty()) co_return Errno::kOk;
    out.append(view_of(reply.message.data));
  }
}

asio::awaitable<Gateway::Outcome> Gateway::serve(beast::tcp_stream& stream,
                                                 const Request& request) {
  auto target = parse_target(request.target());
  // (GCC miscompiles co_await inside a conditional expression: keep it a statement.)
  Reply reply = reply_of(text_response(request, http::status::bad_request, "bad request path\n"));
  if (target) {
    RoutedRequest routed =
        route_of(request.method(), *target, request[http::field::authorization], options_.token);
    reply = co_await respond(request, *target, routed);
  }
  if (reply.stream) co_return co_await write_stream(stream, request, reply);
  co_return co_await write_response(stream, request, reply.response);
}

asio::awaitable<Gateway::Outcome> Gateway::write_response(beast::tcp_stream& stream,
                                                          const Request& request,
                                                          Response& response) {
  bool head = request.method() == http::verb::head;
  if (head) {
    auto length = response.body().size();
    response.body().clear();
    response.content_length(length);
  }
  unsigned status = response.result_int();
  size_t bytes = response.body().size();
  bool keep_alive = response.keep_alive();
  stream.expires_after(kClientWriteTimeout);
  boost::system::error_code ec;
  if (head) {
    http::response_serializer<http::string_body> serializer(response);
    co_await http::async_write_header(stream, serializer,
                                      asio::redirect_error(asio::use_awaitable, ec));
  } else {
    co_await http::async_write(stream, response, asio::redirect_error(asio::use_awaitable, ec));
  }
  co_return Outcome{status, bytes, keep_alive && !ec};
}

asio::awaitable<Gateway::Outcome> Gateway::write_stream(beast::tcp_stream& stream,
                                                        const Request& request, Reply& reply) {
  // The client leaving (EOF on its socket) cancels: a parked guest read is flushed.
  auto cancel = std::make_shared<CancelSignal>();
  stream.socket().async_wait(asio::ip::tcp::socket::wait_read,
                             [cancel](boost::system::error_code) { cancel->cancel(); });
  http::response<http::empty_body> header{http::status::ok, request.version()};
  header.set(http::field::server, "tracegate");
  header.set(http::field::content_type, reply.content_type);
  header.set(http::field::cache_control, "no-store");
  header.chunked(true);
  header.keep_alive(false);
  http::response_serializer<http::empty_body> serializer(header);
  boost::system::error_code ec;
  stream.expires_after(kClientWriteTimeout);
  co_await http::async_write_header(stream, serializer,
                                    asio::redirect_error(asio::use_awaitable, ec));
  ++metrics_.active_streams;
  size_t sent = 0;
  std::string piece;
  while (!ec && !cancel->cancelled()) {
    piece.clear();
    if (!co_await reply.stream->next(piece, *cancel)) break;
    if (piece.empty()) continue;
    stream.expires_after(kClientWriteTimeout);
    co_await asio::async_write(stream, http::make_chunk(asio::buffer(piece)),
                               asio::redirect_error(asio::use_awaitable, ec));
    sent += piece.size();
    metrics_.stream_bytes += piece.size();
  }
  --metrics_.active_streams;
  if (!ec && !cancel->cancelled()) {
    stream.expires_after(kClientWriteTimeout);
    co_await asio::async_write(stream, http::make_chunk_last(),
                               asio::redirect_error(asio::use_awaitable, ec));
  }
  reply.stream.reset();  // its guest files are released before the next request is read
  co_return Outcome{200, sent, false};
}

asio::awaitable<Reply> Gateway::respond(const Request& request, const TargetPath& target,
                                        const RoutedRequest& routed) {
  const std::vector<std::string>& path = routed.guest_path;
  switch (routed.route) {
    case Route::kHealthz:
      if (link_.up()) co_return reply_of(text_response(request, http::status::ok, "ok\n"));
      co_return reply_of(error_response(request, kGuestDown));
    case Route::kMetrics:
      co_return reply_of(
          text_response(request, http::status::ok, metrics_.render(), "text/plain; version=0.0.4"));
    case Route::kNotFound:
      co_return reply_of(text_response(request, http::status::not_found, "not found\n"));
    case Route::kPage:
      co_return reply_of(page(request, target));
    case Route::kMethodNotAllowed:
      if (path.empty()) {
        Response response =
            text_response(request, http::status::method_not_allowed, "method not allowed\n");
        response.set(http::field::allow, "GET, HEAD");
        co_return reply_of(std::move(response));
      }
      break;
    case Route::kUnauthorized: {
      Response response = text_response(request, http::status::unauthorized, "unauthorized\n");
      response.set(http::field::www_authenticate, "Bearer");
      co_return reply_of(std::move(response));
    }
    default:
      break;
  }
  if (!link_.up()) co_return reply_of(error_response(request, kGuestDown));
  switch (routed.route) {
    case Route::kRead:
      co_return co_await get(request, path, target.nonblock);
    case Route::kWrite:
      co_return reply_of(co_await put(request, target, path));
    case Route::kRemove:
      co_return reply_of(co_await remove(request, path));
    case Route::kAnalysis:
      co_return reply_of(co_await analyse(request, target));
    default: {
      Response response =
          text_response(request, http::status::method_not_allowed, "method not allowed\n");
      response.set(http::field::allow, "GET, HEAD, PUT, POST, DELETE");
      co_return reply_of(std::move(response));
    }
  }
}

Response Gateway::page(const Request& request, const TargetPath& target) const {
  auto file = page_.find(target.elements);
  if (!file && target.elements.size() < 2)
    return text_response(
        request, http::status::not_found,
        "the page is not built: no index.html in " +
            (page_.root().empty() ? std::string("(no --web-root)") : page_.root()) +
            " (build the tracegate-web target)\n");
  if (!file) return text_response(request, http::status::not_found, "not found\n");
  Response response =
      text_response(request, http::status::ok, std::move(file->body), file->content_type);
  response.set(http::field::cache_control,
               file->immutable ? "public, max-age=31536000, immutable" : "no-cache");
  return response;
}

namespace {

// An instance's name as a query parameter names one directory under instances/.
bool valid_instance(const std::string& name) {
  return !name.empty() && name != "." && name != ".." &&
         name.find_first_of(std::string_view("/\0", 2)) == std::string::npos;
}

bool parse_count(const std::string& text, size_t& count) {
  if (text.empty() || text.size() > 9 || text.find_first_not_of("0123456789") != std::string::npos)
    return false;
  count = std::stoul(text);
  return count >= 1 && count <= kMaxCallsLimit;
}

}  // namespace

asio::awaitable<Response> Gateway::analyse(const Request& request, const TargetPath& target) {
  std::vector<std::string> base = {"tracing"};
  size_t max_calls = kDefaultMaxCalls;
  for (const auto& [key, value] : target.query) {
    if (key == "instance") {
      if (!valid_instance(value))
        co_return text_response(request, http::status::bad_request,
                                "instance must name one directory under instances/\n");
      base = {"tracing", "instances", value};
    } else if (key == "max_calls") {
      if (!parse_count(value, max_calls))
        co_return text_response(
            request, http::status::bad_request,
            "max_calls must be a number from 1 to " + std::to_string(kMaxCallsLimit) + "\n");
    } else {
      co_return text_response(request, http::status::bad_request,
                              "unknown parameter " + key + " (instance, max_calls)\n");
    }
  }
  std::vector<std::string> tracer_path = base;
  tracer_path.push_back("current_tracer");
  Reply tracer = co_await get(request, tracer_path, false);
  if (tracer.response.result() != http::status::ok) co_return std::move(tracer.response);
  std::vector<std::string> trace_path = base;
  trace_path.push_back("trace");
  Reply trace = co_await get(request, trace_path, false);
  if (trace.response.result() != http::status::ok) co_return std::move(trace.response);
  co_return text_response(request, http::status::ok,
                          analyse_trace(trace.response.body(), tracer.response.body(), max_calls),
                          "application/json");
}

asio::awaitable<Reply> Gateway::get(const Request& request, const std::vector<std::string>& path,
                                    bool nonblock) {
  bool stream = request.method() == http::verb::get && !nonblock && is_pipe(path);
  if (stream && options_.host_text && path == std::vector<std::string>{"tracing", "trace_pipe"}) {
    std::optional<Reply> formatted = co_await host_text(request);
    if (formatted) co_return std::move(*formatted);
  }
  auto timeout = options_.guest_timeout;
  GuestFile file = co_await link_.walk_file(path, timeout);
  if (!file.ok()) co_return reply_of(error_response(request, file.error()));
  if (file.directory()) co_return reply_of(co_await list(request, path, *file));
  uint32_t flags = ninep::kOpenReadOnly | (nonblock ? ninep::kOpenNonBlock : 0);
  tg::Status opened = co_await link_.open(*file, flags, timeout);
  if (!opened.ok()) co_return reply_of(error_response(request, opened.error()));
  const char* type = is_binary(path) ? "application/octet-stream" : "text/plain; charset=utf-8";
  if (stream) co_return Reply{{}, make_pipe_stream(link_, std::move(file)), type};
  std::string body;
  Errno failure = co_await read_all(link_, *file, timeout, nonblock, body);
  if (failure != Errno::kOk && body.empty()) co_return reply_of(error_response(request, failure));
  if (nonblock && body.empty()) co_return reply_of(no_content(request));
  co_return reply_of(text_response(request, http::status::ok, std::move(body), type));
}

asio::awaitable<Response> Gateway::list(const Request& request,
                                        const std::vector<std::string>& path,
                                        const WalkedFile& directory) {
  auto timeout = options_.guest_timeout;
  tg::Status opened =
      co_await link_.open(directory, ninep::kOpenReadOnly | ninep::kOpenDirectory, timeout);
  if (!opened.ok()) co_return error_response(request, opened.error());
  std::vector<ListedEntry> entries;
  uint64_t offset = 0;
  for (;;) {
    GuestReply reply = co_await link_.readdir(directory, offset, timeout);
    if (reply.error != Errno::kOk) co_return error_response(request, reply.error);
    ninep::DirentReader reader(reply.message.data);
    ninep::Dirent entry;
    size_t before = entries.size();
    while (reader.next(entry)) {
      offset = entry.offset;
      std::string name(entry.name.data(), entry.name.size());
      if (name == "." || name == "..") continue;
      entries.push_back({std::move(name), entry.type == ninep::kDirentDir, std::nullopt});
    }
    if (reader.malformed()) co_return error_response(request, Errno::kProto);
    if (entries.size() == before && reply.message.data.empty()) break;
  }
  bool json = request[http::field::accept].find("application/json") != std::string_view::npos;
  if (!json) {
    std::string body;
    for (const auto& entry : entries) body += entry.name + (entry.directory ? "/\n" : "\n");
    co_return text_response(request, http::status::ok, std::move(body));
  }
  co_await fetch_attrs(link_, path, entries, timeout);
  boost::json::array array;
  for (const auto& entry : entries) {
    boost::json::object object;
    object["name"] = entry.name;
    object["type"] = entry.directory ? "dir" : "file";
    if (entry.attr) {
      object["mode"] = octal_mode(entry.attr->mode);
      object["size"] = entry.attr->size;
    }
    array.push_back(std::move(object));
  }
  co_return text_response(request, http::status::ok, boost::json::serialize(array) + "\n",
                          "application/json");
}

asio::awaitable<Response> Gateway::put(const Request& request, const TargetPath& target,
                                       const std::vector<std::string>& path) {
  auto timeout = timeout_for(path);
  const std::string& body = request.body();
  // PUT on a directory path with a trailing slash and no body is mkdir (instances/NAME/).
  if (request.method() == http::verb::put && target.trailing_slash && body.empty()) {
    if (path.size() < 2) co_return error_response(request, Errno::kExist);
    std::vector<std::string> parent(path.begin(), path.end() - 1);
    GuestFile dir = co_await link_.walk_file(parent, timeout);
    if (!dir.ok()) co_return error_response(request, dir.error());
    tg::Status made = co_await link_.mkdir(*dir, path.back(), timeout);
    if (!made.ok()) co_return error_response(request, made.error());
    co_return no_content(request);
  }
  GuestFile file = co_await link_.walk_file(path, timeout);
  if (!file.ok()) co_return error_response(request, file.error());
  if (file.directory()) co_return error_response(request, Errno::kIsDir);
  uint32_t flags =
      ninep::kOpenWriteOnly |
      (request.method() == http::verb::put ? ninep::kOpenTruncate : ninep::kOpenAppend);
  tg::Status opened = co_await link_.open(*file, flags, timeout);
  if (!opened.ok()) co_return error_response(request, opened.error());
  // As echo does: keep writing what the file has not consumed yet (a list file takes one
  // word per write).
  size_t written = 0;
  while (written < body.size()) {
    std::string_view rest = std::string_view(body).substr(written, link_.io_size());
    auto count = co_await link_.write(*file, written, rest, timeout);
    if (!count.ok()) co_return error_response(request, count.error());
    if (count.value() == 0 || count.value() > rest.size())
      co_return error_response(request, Errno::kIo);
    written += count.value();
  }
  co_return no_content(request);
}

asio::awaitable<Response> Gateway::remove(const Request& request,
                                          const std::vector<std::string>& path) {
  auto timeout = options_.guest_timeout;
  if (path.size() < 2) co_return error_response(request, Errno::kPerm);
  bool directory = false;
  {
    GuestFile file = co_await link_.walk_file(path, timeout);
    if (!file.ok()) co_return error_response(request, file.error());
    directory = file.directory();
  }
  std::vector<std::string> parent(path.begin(), path.end() - 1);
  GuestFile dir = co_await link_.walk_file(parent, timeout);
  if (!dir.ok()) co_return error_response(request, dir.error());
  tg::Status removed =
      co_await link_.unlinkat(*dir, path.back(), directory ? ninep::kRemoveDir : 0, timeout);
  if (!removed.ok()) co_return error_response(request, removed.error());
  co_return no_content(request);
}

}  // namespace tracegate
