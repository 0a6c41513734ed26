#include "Gateway.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/redirect_error.hpp>
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

Response text_response(const Request& request, http::status status, std::string body,
                       std::string_view content_type = "text/plain; charset=utf-8") {
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
};

}  // namespace

Gateway::Gateway(GuestLink& link, Metrics& metrics, GatewayOptions options)
    : link_(link), metrics_(metrics), options_(std::move(options)), page_(options_.web_root) {}

std::chrono::seconds Gateway::timeout_for(const std::vector<std::string>& path) const {
  bool run = path.size() == 2 && path[0] == "workloads" && path[1] == "run";
  return run ? options_.run_timeout : options_.guest_timeout;
}

asio::awaitable<Gateway::Outcome> Gateway::serve(beast::tcp_stream& stream,
                                                 const Request& request) {
  auto target = parse_target(request.target());
  RoutedRequest routed{Route::kNotFound, {}};
  if (target)
    routed =
        route_of(request.method(), *target, request[http::field::authorization], options_.token);
  if (target && routed.route == Route::kRead && request.method() == http::verb::get &&
      !target->nonblock && is_pipe(routed.guest_path) && link_.up()) {
    if (options_.host_text &&
        routed.guest_path == std::vector<std::string>{"tracing", "trace_pipe"}) {
      std::optional<Outcome> formatted = co_await stream_host_text(stream, request);
      if (formatted) co_return *formatted;
    }
    co_return co_await stream_pipe(stream, request, routed.guest_path);
  }

  // (GCC miscompiles co_await inside a conditional expression: keep it a statement.)
  Response response = text_response(request, http::status::bad_request, "bad request path\n");
  if (target) response = co_await respond(request, *target, routed);
  if (request.method() == http::verb::head) {
    auto length = response.body().size();
    response.body().clear();
    response.content_length(length);
  }
  unsigned status = response.result_int();
  size_t bytes = response.body().size();
  bool keep_alive = response.keep_alive();
  stream.expires_after(kClientWriteTimeout);
  boost::system::error_code ec;
  if (request.method() == http::verb::head) {
    http::response_serializer<http::string_body> serializer(response);
    co_await http::async_write_header(stream, serializer,
                                      asio::redirect_error(asio::use_awaitable, ec));
  } else {
    co_await http::async_write(stream, response, asio::redirect_error(asio::use_awaitable, ec));
  }
  co_return Outcome{status, bytes, keep_alive && !ec};
}

