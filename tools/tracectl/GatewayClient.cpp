#include "GatewayClient.h"

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

namespace tg::tracectl {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

namespace {

constexpr int kHttpVersion = 11;

struct Connection {
  asio::io_context io;
  beast::tcp_stream stream{io};
};

void connect(Connection& connection, const std::string& host, const std::string& port,
             const std::string& url) {
  try {
    tcp::resolver resolver(connection.io);
    connection.stream.connect(resolver.resolve(host, port));
  } catch (const boost::system::system_error& error) {
    throw GatewayUnreachable("cannot reach the gateway at " + url + ": " + error.code().message());
  }
}

http::request<http::string_body> make_request(http::verb verb, const std::string& host,
                                              const std::string& path, const std::string& body,
                                              const std::string& token) {
  http::request<http::string_body> request{verb, path, kHttpVersion};
  request.set(http::field::host, host);
  request.set(http::field::user_agent, "tracectl");
  if (!token.empty()) request.set(http::field::authorization, "Bearer " + token);
  if (verb != http::verb::get) {
    request.body() = body;
    request.prepare_payload();
  }
  return request;
}

}  // namespace

GatewayClient::GatewayClient(const std::string& url, std::string token)
    : url_(url), token_(std::move(token)) {
  std::string rest = url;
  const std::string scheme = "http://";
  if (rest.compare(0, scheme.size(), scheme) == 0)
    rest = rest.substr(scheme.size());
  else if (rest.find("://") != std::string::npos)
    throw std::invalid_argument("only http:// URLs are supported: " + url);
  rest = rest.substr(0, rest.find('/'));
  size_t colon = rest.rfind(':');
  host_ = colon == std::string::npos ? rest : rest.substr(0, colon);
  port_ = colon == std::string::npos ? "80" : rest.substr(colon + 1);
  if (host_.empty()) throw std::invalid_argument("no host in URL: " + url);
}

Response GatewayClient::request(const std::string& method, const std::string& path,
                                const std::string& body) const {
  Connection connection;
  connect(connection, host_, port_, url_);
  try {
    http::write(connection.stream,
                make_request(http::string_to_verb(method), host_, path, body, token_));
    beast::flat_buffer buffer;
    http::response_parser<http::string_body> parser;
    parser.body_limit(boost::none);
    http::read(connection.stream, buffer, parser);
    return {static_cast<int>(parser.get().result_int()), parser.get().body()};
  } catch (const boost::system::system_error& error) {
    throw GatewayUnreachable("the gateway at " + url_ +
                             " broke the connection: " + error.code().message());
  }
}

Response GatewayClient::get(const std::string& path) const {
  return request("GET", path, "");
}
Response GatewayClient::put(const std::string& path, const std::string& body) const {
  return request("PUT", path, body);
}
Response GatewayClient::del(const std::string& path) const {
  return request("DELETE", path, "");
}

int GatewayClient::stream(const std::string& path,
                          const std::function<bool(std::string_view)>& chunk) const {
  Connection connection;
  connect(connection, host_, port_, url_);
  try {
    http::write(connection.stream, make_request(http::verb::get, host_, path, "", token_));
    beast::flat_buffer buffer;
    http::response_parser<http::buffer_body> parser;
    parser.body_limit(boost::none);
    http::read_header(connection.stream, buffer, parser);
    int status = static_cast<int>(parser.get().result_int());
    char data[1 << 16];
    while (!parser.is_done()) {
      parser.get().body().data = data;
      parser.get().body().size = sizeof data;
      beast::error_code error;
      http::read_some(connection.stream, buffer, parser, error);
      if (error == http::error::need_buffer) error = {};
      if (error == http::error::end_of_stream) break;
      if (error) throw boost::system::system_error(error);
      size_t got = sizeof data - parser.get().body().size;
      if (got && !chunk(std::string_view(data, got))) break;
    }
    return status;
  } catch (const boost::system::system_error& error) {
    throw GatewayUnreachable("the gateway at " + url_ +
                             " broke the connection: " + error.code().message());
  }
}

}  // namespace tg::tracectl
