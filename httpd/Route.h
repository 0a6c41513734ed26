#pragma once
#include <boost/beast/http/status.hpp>
#include <boost/beast/http/verb.hpp>
#include <boost/system/error_code.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "TargetPath.h"

namespace tracegate {

namespace http = boost::beast::http;

// What the gateway does with a request, decided from its method, target and Authorization
// header alone: no guest, no socket. Whether the guest is up is checked afterwards.
enum class Route {
  kHealthz,           // GET/HEAD /healthz
  kMetrics,           // GET/HEAD /metrics
  kPage,              // GET/HEAD /, /index.html, /assets/NAME: the page's built files
  kAnalysis,          // GET/HEAD /analysis/trace: the analysis core's JSON of a trace
  kNotFound,          // 404: outside the trees the guest serves
  kUnauthorized,      // 401: a write without the token
  kRead,              // GET/HEAD in the guest's tree
  kWrite,             // PUT/POST
  kRemove,            // DELETE
  kMethodNotAllowed,  // 405
};

struct RoutedRequest {
  Route route;
  std::vector<std::string> guest_path;  // for the guest's routes (and 401, 405)
};

RoutedRequest route_of(http::verb method, const TargetPath& target, std::string_view authorization,
                       std::string_view token);

// True for the paths the page answers: "/", "/index.html" and "/assets/NAME".
bool is_page_path(const std::vector<std::string>& elements);

// PUT, POST and DELETE change the guest's state; only they need the token.
bool is_write(http::verb method);

// True when `authorization` carries `token` or none is needed (no token, or a read). The
// comparison takes the same time wherever the header differs.
bool authorized(http::verb method, std::string_view authorization, std::string_view token);

// Maps an HTTP path onto the guest's tree ({"tracing", ...} or {"workloads", ...}),
// including the /ftrace/ aliases; false when the path names nothing the guest serves.
bool guest_path_of(const TargetPath& target, std::vector<std::string>& out);

// The status answering a request the HTTP parser refused (too large, malformed).
http::status refusal_status(boost::system::error_code error);

}  // namespace tracegate
