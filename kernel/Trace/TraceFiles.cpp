#include "Trace/TraceFiles.h"

namespace {
constexpr tg::usize kReadChunk = 2048;

tg::StringView joined(tg::StringView path, char (&buffer)[128]) {
  constexpr tg::StringView kPrefix = "tracing/";
  tg::usize length = kPrefix.size() + path.size();
  if (length >= sizeof(buffer)) return {};
  memcpy(buffer, kPrefix.data(), kPrefix.size());
  memcpy(buffer + kPrefix.size(), path.data(), path.size());
  return tg::StringView(buffer, length);
}

}  // namespace

tg::Status trace_file_write(tg::StringView path, tg::StringView text, bool append) {
  char buffer[128];
  tg::StringView full = joined(path, buffer);
  if (full.empty()) return tg::Errno::kInval;
  tg::vfs::NodeTable& table = trace_node_table();
  auto ref = table.lookup(full);
  if (!ref.ok()) return ref.error();
  tg::u32 flags = tg::vfs::kOpenWriteOnly | (append ? tg::vfs::kOpenAppend : tg::vfs::kOpenTruncate);
  auto opened = table.open(ref.value(), flags);
  if (!opened.ok()) return opened.error();
  tg::OwnPtr<tg::vfs::OpenFile> file = opened.release_value();
  tg::Status status{};
  tg::usize done = 0;
  while (done < text.size()) {
    auto written = table.write(*file, done, text.substr(done, text.size() - done));
    if (!written.ok()) {
      status = written.error();
      break;
    }
    if (written.value() == 0) break;
    done += written.value();
  }
  table.release(tg::move(file));
  return status;
}

tg::Status trace_file_read(tg::StringView path, void (*sink)(const char*, tg::usize, void*),
                           void* context) {
  char buffer[128];
  tg::StringView full = joined(path, buffer);
  if (full.empty()) return tg::Errno::kInval;
  tg::vfs::NodeTable& table = trace_node_table();
  auto ref = table.lookup(full);
  if (!ref.ok()) return ref.error();
  auto opened = table.open(ref.value(), tg::vfs::kOpenReadOnly | tg::vfs::kOpenNonBlock);
  if (!opened.ok()) return opened.error();
  tg::OwnPtr<tg::vfs::OpenFile> file = opened.release_value();
  char chunk[kReadChunk];
  tg::u64 offset = 0;
  tg::Status status{};
  for (;;) {
    auto got = table.read(*file, offset, tg::Span<char>(chunk, sizeof(chunk)));
    if (!got.ok()) {
      if (got.error() != tg::Errno::kAgain) status = got.error();
      break;
    }
    if (got.value() == 0) break;
    sink(chunk, got.value(), context);
    offset += got.value();
  }
  table.release(tg::move(file));
  return status;
}

// ---- TraceShell.h ----

#include "Console/Serial.h"
#include "Lib/String.h"
#include "Trace/TraceShell.h"

int trace_echo(const char* path, const char* text, bool append) {
  tg::Status status = trace_file_write(tg::StringView(path, strlen(path)),
                                       tg::StringView(text, strlen(text)), append);
  return static_cast<int>(status.error());
}

int trace_cat_to_serial(const char* path) {
  tg::Status status = trace_file_read(
      tg::StringView(path, strlen(path)),
      [](const char* data, tg::usize length, void*) { serial_write(data, length); }, nullptr);
  return static_cast<int>(status.error());
}

size_t trace_cat_to_buffer(const char* path, char* buffer, size_t size) {
  struct Target {
    char* buffer;
    size_t size;
    size_t used;
  } target{buffer, size, 0};
  if (!size) return 0;
  (void)trace_file_read(
      tg::StringView(path, strlen(path)),
      [](const char* data, tg::usize length, void* context) {
        auto& t = *static_cast<Target*>(context);
        size_t room = t.size - 1 - t.used;
        size_t n = length < room ? length : room;
        memcpy(t.buffer + t.used, data, n);
        t.used += n;
      },
      &target);
  buffer[target.used] = '\0';
  return target.used;
}
