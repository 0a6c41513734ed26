#include "vfs/ProcTree.h"

#include "Platform.h"
#include "support/TextWriter.h"

namespace tg::vfs {

namespace {

// Streamed in chunks of this many symbols: the table is long.
constexpr usize kSymbolsPerChunk = 256;

// proc/kallsyms as Linux prints it ("%016lx %c %s"): `T` for a function with a patchable
// fentry site, `t` for the rest (notrace code, assembly), in address order. Unlike
// available_filter_functions_addrs it has every symbol, so a host can name any address a
// trace holds (a parent ip is often in notrace code).
Result<bool> kallsyms_show(OpenFile& file, String& out) {
  auto symbols = platform().symbols;
  usize start = file.chunk_index() * kSymbolsPerChunk;
  usize end = min(symbols.size(), start + kSymbolsPerChunk);
  TextWriter writer(out);
  for (usize i = start; i < end; ++i) {
    const Symbol& symbol = symbols[i];
    writer.hex(symbol.address, 16).put(' ').put(symbol.notrace ? 't' : 'T').put(' ');
    writer.put(symbol.name).put('\n');
  }
  if (!writer.ok()) return Errno::kNoMem;
  return end < symbols.size();
}

constexpr FileOps kKallsymsOps = {.show = kallsyms_show};

constexpr Node kProcFiles[] = {
    file_node("kallsyms", 0444, &kKallsymsOps),
};
constexpr Node kProcDirectory = directory_node("proc", 0555, kProcFiles);

}  // namespace

Status mount_proc(NodeTable& table) {
  NodeTable::Mount mount;
  mount.name = "proc";
  mount.root = &kProcDirectory;
  return table.mount(mount);
}

}  // namespace tg::vfs
