#pragma once
#include <boost/asio/awaitable.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <chrono>
#include <memory>
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

// A body made piece by piece for as long as the client stays (trace_pipe): the gateway
// writes each piece as one HTTP chunk, and asks for the next only once the client has taken
// it (back-pressure reaches the guest).
class BodyStream {
 public:
  virtual ~BodyStream() = default;
  // Appends the next piece to `out` (waiting for one as long as it takes); false at the end
  // of the body. `cancel` fires when the client goes away.
  virtual asio::awaitable<bool> next(std::string& out, CancelSignal& cancel) = 0;
};

// trace_pipe or trace_pipe_raw as the guest writes it, from `file` (walked and opened).
std::unique_ptr<BodyStream> make_pipe_stream(GuestLink& link, GuestFile file);

// What a handler answers: a whole response, or (with `stream`) a 200 header of
// `content_type` whose body the stream makes.
struct Reply {
  Response response;
  std::unique_ptr<BodyStream> stream;
  const char* content_type = nullptr;
};

// Turns one HTTP request into a short 9P exchange with the guest and answers it. Handlers
// return a Reply; serve() alone writes to the client.
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
  asio::awaitable<Reply> respond(const Request& request, const TargetPath& target,
                                 const RoutedRequest& routed);
  Response page(const Request& request, const TargetPath& target) const;
  // The analysis core over one instance's `trace` (TraceAnalysis), as JSON.
  asio::awaitable<Response> analyse(const Request& request, const TargetPath& target);
  asio::awaitable<Reply> get(const Request& request, const std::vector<std::string>& path,
                             bool nonblock);
  asio::awaitable<Response> list(const Request& request, const std::vector<std::string>& path,
                                 const WalkedFile& directory);
  asio::awaitable<Response> put(const Request& request, const TargetPath& target,
                                const std::vector<std::string>& path);
  asio::awaitable<Response> remove(const Request& request, const std::vector<std::string>& path);
  // trace_pipe formatted on the host (HostTextStream.cpp); nullopt: the guest must format it.
  asio::awaitable<std::optional<Reply>> host_text(const Request& request);
  asio::awaitable<Outcome> write_response(beast::tcp_stream& stream, const Request& request,
                                          Response& response);
  asio::awaitable<Outcome> write_stream(beast::tcp_stream& stream, const Request& request,
                                        Reply& reply);
  std::chrono::seconds timeout_for(const std::vector<std::string>& path) const;

  GuestLink& link_;
  Metrics& metrics_;
  GatewayOptions options_;
  WebPage page_;
};

Response text_response(const Request& request, http::status status, std::string body,
                       std::string_view content_type = "text/plain; charset=utf-8");
// The errno's HTTP status, with "EINVAL: ..." as the body.
Response error_response(const Request& request, tg::Errno error);

// The whole of an opened guest file from offset 0 into `out`; kAgain ends a non-blocking
// read. Returns the first error (with what was read before it kept in `out`).
asio::awaitable<tg::Errno> read_all(GuestLink& link, const WalkedFile& file,
                                    std::chrono::seconds timeout, bool nonblock, std::string& out);

}  // namespace tracegate
