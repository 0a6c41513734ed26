#pragma once
#include <functional>
#include <stdexcept>
#include <string>

namespace tg::tracectl {

// The gateway could not be reached, or the connection broke.
struct GatewayUnreachable : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct Response {
  int status = 0;
  std::string body;
  bool ok() const { return status >= 200 && status < 300; }
};

// A blocking HTTP/1.1 client of the gateway's API (one connection per request; the
// gateway's control requests are short).
class GatewayClient {
 public:
  // URL: http://HOST[:PORT]; TOKEN: sent as a bearer token on writes if not empty.
  GatewayClient(const std::string& url, std::string token);

  Response get(const std::string& path) const;
  Response put(const std::string& path, const std::string& body) const;
  Response del(const std::string& path) const;
  // GET, handing the body over as it arrives until `chunk` returns false or the response
  // ends. Returns the status.
  int stream(const std::string& path, const std::function<bool(std::string_view)>& chunk) const;

  const std::string& url() const { return url_; }
  const std::string& token() const { return token_; }

 private:
  Response request(const std::string& method, const std::string& path,
                   const std::string& body) const;

  std::string url_, host_, port_, token_;
};

}  // namespace tg::tracectl
