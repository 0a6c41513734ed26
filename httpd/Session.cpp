#include "Session.h"

#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <iostream>

namespace tracegate {
namespace {

constexpr auto kIdleTimeout = std::chrono::seconds(30);

void log_access(const std::string& peer, const Request& request, unsigned status, size_t bytes,
                Clock::time_point started) {
  auto micros =
      std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - started).count();
  std::cerr << peer << " \"" << request.method_string() << ' ' << request.target() << "\" "
            << status << ' ' << bytes << ' ' << micros / 1000 << '.' << (micros % 1000) / 100
            << "ms\n";
}

// Answers a request the parser refused (too large, malformed) and ends the connection.
asio::awaitable<unsigned> refuse(beast::tcp_stream& stream, boost::system::error_code error) {
  http::status status = refusal_status(error);
  Response response{status, 11};
  response.set(http::field::content_type, "text/plain; charset=utf-8");
  response.body() = std::string(http::obsolete_reason(status)) + "\n";
  response.keep_alive(false);
  response.prepare_payload();
  boost::system::error_code ignored;
  stream.expires_after(kIdleTimeout);
  co_await http::async_write(stream, response, asio::redirect_error(asio::use_awaitable, ignored));
  co_return response.result_int();
}

}  // namespace

asio::awaitable<void> run_session(asio::ip::tcp::socket socket, Gateway& gateway,
                                  Metrics& metrics) {
  boost::system::error_code ec;
  auto remote = socket.remote_endpoint(ec);
  std::string peer = ec ? "-" : remote.address().to_string();
  beast::tcp_stream stream(std::move(socket));
  beast::flat_buffer buffer;
  for (;;) {
    http::request_parser<http::string_body> parser;
    parser.header_limit(kHeaderLimit);
    parser.body_limit(kBodyLimit);
    stream.expires_after(kIdleTimeout);
    size_t header_bytes = co_await http::async_read_header(
        stream, buffer, parser, asio::redirect_error(asio::use_awaitable, ec));
    if (!ec && header_too_large(header_bytes)) ec = http::error::header_limit;
    if (!ec && !parser.is_done())
      co_await http::async_read(stream, buffer, parser,
                                asio::redirect_error(asio::use_awaitable, ec));
    if (ec == http::error::end_of_stream || ec == asio::error::eof || ec == beast::error::timeout ||
        ec == asio::error::connection_reset)
      break;
    if (ec) {
      unsigned status = co_await refuse(stream, ec);
      ++metrics.responses_by_status[status];
      std::cerr << peer << " \"-\" " << status << " 0 0.0ms\n";
      break;
    }
    Clock::time_point started = Clock::now();
    Request request = parser.release();
    Gateway::Outcome outcome = co_await gateway.serve(stream, request);
    ++metrics.responses_by_status[outcome.status];
    log_access(peer, request, outcome.status, outcome.body_bytes, started);
    if (!outcome.keep_alive) break;
  }
  stream.socket().shutdown(asio::ip::tcp::socket::shutdown_send, ec);
  stream.socket().close(ec);
}

}  // namespace tracegate
