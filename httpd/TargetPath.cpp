#include "TargetPath.h"

#include <boost/url/parse.hpp>

namespace tracegate {

std::optional<TargetPath> parse_target(std::string_view target) {
  auto url = boost::urls::parse_origin_form(target);
  if (!url) return std::nullopt;
  TargetPath path;
  for (std::string element : url->segments()) {
    if (element.empty() || element == ".") continue;
    if (element == ".." || element.find('/') != std::string::npos ||
        element.find('\0') != std::string::npos)
      return std::nullopt;
    path.elements.push_back(std::move(element));
  }
  std::string_view encoded = url->encoded_path();
  path.trailing_slash = encoded.size() > 1 && encoded.back() == '/';
  for (auto param : url->params()) {
    if (param.key == "nonblock") path.nonblock = param.value == "1" || param.value == "true";
    path.query.emplace_back(param.key, param.value);
  }
  return path;
}

}  // namespace tracegate
