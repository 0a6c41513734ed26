// libFuzzer target for the gateway's HTTP front, everything that runs before a request
// reaches the guest: bytes go through Beast's request parser under the gateway's limits (fed
// in input-chosen chunk sizes), the target through parse_target, the request through
// route_of with and without a token, and an input-chosen errno through error_status.
//
// Input: byte 0 chunk size (0: all at once), byte 1 flags (bit 0: a token is configured,
// bit 1: the body is parsed eagerly as http::read does), bytes 2-3 an errno (little-endian int16,
// so the link's own negative failures come up too), then the bytes of the connection.
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "GuestError.h"
#include "RequestLimits.h"
#include "Route.h"
#include "TargetPath.h"

namespace {

using namespace tracegate;
namespace beast = boost::beast;

constexpr std::string_view kToken = "s3cret";

[[noreturn]] void fail(const char* what, std::string_view detail) {
  std::fprintf(stderr, "invariant broken: %s [%.*s]\n", what, static_cast<int>(detail.size()),
               detail.data());
  std::abort();
}

void require(bool holds, const char* what, std::string_view detail = {}) {
  if (!holds) fail(what, detail);
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// An independent reading of the path part of a target: split at '/', percent-decode each
// piece. nullopt when an escape is malformed.
std::optional<std::vector<std::string>> decoded_pieces(std::string_view target) {
  std::string_view path = target.substr(0, target.find('?'));
  std::vector<std::string> pieces;
  std::string piece;
  for (size_t i = path.empty() || path[0] != '/' ? 0 : 1; i <= path.size(); ++i) {
    if (i == path.size() || path[i] == '/') {
      pieces.push_back(std::move(piece));
      piece.clear();
      continue;
    }
    if (path[i] != '%') {
      piece += path[i];
      continue;
    }
    if (i + 2 >= path.size()) return std::nullopt;
    int high = hex_value(path[i + 1]), low = hex_value(path[i + 2]);
    if (high < 0 || low < 0) return std::nullopt;
    piece += static_cast<char>(high * 16 + low);
    i += 2;
  }
  return pieces;
}

bool is_unsafe(std::string_view element) {
  return element.empty() || element == "." || element == ".." ||
         element.find('/') != std::string_view::npos ||
         element.find('\0') != std::string_view::npos;
}

std::string percent_encoded(const std::vector<std::string>& elements) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string target;
  for (const auto& element : elements) {
    target += '/';
    for (unsigned char c : element) {
      bool unreserved = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                        (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '~';
      if (unreserved) {
        target += static_cast<char>(c);
      } else {
        target += '%';
        target += kHex[c >> 4];
        target += kHex[c & 15];
      }
    }
  }
  return target.empty() ? "/" : target;
}

// Whatever the target, an accepted path is normalised and can never leave the tree it names.
void check_target(std::string_view raw, const std::optional<TargetPath>& target) {
  auto pieces = decoded_pieces(raw);
  if (pieces) {
    for (const auto& piece : *pieces)
      if (piece == ".." || piece.find('/') != std::string::npos ||
          piece.find('\0') != std::string::npos)
        require(!target, "a traversing target was accepted", raw);
  }
  if (!target) return;
  require(raw.find('#') == std::string_view::npos, "a fragment was accepted", raw);
  for (const auto& element : target->elements)
    require(!is_unsafe(element), "an accepted element is not normalised", raw);
  // The independent decoding agrees once empty and "." pieces are dropped.
  require(pieces.has_value(), "accepted a malformed escape", raw);
  std::vector<std::string> kept;
  for (auto& piece : *pieces)
    if (!piece.empty() && piece != ".") kept.push_back(std::move(piece));
  require(kept == target->elements, "elements differ from the decoded path", raw);
  // Normalising twice changes nothing.
  auto again = parse_target(percent_encoded(target->elements));
  require(again && again->elements == target->elements, "re-encoded path reads differently", raw);
  if (target->nonblock)
    require(raw.find("nonblock") != std::string_view::npos, "nonblock out of nowhere", raw);
}

bool is_reading(http::verb method) {
  return method == http::verb::get || method == http::verb::head;
}

// The guest's trees the gateway serves (docs/http-api.md): /proc for kallsyms and the
// stack tracer's sysctl.
bool names_guest_tree(const std::vector<std::string>& path) {
  return !path.empty() && (path[0] == "tracing" || path[0] == "workloads" || path[0] == "proc");
}

void check_route(http::verb method, const TargetPath& target, std::string_view authorization,
                 std::string_view token, std::string_view raw) {
  RoutedRequest routed = route_of(method, target, authorization, token);
  const auto& e = target.elements;
  bool analysis = e.size() == 2 && e[0] == "analysis" && e[1] == "trace";
  bool guest_route = routed.route != Route::kHealthz && routed.route != Route::kMetrics &&
                     routed.route != Route::kNotFound && routed.route != Route::kPage &&
                     routed.route != Route::kAnalysis && !analysis;
  switch (routed.route) {
    case Route::kHealthz:
      require(e.size() == 1 && e[0] == "healthz" && is_reading(method), "healthz misrouted", raw);
      break;
    case Route::kMetrics:
      require(e.size() == 1 && e[0] == "metrics" && is_reading(method), "metrics misrouted", raw);
      break;
    case Route::kPage:
      require(is_page_path(e) && is_reading(method), "page misrouted", raw);
      require(routed.guest_path.empty(), "the page carries a guest path", raw);
      break;
    case Route::kAnalysis:
      require(analysis && is_reading(method), "analysis misrouted", raw);
      break;
    case Route::kNotFound:
      require(!names_guest_tree(e), "the guest's tree answered 404", raw);
      require(routed.guest_path.empty(), "404 carries a guest path", raw);
      break;
    case Route::kUnauthorized:
      require(!token.empty() && is_write(method), "401 where no token is needed", raw);
      require(authorization != "Bearer " + std::string(token), "401 with the right token", raw);
      break;
    case Route::kRead:
      require(is_reading(method), "read route for a non-read", raw);
      break;
    case Route::kWrite:
      require(method == http::verb::put || method == http::verb::post, "write misrouted", raw);
      break;
    case Route::kRemove:
      require(method == http::verb::delete_, "remove misrouted", raw);
      break;
    case Route::kMethodNotAllowed:
      // /analysis/trace is read-only: writes to it are 405 too.
      require(analysis ? !is_reading(method) : !is_reading(method) && !is_write(method),
              "405 for a served method", raw);
      break;
  }
  if (!guest_route) return;
  // Everything the guest sees stays under /tracing, /workloads or /proc, however it was
  // spelled.
  require(names_guest_tree(routed.guest_path), "guest path outside the served trees", raw);
  require(e[0] == routed.guest_path[0] || e[0] == "ftrace", "guest path renamed its tree", raw);
  for (const auto& element : routed.guest_path)
    require(!is_unsafe(element), "guest path not normalised", raw);
  bool needs_token = !token.empty() && is_write(method);
  bool has_token = authorization == "Bearer " + std::string(token);
  require((routed.route == Route::kUnauthorized) == (needs_token && !has_token),
          "token check disagrees", raw);
}

void check_error_status(int16_t code) {
  auto error = static_cast<tg::Errno>(code);
  ErrorStatus mapped = error_status(error);
  static constexpr unsigned kStatuses[] = {400, 403, 404, 409, 500, 503, 504, 507};
  bool known = false;
  for (unsigned status : kStatuses) known |= mapped.status == status;
  require(known, "errno mapped outside the contract's statuses");
  require(!mapped.body.empty() && mapped.body.back() == '\n' &&
              mapped.body.find('\n') == mapped.body.size() - 1,
          "error body is not one line", mapped.body);
  if (error != kGuestDown && error != kGuestTimeout)
    require(mapped.body.rfind(std::string(tg::errno_name(error)) + ": ", 0) == 0,
            "error body does not name the errno", mapped.body);
}

// Reads one request as the session does: the header first (non-eager, as async_read_header
// does), refused past the limit on its whole size, then the body (eager as async_read does,
// or not, as the input chooses). `bytes` arrive `chunk` at a time, as reads off a socket.
// Returns the error the session answers (none once a request is complete).
boost::system::error_code parse(http::request_parser<http::string_body>& parser,
                                std::string_view bytes, size_t chunk, bool eager_body,
                                size_t& header_bytes) {
  boost::system::error_code ec;
  size_t consumed = 0;
  size_t available = std::min(bytes.size(), chunk);
  header_bytes = 0;
  auto more = [&] {
    if (available == bytes.size()) return false;
    available = std::min(bytes.size(), available + chunk);
    return true;
  };
  parser.eager(false);
  for (;;) {
    bool header_was_done = parser.is_header_done();
    size_t used =
        parser.put(boost::asio::buffer(bytes.data() + consumed, available - consumed), ec);
    consumed += used;
    require(consumed <= available, "the parser consumed more than it was given");
    if (!header_was_done && parser.is_header_done()) {
      header_bytes = consumed;
      if (header_too_large(header_bytes)) return http::error::header_limit;
      parser.eager(eager_body);
    }
    if (ec == http::error::need_more) {
      ec = {};
      if (more()) continue;
      parser.put_eof(ec);
      return ec ? ec : boost::system::error_code(http::error::partial_message);
    }
    if (ec || parser.is_done()) return ec;
    // A non-eager parser stops after the header; with nothing left it needs more input.
    if (used == 0 && !more()) return http::error::partial_message;
  }
}

}  // namespace

// Built with BOOST_ENABLE_ASSERT_HANDLER: Boost's own assertions stay on and abort, except
// one Beast 1.81 asserts wrongly. A chunked body whose first chunk is the last ("0\r\n")
// and whose trailer arrives a byte at a time reaches parse_chunk_header with 4 bytes, where
// it asserts n >= 5; the code after it handles 4 bytes correctly (Beast fixed the assertion
// upstream, PR 2861). The gateway builds with NDEBUG, so it runs on as this does.
namespace boost {

void assertion_failed_msg(const char* expression, const char* message, const char* function,
                          const char* file, long line) {
  std::string_view where = function;
  if (std::string_view(expression) == "n >= 5" &&
      where.find("parse_chunk_header") != std::string_view::npos)
    return;
  std::fprintf(stderr, "%s:%ld: %s: Boost assertion '%s' failed%s%s\n", file, line, function,
               expression, message ? ": " : "", message ? message : "");
  std::abort();
}

void assertion_failed(const char* expression, const char* function, const char* file, long line) {
  assertion_failed_msg(expression, nullptr, function, file, line);
}

}  // namespace boost

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 4) return 0;
  size_t chunk = data[0] == 0 ? size : data[0];
  bool with_token = data[1] & 1;
  bool eager = data[1] & 2;
  check_error_status(static_cast<int16_t>(data[2] | data[3] << 8));
  std::string_view bytes(reinterpret_cast<const char*>(data) + 4, size - 4);
  if (bytes.empty()) return 0;

  http::request_parser<http::string_body> parser;
  parser.header_limit(kHeaderLimit);
  parser.body_limit(kBodyLimit);
  size_t header_bytes = 0;
  boost::system::error_code ec = parse(parser, bytes, chunk, eager, header_bytes);
  if (ec) {
    http::status status = refusal_status(ec);
    require(status == http::status::bad_request || status == http::status::payload_too_large ||
                status == http::status::request_header_fields_too_large,
            "refusal outside 400/413/431");
    require((ec == http::error::body_limit) == (status == http::status::payload_too_large),
            "body limit not answered 413");
    require((ec == http::error::header_limit) ==
                (status == http::status::request_header_fields_too_large),
            "header limit not answered 431");
    return 0;
  }
  require(header_bytes > 0 && header_bytes <= kHeaderLimit, "header over the limit was accepted");
  const auto& request = parser.get();
  require(request.body().size() <= kBodyLimit, "body over the limit was accepted");
  if (auto length = parser.content_length())
    require(*length <= kBodyLimit, "declared body over the limit was accepted");

  std::string_view raw = request.target();
  auto target = parse_target(raw);
  check_target(raw, target);
  if (!target) return 0;
  std::string_view authorization = request[http::field::authorization];
  check_route(request.method(), *target, authorization, with_token ? kToken : "", raw);
  return 0;
}
