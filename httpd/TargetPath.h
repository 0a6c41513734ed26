#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace tracegate {

// A request target, checked and normalised: percent-decoded path elements with empty and
// "." elements dropped. ".." or an element holding '/' or NUL once decoded is refused, so a
// request can never name anything outside the tree it addresses.
struct TargetPath {
  std::vector<std::string> elements;
  bool trailing_slash = false;
  bool nonblock = false;  // ?nonblock=1
  // Every query parameter, decoded, in order (the routes that take parameters check them).
  std::vector<std::pair<std::string, std::string>> query;
};

std::optional<TargetPath> parse_target(std::string_view target);

}  // namespace tracegate
