#pragma once
#include <boost/asio/awaitable.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <chrono>
#include <optional>
#include <string>

#include "GuestLink.h"
#include "Metrics.h"
#include "Route.h"
#include "TargetPath.h"
#include "WebPage.h"

namespace tracegate {

namespace beast = boost::beast;
namespace http = beast::http;
using Request = http::request<http::string_body>;
using Response = http::response<http::string_body>;

struct GatewayOptions {
  std::string token;  // empty: writes need no authorization
  std::chrono::seconds guest_timeout{30};
  // workloads/run returns when the run has finished; the contract promises 10 minutes.
  std::chrono::seconds run_timeout{11 * 60};
  // trace_pipe of the top instance formatted here from raw pages where that gives the
  // guest's text exactly (HostText); off: the guest formats it.
  bool host_text = true;
  // The page's built files (WebPage); empty: no page.
  std::string web_root;
};

// Turns one HTTP request into a short 9P exchange with the guest and answers it. Plain
// requests produce a Response; trace_pipe takes over the stream and answers in chunks.
class Gateway {
 public:
  Gateway(GuestLink& link, Metrics& metrics, GatewayOptions options);

  // Answers `request` on `stream`; returns the status sent and whether the connection may
  // carry another request.
  struct Outcome {
    unsigned status;
    size_t body_bytes;
    bool keep_alive;
  };
  asio::awaitable<Outcome> serve(beast::tcp_stream& stream, const Request& request);

 private:
  asio::awaitable<Response> respond(const Request& request, const TargetPath& target,
                                    const RoutedRequest& routed);
  Response page(const Request& request, const TargetPath& target) const;
  // The analysis core over one instance's `trace` (TraceAnalysis), as JSON.
  asio::awaitable<Response> analyse(const Request& request, const TargetPath& target);
  asio::awaitable<Response> get(const Request& request, const std::vector<std::string>& path,
                                bool nonblock);
  asio::awaitable<Response> list(const Request& request, const std::vector<std::string>& path,
                                 const WalkedFile& directory);
  asio::awaitable<Response> put(const Request& request, const TargetPath& target,
                                const std::vector<std::string>& path);
  asio::awaitable<Response> remove(const Request& request, const std::vector<std::string>& path);
  asio::awaitable<Outcome> stream_pipe(beast::tcp_stream& stream, const Request& request,
                                       const std::vector<std::string>& path);
  // trace_pipe formatted on the host (HostTextStream.cpp); nullopt: the guest must format it.
  asio::awaitable<std::optional<Outcome>> stream_host_text(beast::tcp_stream& stream,
                                                           const Request& request);
  // The whole text of a guest file ("tracing/current_tracer").
  asio::awaitable<std::optional<std::string>> read_whole(std::string path);
  // Answers 200 with a chunked body of `content_type` and arms `cancel` for when the client
  // goes away (EOF on its socket). Returns the header write's error.
  asio::awaitable<boost::system::error_code> start_stream(beast::tcp_stream& stream,
                                                          const Request& request,
                                                          const char* content_type,
                                                          std::shared_ptr<CancelSignal> cancel);
  asio::awaitable<Outcome> send_error(beast::tcp_stream& stream, const Request& request,
                                      tg::Errno error);
  std::chrono::seconds timeout_for(const std::vector<std::string>& path) const;

  GuestLink& link_;
  Metrics& metrics_;
  GatewayOptions options_;
  WebPage page_;
};

}  // namespace tracegate
