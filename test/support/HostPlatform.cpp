#include "HostPlatform.h"

#include <chrono>
#include <cstdlib>

#include "support/Memory.h"

namespace tg::test {
namespace {

u64 g_fake_now = 1'000'000'000;
bool g_real_clock = false;

void* host_allocate(usize size, usize align) {
  if (align < sizeof(void*)) align = sizeof(void*);
  return std::aligned_alloc(align, (size + align - 1) / align * align);
}

u64 host_clock(TraceClock clock) {
  if (clock == TraceClock::kCounter) return g_fake_now++;
  if (!g_real_clock) return g_fake_now;
  auto now = std::chrono::steady_clock::now().time_since_epoch();
  return static_cast<u64>(std::chrono::duration_cast<std::chrono::nanoseconds>(now).count());
}

}  // namespace

void install_host_platform(u32 cpu_count) {
  install_allocator({host_allocate, std::free});
  Platform platform;
  platform.cpu_count = cpu_count;
  platform.clock = host_clock;
  install_platform(platform);
}

void set_clock(u64 ns) { g_fake_now = ns; }
void advance_clock(u64 ns) { g_fake_now += ns; }
void use_real_clock(bool real) { g_real_clock = real; }

}  // namespace tg::test
