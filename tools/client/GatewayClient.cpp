#include "GatewayClient.h"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>
#include <boost/url/parse.hpp>

namespace tracegate {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;

namespace {
constexpr int kHttpVersion = 11;
}  // namespace

struct GatewayClient::Connection {
  asio::io_context io;
  beast::tcp_stream stream{io};
  beast::flat_buffer buffer;
  bool open = false;

  void dial(const std::string& host, const std::string& port) {
    asio::ip::tcp::resolver resolver(io);
    stream.connect(resolver.resolve(host, port));
    open = true;
  }
};

GatewayClient::GatewayClient(std::string_view url, std::string token)
    : url_(url), token_(std::move(token)), connection_(std::make_unique<Connection>()) {
  auto parsed = boost::urls::parse_uri(url);
  if (!parsed || parsed->scheme() != "http" || parsed->host().empty())
    throw std::invalid_argument("not an http:// URL: " + std::string(url));
  host_ = parsed->host();
  port_ = parsed->has_port() ? std::string(parsed->port()) : "80";
  prefix_ = parsed->path();
  while (!prefix_.empty() && prefix_.back() == '/') prefix_.pop_back();
}

GatewayClient::~GatewayClient() = default;

GatewayUnreachable GatewayClient::unreachable(bool dialled,
                                              const boost::system::system_error& error) const {
  if (!dialled)
    return GatewayUnreachable("cannot reach the gateway at " + url_ + ": " +
                              error.code().message());
  return GatewayUnreachable("the gateway at " + url_ +
                            " broke the connection: " + error.code().message());
}

GatewayClient::Response GatewayClient::get(std::string_view path) {
  return exchange("GET", path, {});
}

GatewayClient::Response GatewayClient::put(std::string_view path, std::string_view body) {
  return exchange("PUT", path, body);
}

GatewayClient::Response GatewayClient::del(std::string_view path) {
  return exchange("DELETE", path, {});
}

namespace {
http::request<http::string_body> make_request(http::verb verb, const std::string& host,
                                              std::string target, std::string_view body,
                                              const std::string& token) {
  http::request<http::string_body> request{verb, std::move(target), kHttpVersion};
  request.set(http::field::host, host);
  request.set(http::field::user_agent, "tracectl");
  if (!token.empty()) request.set(http::field::authorization, "Bearer " + token);
  if (verb != http::verb::get) {
    request.body() = std::string(body);
    request.prepare_payload();
  }
  return request;
}
}  // namespace

GatewayClient::Response GatewayClient::exchange(std::string_view method, std::string_view path,
                                                std::string_view body) {
  http::verb verb = http::string_to_verb(method);
  // A kept-alive connection the gateway has since closed fails on first use, before any of
  // the answer arrived (broken pipe, or end of stream before a byte): dial again once. Any
  // other failure is real; in particular a consuming read that broke off mid-answer is not
  // asked again, since what it had taken is gone.
  for (int attempt = 0;; ++attempt) {
    Connection& c = *connection_;
    bool dialled = c.open;
    try {
      if (!c.open) c.dial(host_, port_);
      dialled = true;
      http::write(c.stream, make_request(verb, host_, prefix_ + std::string(path), body, token_));
      // Raw pages of a busy trace are large; the gateway bounds nothing it reads for us.
      http::response_parser<http::string_body> parser;
      parser.body_limit(boost::none);
      http::read(c.stream, c.buffer, parser);
      auto response = parser.release();
      if (!response.keep_alive()) {
        beast::error_code ignored;
        c.stream.socket().shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
        c.stream.close();
        c.open = false;
      }
      return {static_cast<int>(response.result_int()), std::move(response.body())};
    } catch (const boost::system::system_error& e) {
      bool stale = c.open && attempt == 0 &&
                   (e.code() == http::error::end_of_stream || e.code() == asio::error::broken_pipe);
      connection_ = std::make_unique<Connection>();
      if (!stale) throw unreachable(dialled, e);
    }
  }
}

int GatewayClient::stream(std::string_view path,
                          const std::function<bool(std::string_view)>& chunk) {
  // A connection of its own: a stream ends when the client stops reading, and the kept-alive
  // one stays usable.
  Connection c;
  try {
    c.dial(host_, port_);
  } catch (const boost::system::system_error& e) {
    throw unreachable(false, e);
  }
  try {
    http::write(c.stream,
                make_request(http::verb::get, host_, prefix_ + std::string(path), {}, token_));
    http::response_parser<http::buffer_body> parser;
    parser.body_limit(boost::none);
    http::read_header(c.stream, c.buffer, parser);
    int status = static_cast<int>(parser.get().result_int());
    char data[1 << 16];
    while (!parser.is_done()) {
      parser.get().body().data = data;
      parser.get().body().size = sizeof data;
      beast::error_code error;
      http::read_some(c.stream, c.buffer, parser, error);
      if (error == http::error::need_buffer) error = {};
      if (error == http::error::end_of_stream) break;
      if (error) throw boost::system::system_error(error);
      size_t got = sizeof data - parser.get().body().size;
      if (got && !chunk(std::string_view(data, got))) break;
    }
    return status;
  } catch (const boost::system::system_error& e) {
    throw unreachable(true, e);
  }
}

std::string GatewayClient::read(std::string_view path) {
  Response response = get(path);
  if (response.status == 204) return {};
  if (response.status == 200) return std::move(response.body);
  std::string reason = response.body;
  while (!reason.empty() && reason.back() == '\n') reason.pop_back();
  throw std::runtime_error("GET " + std::string(path) + ": " + std::to_string(response.status) +
                           (reason.empty() ? "" : " " + reason));
}

std::vector<std::string> GatewayClient::list(std::string_view path) {
  std::string text = read(path);
  std::vector<std::string> names;
  size_t at = 0;
  while (at < text.size()) {
    size_t end = text.find('\n', at);
    if (end == std::string::npos) end = text.size();
    if (end > at) names.push_back(text.substr(at, end - at));
    at = end + 1;
  }
  return names;
}

}  // namespace tracegate
