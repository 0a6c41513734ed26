#include "WebPage.h"

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "Route.h"

namespace tracegate {

namespace {

struct ContentType {
  std::string_view extension;
  std::string_view type;
};

constexpr ContentType kContentTypes[] = {
    {".html", "text/html; charset=utf-8"},
    {".js", "text/javascript; charset=utf-8"},
    {".css", "text/css; charset=utf-8"},
    {".svg", "image/svg+xml"},
    {".png", "image/png"},
    {".json", "application/json"},
    {".woff2", "font/woff2"},
    {".ico", "image/x-icon"},
};

bool ends_with(std::string_view text, std::string_view suffix) {
  return text.size() >= suffix.size() && text.substr(text.size() - suffix.size()) == suffix;
}

std::optional<std::string> read_file(const std::filesystem::path& path) {
  std::error_code error;
  if (!std::filesystem::is_regular_file(path, error)) return std::nullopt;
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace

std::string_view WebPage::content_type_of(std::string_view name) {
  for (const ContentType& entry : kContentTypes)
    if (ends_with(name, entry.extension)) return entry.type;
  return "application/octet-stream";
}

std::optional<WebPage::File> WebPage::find(const std::vector<std::string>& elements) const {
  if (root_.empty() || !is_page_path(elements)) return std::nullopt;
  std::filesystem::path path(root_);
  bool asset = elements.size() == 2;
  if (asset) {
    // Dot files are never part of a build's output.
    if (elements[1].empty() || elements[1][0] == '.') return std::nullopt;
    path /= "assets";
    path /= elements[1];
  } else {
    path /= "index.html";
  }
  auto body = read_file(path);
  if (!body) return std::nullopt;
  return File{std::move(*body), content_type_of(path.filename().string()), asset};
}

std::string WebPage::default_root() {
  std::error_code error;
  auto binary = std::filesystem::read_symlink("/proc/self/exe", error);
  if (error) return {};
  auto bin_dir = binary.parent_path();
  for (auto candidate :
       {bin_dir.parent_path() / "web", bin_dir.parent_path() / "share" / "tracegate" / "web"}) {
    if (std::filesystem::is_regular_file(candidate / "index.html", error))
      return candidate.string();
  }
  return (bin_dir.parent_path() / "web").string();
}

}  // namespace tracegate
