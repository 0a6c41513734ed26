#include "Platform.h"

#include "support/Memory.h"

namespace tg {

Platform g_platform{};

namespace {

// Address -> symbol in O(1): the text is cut into buckets of 128 bytes, and each bucket
// keeps the last symbol starting at or below its first byte, so a lookup is a shift and a
// scan over the few functions that start inside one bucket. A binary search over ~4000
// symbols is a dozen unpredictable branches, and formatting looks up two addresses per
// function event. Built when a platform is installed (the table never changes after), for
// the table it was built for.
constexpr u32 kBucketShift = 7;
constexpr usize kMaxBuckets = usize{1} << 20;

struct SymbolIndex {
  const Symbol* table = nullptr;
  usize count = 0;
  u64 base = 0;
  usize buckets = 0;
  u32* first = nullptr;
};
SymbolIndex g_index;

void build_index(Span<const Symbol> symbols) {
  deallocate(g_index.first);
  g_index = SymbolIndex{};
  if (symbols.empty() || symbols.size() > 0xffffffffu) return;
  u64 base = symbols[0].address;
  u64 span = symbols[symbols.size() - 1].address - base;
  usize buckets = static_cast<usize>(span >> kBucketShift) + 1;
  if (buckets > kMaxBuckets) return;  // a sparse table: binary search instead
  auto* first = static_cast<u32*>(allocate(buckets * sizeof(u32)));
  if (!first) return;
  usize at = 0;
  for (usize bucket = 0; bucket < buckets; ++bucket) {
    u64 start = base + (static_cast<u64>(bucket) << kBucketShift);
    while (at + 1 < symbols.size() && symbols[at + 1].address <= start) ++at;
    first[bucket] = static_cast<u32>(at);
  }
  g_index = SymbolIndex{symbols.data(), symbols.size(), base, buckets, first};
}

}  // namespace

void install_platform(const Platform& platform) {
  g_platform = platform;
  if (g_index.table != platform.symbols.data() || g_index.count != platform.symbols.size())
    build_index(platform.symbols);
}

isize symbol_slot_in(Span<const Symbol> symbols, u64 address) {
  usize low = 0;
  usize high = symbols.size();
  while (low < high) {
    usize middle = low + (high - low) / 2;
    if (symbols[middle].address <= address)
      low = middle + 1;
    else
      high = middle;
  }
  return static_cast<isize>(low) - 1;
}

isize symbol_slot(u64 address) {
  Span<const Symbol> symbols = g_platform.symbols;
  const SymbolIndex& index = g_index;
  if (!index.first || index.table != symbols.data() || index.count != symbols.size())
    return symbol_slot_in(symbols, address);
  if (address < index.base) return -1;
  u64 bucket = (address - index.base) >> kBucketShift;
  if (bucket >= index.buckets) return static_cast<isize>(symbols.size()) - 1;
  usize at = index.first[bucket];
  while (at + 1 < symbols.size() && symbols[at + 1].address <= address) ++at;
  return static_cast<isize>(at);
}

void announce_directory(DirectoryKind kind, StringView name) {
  auto made = g_platform.directory_made;
  // Event and group names are at most 64 bytes, instance names whatever mkdir was given:
  // a longer one goes unannounced rather than cut.
  char text[256];
  if (!made || name.size() >= sizeof(text)) return;
  for (usize i = 0; i < name.size(); ++i) text[i] = name[i];
  text[name.size()] = '\0';
  made(kind, text);
}

}  // namespace tg
