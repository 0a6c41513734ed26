#pragma once
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "FakeSymbols.h"
#include "HostPlatform.h"
#include "trace/Tracing.h"
#include "vfs/NodeTable.h"
#include "vfs/TracingTree.h"

namespace tg::test {

inline u32 g_writer_cpu = 0;
inline trace::RecordContext writer_context() {
  return {g_writer_cpu, 4242, 0, 1};
}

// The tracing tree mounted in a node table, driven as a 9P server drives it: lookup, open
// with flags, read at offsets, write, release.
class TracefsTest : public testing::Test {
 protected:
  void SetUp() override {
    g_writer_cpu = 0;
    auto tracing = trace::Tracing::create();
    ASSERT_TRUE(tracing.ok());
    tracing_ = tracing.release_value();
    tracing_->set_record_context_source(writer_context);
    ASSERT_TRUE(vfs::mount_tracing(table_, *tracing_).ok());
  }

  static std::string path_of(const std::string& path) { return "tracing/" + path; }

  Result<OwnPtr<vfs::OpenFile>> open(const std::string& path, u32 flags) {
    auto ref = table_.lookup(StringView(path_of(path).c_str()));
    if (!ref.ok()) return ref.error();
    return table_.open(ref.value(), flags);
  }

  // Reads the whole file in `chunk`-byte reads at increasing offsets, as `cat` does.
  std::string cat(const std::string& path, usize chunk = 4096) {
    auto file = open(path, vfs::kOpenReadOnly);
    EXPECT_TRUE(file.ok()) << path << ": " << errno_name(file.error());
    if (!file.ok()) return "<open failed>";
    std::string text = read_all(*file.value(), chunk);
    table_.release(file.release_value());
    return text;
  }
  std::string read_all(vfs::OpenFile& file, usize chunk = 4096) {
    std::string text;
    std::vector<char> buffer(chunk);
    for (;;) {
      auto n = table_.read(file, text.size(), Span<char>(buffer.data(), buffer.size()));
      if (!n.ok()) {
        last_read_error_ = n.error();
        break;
      }
      if (n.value() == 0) break;
      text.append(buffer.data(), n.value());
    }
    return text;
  }
  Errno read_error(const std::string& path) {
    auto file = open(path, vfs::kOpenReadOnly | vfs::kOpenNonBlock);
    if (!file.ok()) return file.error();
    char buffer[4096];
    auto n = table_.read(*file.value(), 0, Span<char>(buffer, sizeof buffer));
    table_.release(file.release_value());
    return n.ok() ? Errno::kOk : n.error();
  }

  // The shell's `echo TEXT > path` (newline added, O_TRUNC) or `>>` (O_APPEND): one open,
  // writes looping over short writes, release. Returns the first error, or kOk.
  Errno write_file(const std::string& path, const std::string& data, u32 flags) {
    auto file = open(path, flags);
    if (!file.ok()) return file.error();
    Errno result = Errno::kOk;
    usize done = 0;
    while (done < data.size() || (data.empty() && done == 0)) {
      auto n =
          table_.write(*file.value(), done, StringView(data.data() + done, data.size() - done));
      if (!n.ok()) {
        result = n.error();
        break;
      }
      if (n.value() == 0) break;
      done += n.value();
    }
    table_.release(file.release_value());
    return result;
  }
  Errno echo(const std::string& path, const std::string& text) {
    return write_file(path, text + "\n", vfs::kOpenWriteOnly | vfs::kOpenTruncate);
  }
  Errno echo_append(const std::string& path, const std::string& text) {
    return write_file(path, text + "\n", vfs::kOpenWriteOnly | vfs::kOpenAppend);
  }
  // One write() of exactly `data`; returns its result.
  Result<usize> write_once(const std::string& path, const std::string& data,
                           u32 flags = vfs::kOpenWriteOnly | vfs::kOpenTruncate) {
    auto file = open(path, flags);
    if (!file.ok()) return file.error();
    auto n = table_.write(*file.value(), 0, StringView(data.data(), data.size()));
    table_.release(file.release_value());
    return n;
  }

  std::vector<std::string> ls(const std::string& path) {
    std::vector<std::string> names;
    auto ref = table_.lookup(StringView(path_of(path).c_str()));
    EXPECT_TRUE(ref.ok()) << path;
    if (!ref.ok()) return names;
    vfs::NodeRef child;
    for (usize i = 0;; ++i) {
      auto more = table_.entry_at(ref.value(), i, child);
      if (!more.ok() || !more.value()) break;
      auto name = child.name_view();
      names.emplace_back(name.data(), name.size());
    }
    return names;
  }
  u32 mode_of(const std::string& path) {
    auto ref = table_.lookup(StringView(path_of(path).c_str()));
    EXPECT_TRUE(ref.ok()) << path;
    return ref.ok() ? table_.getattr(ref.value()).mode : 0;
  }
  Errno mkdir(const std::string& name) {
    auto parent = table_.lookup("tracing/instances");
    return table_.mkdir(parent.value(), StringView(name.data(), name.size())).error();
  }
  Errno rmdir(const std::string& name) {
    auto parent = table_.lookup("tracing/instances");
    return table_.rmdir(parent.value(), StringView(name.data(), name.size())).error();
  }
  // A trace_marker write from `cpu`.
  Errno mark(const std::string& text, u32 cpu = 0, const std::string& dir = "") {
    g_writer_cpu = cpu;
    Errno e = echo(dir + "trace_marker", text);
    g_writer_cpu = 0;
    return e;
  }
  // The lines of `trace` after its header.
  std::vector<std::string> trace_lines(const std::string& path = "trace") {
    std::vector<std::string> lines;
    std::string text = cat(path);
    usize start = 0;
    while (start < text.size()) {
      usize end = text.find('\n', start);
      if (end == std::string::npos) end = text.size();
      std::string line = text.substr(start, end - start);
      if (line.empty() || line[0] != '#') lines.push_back(line);
      start = end + 1;
    }
    return lines;
  }
  std::string entries_line(const std::string& path = "trace") {
    std::string text = cat(path);
    usize at = text.find("# entries-in-buffer");
    return at == std::string::npos ? "" : text.substr(at, text.find('\n', at) - at);
  }

  ScopedFakeSymbols symbols_;
  OwnPtr<trace::Tracing> tracing_;
  vfs::NodeTable table_;
  Errno last_read_error_ = Errno::kOk;
};

}  // namespace tg::test
