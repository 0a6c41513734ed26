// tracefs side: the platform the core runs on inside the kernel, and the one Tracing.
#include "Platform.h"
#include "Services/ServiceBridge.h"
#include "support/Memory.h"
#include "trace/Tracing.h"

namespace {

using tg::u64;
using tg::uptr;
using tg::usize;

// kmalloc aligns to 16; larger alignments (ring pages ask for 64) over-allocate and keep
// the block's start just below the aligned address.
void* aligned_allocate(usize size, usize align) {
  if (align < 16) align = 16;
  void* raw = kernel_allocate(size + align);
  if (!raw) return nullptr;
  uptr address = (reinterpret_cast<uptr>(raw) + align) & ~(uptr{align} - 1);
  reinterpret_cast<void**>(address)[-1] = raw;
  return reinterpret_cast<void*>(address);
}

void aligned_free(void* pointer) {
  kernel_free(static_cast<void**>(pointer)[-1]);
}

u64 g_counter_clock;

u64 trace_clock(tg::TraceClock clock) {
  if (clock == tg::TraceClock::kCounter) {
    return __atomic_fetch_add(&g_counter_clock, 1, __ATOMIC_RELAXED);
  }
  return kernel_clock_ns();
}

tg::trace::RecordContext record_context() {
  return {kernel_current_cpu(), kernel_current_pid(), 0, 0};
}

}  // namespace

// kernel/Trace sets tracing up at boot (tracing_init); this only hands it the 9P service's
// wake-up for readers.
void trace_set_reader_waker(void (*waker)());

bool tracing_setup() {
  if (tg::trace::tracing()) {
    trace_set_reader_waker(ninep_service_wake);
    return true;
  }
  tg::install_allocator({aligned_allocate, aligned_free});
  tg::Platform platform;
  platform.cpu_count = kernel_cpu_count();
  platform.clock = trace_clock;
  platform.wake_readers = ninep_service_wake;
  tg::install_platform(platform);
  auto tracing = tg::trace::Tracing::create();
  if (!tracing.ok()) return false;
  tracing.value()->set_record_context_source(record_context);
  tg::trace::install_tracing(tracing.value().leak());
  return true;
}
