#pragma once
#include "Platform.h"

namespace tg::test {

// A small kernel symbol table for the filter tests: addresses 0x1000 apart, 0x100 long.
inline constexpr Symbol kFakeSymbols[] = {
    {0x1000, 0x100, "kmalloc"},
    {0x2000, 0x100, "kmalloc_node"},
    {0x3000, 0x100, "kfree"},
    {0x4000, 0x100, "vfs_read"},
    {0x5000, 0x100, "vfs_write"},
    {0x6000, 0x100, "Scheduler::pick_next"},
    {0x7000, 0x100, "schedule"},
    {0x8000, 0x100, "do_softirq"},
    {0x9000, 0x100, "trace_entry_stub", true},
    {0xa000, 0x100, "a?b"},
};

// A platform walk_stack for the tests: two frames beyond whatever called it, inside
// vfs_write and do_softirq.
inline usize walk_two_fake_frames(u64, u64* out, usize max) {
  usize count = 0;
  for (u64 address : {u64{0x5010}, u64{0x8010}})
    if (count < max) out[count++] = address;
  return count;
}

// Installs kFakeSymbols into the platform for the lifetime of the object.
class ScopedFakeSymbols {
 public:
  ScopedFakeSymbols() : saved_(platform()) {
    Platform with_symbols = saved_;
    with_symbols.symbols = kFakeSymbols;
    install_platform(with_symbols);
  }
  ~ScopedFakeSymbols() { install_platform(saved_); }

 private:
  Platform saved_;
};

}  // namespace tg::test
