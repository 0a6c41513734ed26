#include "Arch/x86_64/Backtrace.h"

#include "Console/Log.h"
#include "Memory/Layout.h"
#include "Trace/SymbolTable.h"
#include "trace/Symbols.h"

namespace {
constexpr int kMaxLines = 24;
// A first frame further than this above the stack pointer is a corrupted rbp: the words
// up to it are not that stack's, and are not scanned.
constexpr u64 kMaxScan = 4096;
constexpr size_t kSymbolMax = 160;

// The embedded table directly rather than the tracer's platform: a fault before tracing
// is initialised must be symbolized too.
notrace tg::trace::SymbolMatch lookup(u64 address) {
  return tg::trace::find_symbol_in({kernel::kKernelSymbols, kernel::kKernelSymbolCount}, address);
}

// Linux's "%pS" ("%pB" for a return address): " name+0xoffset/0xsize", or nothing for an
// address no function covers. A return address is looked up one byte back, so that a call
// ending its function (a noreturn callee) names the caller, not the function placed after.
notrace void symbolize(char* out, size_t size, u64 address, bool return_address) {
  tg::trace::SymbolMatch match = lookup(return_address ? address - 1 : address);
  if (!match.symbol) {
    out[0] = '\0';
    return;
  }
  format(out, size, " %s+0x%lx/0x%x", match.symbol->name, address - match.symbol->address,
         match.symbol->size);
}

notrace void print_frame(u64 address, bool reliable) {
  char symbol[kSymbolMax];
  symbolize(symbol, sizeof(symbol), address, true);
  klog_emergency("  [<%016lx>]%s%s", address, reliable ? "" : " ?", symbol);
}

// Stacks live in the direct map; a saved frame pointer is 8-byte aligned.
notrace bool stack_address(u64 address) {
  return address >= kDirectMapBase && address < kKernelBase && (address & 7) == 0;
}
}  // namespace

notrace void dump_instruction_pointer(u64 cs, u64 rip) {
  char symbol[kSymbolMax];
  symbolize(symbol, sizeof(symbol), rip, false);
  klog_emergency("RIP: %04lx:%016lx%s", cs, rip, symbol);
}

// A task's outermost frame has rbp 0; each caller's frame lies above its callee's. Only
// the words below the first frame are scanned: past it the chain is complete, and what
// lies between frames is locals and stale values.
notrace void dump_backtrace(u64 rbp, u64 rsp) {
  klog_emergency("Call trace:");
  int lines = 0;
  if (stack_address(rsp) && rsp < rbp && rbp - rsp <= kMaxScan) {
    for (u64 at = rsp; at < rbp && lines < kMaxLines; at += 8) {
      u64 word = *reinterpret_cast<const u64*>(at);
      if (!lookup(word - 1).symbol) continue;
      print_frame(word, false);
      ++lines;
    }
  }
  while (lines < kMaxLines && stack_address(rbp)) {
    auto* frame = reinterpret_cast<const u64*>(rbp);
    print_frame(frame[1], true);
    ++lines;
    if (frame[0] <= rbp) break;
    rbp = frame[0];
  }
}
