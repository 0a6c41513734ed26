// Compiled twice: with -pg -mfentry (every call enters the kernel's recording path) and
// without (the same loop, for the cost of the call itself).
#include "traced.h"

namespace ENTRY_PATH_NAMESPACE {

__attribute__((noinline)) int leaf(int x) {
  asm volatile("" : "+r"(x));
  return x * 3 + 1;
}

__attribute__((noinline, no_instrument_function)) long run(int calls) {
  long sum = 0;
  for (int i = 0; i < calls; ++i) sum += leaf(i);
  return sum;
}

}  // namespace ENTRY_PATH_NAMESPACE
