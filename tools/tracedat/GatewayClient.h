#pragma once
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace tracegate::tracedat {

// A blocking HTTP/1.1 client of the gateway (Boost.Beast), one keep-alive connection,
// redialled when the gateway closes it. Transport failures throw std::runtime_error;
// HTTP statuses are returned as they are.
class GatewayClient {
 public:
  struct Response {
    unsigned status = 0;
    std::string body;
  };

  // `url`: http://HOST[:PORT][/PREFIX]; std::invalid_argument when it is not one. A
  // non-empty `token` goes with every write as a bearer token (a gateway bound beyond
  // loopback requires one).
  explicit GatewayClient(std::string_view url, std::string token = {});
  ~GatewayClient();

  Response get(std::string_view path);
  // `echo BODY > file`: 204 on success.
  Response put(std::string_view path, std::string_view body);
  // GET that must answer 200 (or 204, read as empty); anything else throws, quoting the
  // gateway's one-line error.
  std::string read(std::string_view path);
  // A directory listing: one name per line, directories with a trailing '/'.
  std::vector<std::string> list(std::string_view path);

 private:
  struct Connection;
  Response exchange(bool put, std::string_view path, std::string_view body);
  std::string host_;
  std::string port_;
  std::string prefix_;
  std::string token_;
  std::unique_ptr<Connection> connection_;
};

}  // namespace tracegate::tracedat
