#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tracegate {

// The page's built files (web/, built by npm into the build folder or installed beside the
// gateway), served read-only at "/" and "/assets/NAME". Files are read when asked for, so
// a rebuilt page is served without restarting the gateway.
class WebPage {
 public:
  struct File {
    std::string body;
    std::string_view content_type;
    bool immutable;  // a content-hashed asset: cacheable for good
  };

  explicit WebPage(std::string root) : root_(std::move(root)) {}

  // `elements` is the checked request path (no "..", no '/' inside an element).
  std::optional<File> find(const std::vector<std::string>& elements) const;
  const std::string& root() const { return root_; }

  // Where the built page is, relative to the gateway's binary: the build folder's web/
  // (BUILD/httpd/tracegate-gatewayd → BUILD/web) or an install's share/tracegate/web.
  static std::string default_root();

  static std::string_view content_type_of(std::string_view name);

 private:
  std::string root_;
};

}  // namespace tracegate
