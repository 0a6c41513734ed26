#include "GatewayClient.h"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>
#include <boost/url/parse.hpp>
#include <stdexcept>

namespace tracegate::tracedat {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;

struct GatewayClient::Connection {
  asio::io_context io;
  beast::tcp_stream stream{io};
  beast::flat_buffer buffer;
  bool open = false;
};

GatewayClient::GatewayClient(std::string_view url, std::string token)
    : token_(std::move(token)), connection_(std::make_unique<Connection>()) {
  auto parsed = boost::urls::parse_uri(url);
  if (!parsed || parsed->scheme() != "http" || parsed->host().empty())
    throw std::invalid_argument("not an http:// URL: " + std::string(url));
  host_ = parsed->host();
  port_ = parsed->has_port() ? std::string(parsed->port()) : "80";
  prefix_ = parsed->path();
  while (!prefix_.empty() && prefix_.back() == '/') prefix_.pop_back();
}

GatewayClient::~GatewayClient() = default;

GatewayClient::Response GatewayClient::get(std::string_view path) {
  return exchange(false, path, {});
}

GatewayClient::Response GatewayClient::put(std::string_view path, std::string_view body) {
  return exchange(true, path, body);
}

GatewayClient::Response GatewayClient::exchange(bool put, std::string_view path,
                                                std::string_view body) {
  // A kept-alive connection the gateway has since closed fails on first use, before any of
  // the answer arrived (broken pipe, or end of stream before a byte): dial again once. Any
  // other failure is real; in particular a consuming read that broke off mid-answer is not
  // asked again, since what it had taken is gone.
  for (int attempt = 0;; ++attempt) {
    Connection& c = *connection_;
    try {
      if (!c.open) {
        asio::ip::tcp::resolver resolver(c.io);
        c.stream.connect(resolver.resolve(host_, port_));
        c.open = true;
      }
      http::request<http::string_body> request{put ? http::verb::put : http::verb::get,
                                               prefix_ + std::string(path), 11};
      request.set(http::field::host, host_);
      request.set(http::field::user_agent, "tracectl-extract");
      if (put && !token_.empty()) request.set(http::field::authorization, "Bearer " + token_);
      if (put) {
        request.body() = std::string(body);
        request.prepare_payload();
      }
      http::write(c.stream, request);
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
      return {response.result_int(), std::move(response.body())};
    } catch (const boost::system::system_error& e) {
      bool stale = c.open && attempt == 0 &&
                   (e.code() == http::error::end_of_stream || e.code() == asio::error::broken_pipe);
      connection_ = std::make_unique<Connection>();
      if (!stale) throw std::runtime_error("http://" + host_ + ":" + port_ + ": " + e.what());
    }
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

}  // namespace tracegate::tracedat