asio::awaitable<Response> Gateway::respond(const Request& request, const TargetPath& target,
                                           const RoutedRequest& routed) {
  const std::vector<std::string>& path = routed.guest_path;
  switch (routed.route) {
    case Route::kHealthz:
      if (link_.up()) co_return text_response(request, http::status::ok, "ok\n");
      co_return error_response(request, kGuestDown);
    case Route::kMetrics:
      co_return text_response(request, http::status::ok, metrics_.render(),
                              "text/plain; version=0.0.4");
    case Route::kNotFound:
      co_return text_response(request, http::status::not_found, "not found\n");
    case Route::kPage:
      co_return page(request, target);
    case Route::kMethodNotAllowed:
      if (path.empty()) {
        Response response =
            text_response(request, http::status::method_not_allowed, "method not allowed\n");
        response.set(http::field::allow, "GET, HEAD");
        co_return response;
      }
      break;
    case Route::kUnauthorized: {
      Response response = text_response(request, http::status::unauthorized, "unauthorized\n");
      response.set(http::field::www_authenticate, "Bearer");
      co_return response;
    }
    default:
      break;
  }
  if (!link_.up()) co_return error_response(request, kGuestDown);
  switch (routed.route) {
    case Route::kRead:
      co_return co_await get(request, path, target.nonblock);
    case Route::kWrite:
      co_return co_await put(request, target, path);
    case Route::kRemove:
      co_return co_await remove(request, path);
    case Route::kAnalysis:
      co_return co_await analyse(request, target);
    default: {
      Response response =
          text_response(request, http::status::method_not_allowed, "method not allowed\n");
      response.set(http::field::allow, "GET, HEAD, PUT, POST, DELETE");
      co_return response;
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
  Response tracer = co_await get(request, tracer_path, false);
  if (tracer.result() != http::status::ok) co_return tracer;
  std::vector<std::string> trace_path = base;
  trace_path.push_back("trace");
  Response trace = co_await get(request, trace_path, false);
  if (trace.result() != http::status::ok) co_return trace;
  co_return text_response(request, http::status::ok,
                          analyse_trace(trace.body(), tracer.body(), max_calls),
                          "application/json");
}

asio::awaitable<Response> Gateway::get(const Request& request, const std::vector<std::string>& path,
                                       bool nonblock) {
  auto timeout = options_.guest_timeout;
  auto walked = co_await link_.walk(path, timeout);
  if (!walked.ok()) co_return error_response(request, walked.error());
  WalkedFile file = walked.value();
  if (file.directory()) {
    Response listing = co_await list(request, path, file);
    co_await link_.clunk(file);
    co_return listing;
  }
  uint32_t flags = ninep::kOpenReadOnly | (nonblock ? ninep::kOpenNonBlock : 0);
  tg::Status opened = co_await link_.open(file, flags, timeout);
  if (!opened.ok()) {
    co_await link_.clunk(file);
    co_return error_response(request, opened.error());
  }
  std::string body;
  Errno failure = Errno::kOk;
  for (;;) {
    GuestReply reply = co_await link_.read(file, body.size(), link_.io_size(), timeout);
    if (reply.error == Errno::kAgain && nonblock) break;
    if (reply.error != Errno::kOk) {
      failure = reply.error;
      break;
    }
    if (reply.message.data.empty()) break;
    body.append(view_of(reply.message.data));
  }
  co_await link_.clunk(file);
  if (failure != Errno::kOk && body.empty()) co_return error_response(request, failure);
  if (nonblock && body.empty()) co_return no_content(request);
  co_return text_response(
      request, http::status::ok, std::move(body),
      is_binary(path) ? "application/octet-stream" : "text/plain; charset=utf-8");
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
      entries.push_back({std::move(name), entry.type == ninep::kDirentDir});
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
  boost::json::array array;
  for (const auto& entry : entries) {
    std::vector<std::string> child = path;
    child.push_back(entry.name);
    boost::json::object object;
    object["name"] = entry.name;
    object["type"] = entry.directory ? "dir" : "file";
    auto walked = co_await link_.walk(child, timeout);
    if (walked.ok()) {
      auto attr = co_await link_.getattr(walked.value(), timeout);
      co_await link_.clunk(walked.value());
      if (attr.ok()) {
        object["mode"] = octal_mode(attr.value().mode);
        object["size"] = attr.value().size;
      }
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
    auto walked = co_await link_.walk(parent, timeout);
    if (!walked.ok()) co_return error_response(request, walked.error());
    tg::Status made = co_await link_.mkdir(walked.value(), path.back(), timeout);
    co_await link_.clunk(walked.value());
    if (!made.ok()) co_return error_response(request, made.error());
    co_return no_content(request);
  }
  auto walked = co_await link_.walk(path, timeout);
  if (!walked.ok()) co_return error_response(request, walked.error());
  WalkedFile file = walked.value();
  if (file.directory()) {
    co_await link_.clunk(file);
    co_return error_response(request, Errno::kIsDir);
  }
  uint32_t flags =
      ninep::kOpenWriteOnly |
      (request.method() == http::verb::put ? ninep::kOpenTruncate : ninep::kOpenAppend);
  tg::Status opened = co_await link_.open(file, flags, timeout);
  if (!opened.ok()) {
    co_await link_.clunk(file);
    co_return error_response(request, opened.error());
  }
  // As echo does: keep writing what the file has not consumed yet (a list file takes one
  // word per write).
  size_t written = 0;
  Errno failure = Errno::kOk;
  while (written < body.size()) {
    std::string_view rest = std::string_view(body).substr(written, link_.io_size());
    auto count = co_await link_.write(file, written, rest, timeout);
    if (!count.ok()) {
      failure = count.error();
      break;
    }
    if (count.value() == 0 || count.value() > rest.size()) {
      failure = Errno::kIo;
      break;
    }
    written += count.value();
  }
  co_await link_.clunk(file);
  if (failure != Errno::kOk) co_return error_response(request, failure);
  co_return no_content(request);
}

asio::awaitable<Response> Gateway::remove(const Request& request,
                                          const std::vector<std::string>& path) {
  auto timeout = options_.guest_timeout;
  if (path.size() < 2) co_return error_response(request, Errno::kPerm);
  auto walked = co_await link_.walk(path, timeout);
  if (!walked.ok()) co_return error_response(request, walked.error());
  bool directory = walked.value().directory();
  co_await link_.clunk(walked.value());
  std::vector<std::string> parent(path.begin(), path.end() - 1);
  auto dir = co_await link_.walk(parent, timeout);
  if (!dir.ok()) co_return error_response(request, dir.error());
  tg::Status removed =
      co_await link_.unlinkat(dir.value(), path.back(), directory ? ninep::kRemoveDir : 0, timeout);
  co_await link_.clunk(dir.value());
  if (!removed.ok()) co_return error_response(request, removed.error());
  co_return no_content(request);
}

asio::awaitable<Gateway::Outcome> Gateway::send_error(beast::tcp_stream& stream,
                                                      const Request& request, Errno error) {
  Response response = error_response(request, error);
  boost::system::error_code ec;
  stream.expires_after(kClientWriteTimeout);
  co_await http::async_write(stream, response, asio::redirect_error(asio::use_awaitable, ec));
  co_return Outcome{response.result_int(), response.body().size(), !ec && request.keep_alive()};
}

asio::awaitable<boost::system::error_code> Gateway::start_stream(
    beast::tcp_stream& stream, const Request& request, const char* content_type,
    std::shared_ptr<CancelSignal> cancel) {
  stream.socket().async_wait(asio::ip::tcp::socket::wait_read,
                             [cancel](boost::system::error_code) { cancel->cancel(); });
  http::response<http::empty_body> header{http::status::ok, request.version()};
  header.set(http::field::server, "tracegate");
  header.set(http::field::content_type, content_type);
  header.set(http::field::cache_control, "no-store");
  header.chunked(true);
  header.keep_alive(false);
  http::response_serializer<http::empty_body> serializer(header);
  boost::system::error_code ec;
  stream.expires_after(kClientWriteTimeout);
  co_await http::async_write_header(stream, serializer,
                                    asio::redirect_error(asio::use_awaitable, ec));
  co_return ec;
}

asio::awaitable<Gateway::Outcome> Gateway::stream_pipe(beast::tcp_stream& stream,
                                                       const Request& request,
                                                       const std::vector<std::string>& path) {
  auto timeout = options_.guest_timeout;
  auto walked = co_await link_.walk(path, timeout);
  if (!walked.ok()) co_return co_await send_error(stream, request, walked.error());
  WalkedFile file = walked.value();
  tg::Status opened = co_await link_.open(file, ninep::kOpenReadOnly, timeout);
  if (!opened.ok()) {
    co_await link_.clunk(file);
    co_return co_await send_error(stream, request, opened.error());
  }

  // The client leaving (EOF on its socket) abandons the parked read: GuestLink flushes it.
  auto cancel = std::make_shared<CancelSignal>();
  boost::system::error_code ec = co_await start_stream(
      stream, request, is_binary(path) ? "application/octet-stream" : "text/plain; charset=utf-8",
      cancel);
  ++metrics_.active_streams;
  size_t sent = 0;
  uint64_t offset = 0;
  while (!ec && !cancel->cancelled()) {
    GuestReply reply =
        co_await link_.read(file, offset, link_.io_size(), kStreamReadTimeout, cancel.get());
    if (reply.error != Errno::kOk || reply.message.data.empty()) break;
    offset += reply.message.data.size();
    // Back-pressure: the next Tread goes out only once the client has taken this chunk.
    stream.expires_after(kClientWriteTimeout);
    co_await asio::async_write(
        stream,
        http::make_chunk(asio::buffer(reply.message.data.data(), reply.message.data.size())),
        asio::redirect_error(asio::use_awaitable, ec));
    sent += reply.message.data.size();
    metrics_.stream_bytes += reply.message.data.size();
  }
  --metrics_.active_streams;
  if (!ec && !cancel->cancelled()) {
    stream.expires_after(kClientWriteTimeout);
    co_await asio::async_write(stream, http::make_chunk_last(),
                               asio::redirect_error(asio::use_awaitable, ec));
  }
  co_await link_.clunk(file);
  co_return Outcome{200, sent, false};
}

}  // namespace tracegate
