#pragma once
#include "Platform.h"

namespace tg::test {

// The platform seam for host tests: malloc-backed allocation and a clock the test controls
// (advance_clock) unless real_clock is set. The kernel provides the real one.
void install_host_platform(u32 cpu_count = 2);
void set_clock(u64 ns);
void advance_clock(u64 ns);
void use_real_clock(bool real);

}  // namespace tg::test
