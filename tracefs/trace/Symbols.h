#pragma once
#include "Platform.h"
#include "support/TextWriter.h"

namespace tg::trace {

// Address -> kernel function, over the platform's sorted symbol table (kallsyms' job).
struct SymbolMatch {
  const Symbol* symbol;  // nullptr: no function covers the address
  u64 offset;
};
SymbolMatch find_symbol(u64 address);
// The same over a table of the caller's (binary search, nothing allocated): a fault dump
// symbolizes with the kernel's table whether or not tracing has installed its platform.
SymbolMatch find_symbol_in(Span<const Symbol> symbols, u64 address);

// How an address prints: "%ps" (name), "%pS" with sym-offset (name+0xoff/0xsize), and
// " <%016lx>" appended with sym-addr. Unknown addresses print as 0x-hex, as Linux does.
struct SymbolStyle {
  bool offset = false;
  bool address = false;
};
void print_symbol(TextWriter& out, u64 address, SymbolStyle style = {});

// A recorded 32-bit text offset back to an address.
inline u64 text_address(u32 offset) {
  return platform().text_base + offset;
}

}  // namespace tg::trace
