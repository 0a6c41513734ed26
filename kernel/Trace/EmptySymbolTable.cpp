// The table of the first link (and of kernels that need none): one sentinel row, so the
// array exists, and a count of zero. Same section as the generated one.
#include "Trace/SymbolTable.h"

namespace kernel {

__attribute__((section(".ksymtab"))) extern const tg::Symbol kKernelSymbols[] = {
    {0, 0, "", true},
};
__attribute__((section(".ksymtab"))) extern const unsigned long kKernelSymbolCount = 0;

}  // namespace kernel
