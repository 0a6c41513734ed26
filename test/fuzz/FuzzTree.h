#pragma once
// The tracing tree the fuzzers drive, made once per process: host platform, a few symbols,
// a Tracing mounted in a node table. Helpers write a file as `echo > file` would.
#include <string>

#include "HostPlatform.h"
#include "trace/Tracing.h"
#include "vfs/NodeTable.h"
#include "vfs/TracingTree.h"

namespace tg::fuzz {

inline constexpr Symbol kSymbols[] = {
    {0x1000, 0x100, "kmalloc"},   {0x2000, 0x100, "kmalloc_node"},
    {0x3000, 0x100, "kfree"},     {0x4000, 0x100, "vfs_read"},
    {0x5000, 0x100, "vfs_write"}, {0x6000, 0x100, "Scheduler::pick_next"},
    {0x7000, 0x100, "schedule"},  {0x8000, 0x100, "stub", true},
};

struct FuzzTree {
  OwnPtr<trace::Tracing> tracing;
  vfs::NodeTable table;
};

inline FuzzTree& tree() {
  static FuzzTree* made = [] {
    test::install_host_platform(2);
    Platform with_symbols = platform();
    with_symbols.symbols = kSymbols;
    install_platform(with_symbols);
    auto* fresh = new FuzzTree;
    fresh->tracing = trace::Tracing::create().release_value();
    (void)vfs::mount_tracing(fresh->table, *fresh->tracing);
    return fresh;
  }();
  return *made;
}

// Opens `path` with `flags`, writes `data` in a loop as the shell does (stopping at the first
// error or a zero-byte write), reads the file back, releases it.
inline void write_and_read(const char* path, StringView data, u32 flags) {
  FuzzTree& t = tree();
  auto ref = t.table.lookup(path);
  if (!ref.ok()) __builtin_trap();
  auto file = t.table.open(ref.value(), flags);
  if (!file.ok()) return;
  usize done = 0;
  while (done < data.size()) {
    auto n = t.table.write(*file.value(), done, data.drop_front(done));
    if (!n.ok() || n.value() == 0) break;
    if (n.value() > data.size() - done) __builtin_trap();
    done += n.value();
  }
  t.table.release(file.release_value());
  auto reader = t.table.open(ref.value(), vfs::kOpenReadOnly);
  if (!reader.ok()) return;
  char buffer[512];
  u64 offset = 0;
  for (int i = 0; i < 64; ++i) {
    auto n = t.table.read(*reader.value(), offset, Span<char>(buffer, sizeof buffer));
    if (!n.ok() || n.value() == 0) break;
    offset += n.value();
  }
  t.table.release(reader.release_value());
}

inline u32 flags_from(unsigned char selector) {
  return vfs::kOpenWriteOnly | ((selector & 1) ? vfs::kOpenTruncate : vfs::kOpenAppend);
}

}  // namespace tg::fuzz
