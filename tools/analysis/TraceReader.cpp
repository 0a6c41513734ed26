#include "TraceReader.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

#include "TextParser.h"
#include "TraceDatReader.h"
#include "TraceDatTextReader.h"

namespace tg::analysis {

namespace {

constexpr size_t kChunk = 1 << 20;
// Enough of a file's start to tell a trace.dat by its magic.
constexpr size_t kMagicSize = 10;

}  // namespace

TextTraceReader::~TextTraceReader() {
  if (fd_ > 0) ::close(fd_);
}

bool TextTraceReader::read(const std::function<void(std::string_view, const TraceItem&)>& fn,
                           std::string& error) {
  std::vector<char> buffer(kChunk * 2);
  size_t held = prefix_.size();
  memcpy(buffer.data(), prefix_.data(), held);
  for (;;) {
    if (held == buffer.size()) buffer.resize(buffer.size() * 2);  // a very long line
    ssize_t got = ::read(fd_, buffer.data() + held, std::min(kChunk, buffer.size() - held));
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) {
      error = std::string("read: ") + strerror(errno);
      return false;
    }
    size_t end = held + static_cast<size_t>(got);
    size_t start = 0;
    for (;;) {
      const void* newline = memchr(buffer.data() + start, '\n', end - start);
      if (!newline) break;
      size_t stop = static_cast<const char*>(newline) - buffer.data();
      std::string_view line(buffer.data() + start, stop - start);
      fn(line, parse_line(line));
      start = stop + 1;
    }
    if (got == 0) {
      if (start < end) {
        std::string_view line(buffer.data() + start, end - start);
        fn(line, parse_line(line));
      }
      return true;
    }
    memmove(buffer.data(), buffer.data() + start, end - start);
    held = end - start;
  }
}

std::unique_ptr<TraceReader> open_trace(const std::string& path, std::string& error) {
  int fd = path == "-" ? 0 : ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    error = path + ": " + strerror(errno);
    return nullptr;
  }
  char head[kMagicSize];
  ssize_t got = 0;
  while (got < static_cast<ssize_t>(kMagicSize)) {
    ssize_t n = ::read(fd, head + got, kMagicSize - got);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    got += n;
  }
  std::string start(head, static_cast<size_t>(got));
  if (tracegate::tracedat::is_trace_dat(start)) {
    // The pages are read in place: the mapping starts at the file's beginning.
    if (fd > 0 && ::lseek(fd, 0, SEEK_SET) == 0) start.clear();
    return open_trace_dat(path, fd, std::move(start), error);
  }
  return std::make_unique<TextTraceReader>(fd, std::move(start));
}

void for_each_line(std::string_view text,
                   const std::function<void(std::string_view, const TraceItem&)>& fn) {
  while (!text.empty()) {
    size_t newline = text.find('\n');
    std::string_view line = text.substr(0, newline);
    fn(line, parse_line(line));
    if (newline == std::string_view::npos) break;
    text.remove_prefix(newline + 1);
  }
}

}  // namespace tg::analysis
