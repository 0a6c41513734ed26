#pragma once
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace boost::system {
class system_error;
}

namespace tracegate {

// The gateway could not be reached, or the connection broke.
struct GatewayUnreachable : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// The one HTTP/1.1 client of the gateway's API the host tools use (Boost.Beast, as httpd/):
// blocking, one keep-alive connection redialled when the gateway has closed it, and a
// connection of its own for each stream. Transport failures throw GatewayUnreachable, which
// names the gateway; HTTP statuses are returned as they are.
class GatewayClient {
 public:
  struct Response {
    int status = 0;
    std::string body;
    bool ok() const { return status >= 200 && status < 300; }
  };

  // `url`: http://HOST[:PORT][/PREFIX], the prefix put before every path;
  // std::invalid_argument when it is not one. A non-empty `token` goes with every request as
  // a bearer token (a gateway bound beyond loopback requires one for writes).
  explicit GatewayClient(std::string_view url, std::string token = {});
  ~GatewayClient();

  Response get(std::string_view path);
  // `echo BODY > file`: 204 on success.
  Response put(std::string_view path, std::string_view body);
  Response del(std::string_view path);
  // GET, handing the body over as it arrives until `chunk` returns false or the response
  // ends. Returns the status.
  int stream(std::string_view path, const std::function<bool(std::string_view)>& chunk);
  // GET that must answer 200 (or 204, read as empty); anything else throws
  // std::runtime_error, quoting the gateway's one-line error.
  std::string read(std::string_view path);
  // A directory listing: one name per line, directories with a trailing '/'.
  std::vector<std::string> list(std::string_view path);

  const std::string& url() const { return url_; }
  const std::string& token() const { return token_; }

 private:
  struct Connection;
  // What a transport failure is reported as: the gateway not reached, or the connection to
  // it broken.
  GatewayUnreachable unreachable(bool dialled, const boost::system::system_error& error) const;
  Response exchange(std::string_view method, std::string_view path, std::string_view body);
  std::string url_;
  std::string host_;
  std::string port_;
  std::string prefix_;
  std::string token_;
  std::unique_ptr<Connection> connection_;
};

}  // namespace tracegate
