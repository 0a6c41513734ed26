#pragma once

#include "Trace/Tracefs.h"

namespace kernel {

// The address->name table of every kernel function (sorted by address), generated from
// the first link by tools/gen_symbols.py and placed in .ksymtab by the second.
extern const tg::Symbol kKernelSymbols[];
extern const unsigned long kKernelSymbolCount;

}  // namespace kernel
