#include "trace/Symbols.h"

namespace tg::trace {

namespace {

SymbolMatch match_slot(Span<const Symbol> symbols, isize slot, u64 address) {
  if (slot < 0) return {nullptr, 0};
  const Symbol& symbol = symbols[static_cast<usize>(slot)];
  u64 offset = address - symbol.address;
  // A sized symbol ends where it says; an unsized one runs to the next symbol.
  if (symbol.size != 0 && offset >= symbol.size) return {nullptr, 0};
  return {&symbol, offset};
}

}  // namespace

SymbolMatch find_symbol(u64 address) {
  return match_slot(platform().symbols, symbol_slot(address), address);
}

SymbolMatch find_symbol_in(Span<const Symbol> symbols, u64 address) {
  return match_slot(symbols, symbol_slot_in(symbols, address), address);
}

void print_symbol(TextWriter& out, u64 address, SymbolStyle style) {
  SymbolMatch match = find_symbol(address);
  if (!match.symbol) {
    out.put("0x").hex(address);
  } else {
    out.put(match.symbol->name);
    if (style.offset) out.put("+0x").hex(match.offset).put("/0x").hex(match.symbol->size);
  }
  if (style.address) out.put(" <").hex(address, 16).put('>');
}

}  // namespace tg::trace
