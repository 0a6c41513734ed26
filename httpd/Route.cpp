#include "Route.h"

#include <boost/beast/http/error.hpp>

namespace tracegate {

bool is_write(http::verb method) {
  return method == http::verb::put || method == http::verb::post || method == http::verb::delete_;
}

bool authorized(http::verb method, std::string_view authorization, std::string_view token) {
  if (token.empty() || !is_write(method)) return true;
  std::string expected = "Bearer " + std::string(token);
  if (authorization.size() != expected.size()) return false;
  unsigned char difference = 0;
  for (size_t i = 0; i < expected.size(); ++i) difference |= authorization[i] ^ expected[i];
  return difference == 0;
}

bool is_page_path(const std::vector<std::string>& elements) {
  if (elements.empty()) return true;
  if (elements.size() == 1) return elements[0] == "index.html";
  return elements.size() == 2 && elements[0] == "assets";
}

bool guest_path_of(const TargetPath& target, std::vector<std::string>& out) {
  const auto& e = target.elements;
  if (e.empty()) return false;
  if (e[0] == "tracing" || e[0] == "workloads" || e[0] == "proc") {
    out = e;
    return true;
  }
  // Nanos' gateway serves the two trace files under /ftrace/.
  if (e[0] == "ftrace" && e.size() == 2 && (e[1] == "trace" || e[1] == "trace_pipe")) {
    out = {"tracing", e[1]};
    return true;
  }
  return false;
}

RoutedRequest route_of(http::verb method, const TargetPath& target, std::string_view authorization,
                       std::string_view token) {
  const auto& e = target.elements;
  bool reading = method == http::verb::get || method == http::verb::head;
  if (e.size() == 1 && e[0] == "healthz" && reading) return {Route::kHealthz, {}};
  if (e.size() == 1 && e[0] == "metrics" && reading) return {Route::kMetrics, {}};
  if (is_page_path(e) && reading) return {Route::kPage, {}};
  // The analysis reads the guest's files, so it is a read as far as the token goes.
  if (e.size() == 2 && e[0] == "analysis" && e[1] == "trace")
    return {reading ? Route::kAnalysis : Route::kMethodNotAllowed, {}};
  RoutedRequest routed{Route::kNotFound, {}};
  if (!guest_path_of(target, routed.guest_path)) return routed;
  if (!authorized(method, authorization, token)) {
    routed.route = Route::kUnauthorized;
    return routed;
  }
  switch (method) {
    case http::verb::get:
    case http::verb::head:
      routed.route = Route::kRead;
      break;
    case http::verb::put:
    case http::verb::post:
      routed.route = Route::kWrite;
      break;
    case http::verb::delete_:
      routed.route = Route::kRemove;
      break;
    default:
      routed.route = Route::kMethodNotAllowed;
  }
  return routed;
}

http::status refusal_status(boost::system::error_code error) {
  if (error == http::error::body_limit) return http::status::payload_too_large;
  if (error == http::error::header_limit) return http::status::request_header_fields_too_large;
  return http::status::bad_request;
}

}  // namespace tracegate
