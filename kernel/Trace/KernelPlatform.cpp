#include "Trace/KernelPlatform.h"

#include "Trace/KernelEvents.h"

#include "Arch/x86_64/Cpu.h"
#include "Boot/BootInfo.h"
#include "FileSystem/TracefsDirs.h"
#include "Lib/SpinLock.h"
#include "Lib/String.h"
#include "Memory/Heap.h"
#include "Memory/Layout.h"
#include "Memory/PageAllocator.h"
#include "Tasks/Rcu.h"
#include "Tasks/Task.h"
#include "Time/Clock.h"
#include "Trace/BreakpointProbes.h"
#include "Trace/CodePatcher.h"
#include "Trace/FtraceDispatch.h"
#include "Trace/GraphStubs.h"
#include "Trace/SymbolTable.h"
#include "Trace/TraceClock.h"
#include "Trace/Tracefs.h"
#include "Trace/TracerGuard.h"

u64 g_counter_clock;

namespace {
// Blocks aligned beyond kmalloc's 16 bytes carry this in front of them, with the pointer
// kmalloc returned; a kmalloc header has "kmal" in its low half, so they never collide.
constexpr u64 kAlignedMagic = 0x74726163616c6967;  // "gilacart"
void (*g_reader_waker)();

struct AlignedPrefix {
  u64 magic;
  void* block;
};

void* heap_allocate(size_t size, size_t align) {
  // The ring buffer's pages (1 to 128 system pages each): straight from the page allocator
  // (kmalloc would add its header and spend a page more). kmalloc never returns a
  // page-aligned pointer, so heap_free tells them apart by the address.
  if (size >= kPageSize && size % kPageSize == 0 && align <= kPageSize)
    return alloc_page_run(size / kPageSize);
  if (align <= 16) return kmalloc(size);
  auto* raw = static_cast<u8*>(kmalloc(size + align + sizeof(AlignedPrefix)));
  if (!raw) return nullptr;
  u64 start = align_up(reinterpret_cast<u64>(raw) + sizeof(AlignedPrefix), u64{align});
  auto* prefix = reinterpret_cast<AlignedPrefix*>(start) - 1;
  *prefix = AlignedPrefix{kAlignedMagic, raw};
  return reinterpret_cast<void*>(start);
}

void heap_free(void* pointer) {
  u64 address = reinterpret_cast<u64>(pointer);
  if ((address & (kPageSize - 1)) == 0) return free_page_run(pointer);
  auto* prefix = static_cast<AlignedPrefix*>(pointer) - 1;
  if (prefix->magic == kAlignedMagic) {
    prefix->magic = 0;
    return kfree(prefix->block);
  }
  kfree(pointer);
}

// The tracer's own allocations are not kmalloc events (Linux's tracing does not trace its
// own buffer either): they run as if inside the tracer.
template <typename Call>
auto as_tracer(Call call) {
  u64 flags = raw_local_irq_save();
  u32 cpu = this_cpu_id();
  u32 was = g_tracer_busy[cpu];
  g_tracer_busy[cpu] = 1;
  auto result = call();
  g_tracer_busy[cpu] = was;
  raw_local_irq_restore(flags);
  return result;
}

void* tracer_allocate(tg::usize size, tg::usize align) {
  return as_tracer([&] { return heap_allocate(size, align); });
}

void tracer_deallocate(void* pointer) {
  as_tracer([&] {
    heap_free(pointer);
    return 0;
  });
}

// The emergency reserve: power-of-two blocks from a static arena, a free list per size.
// Each block starts with a header naming its size class, so a free needs no lookup.
namespace emergency {
constexpr size_t kArenaBytes = size_t{1} << 20;
constexpr u32 kMinClass = 5;   // 32 bytes
constexpr u32 kMaxClass = 20;  // the whole arena
constexpr size_t kHeader = 16;

alignas(4096) u8 g_arena[kArenaBytes];
size_t g_used;
void* g_free[kMaxClass + 1];
ArchSpinLock g_lock;  // the tracer allocates through it: never traced

struct Header {
  void* block;
  u64 size_class;
};

void* allocate(tg::usize size, tg::usize align) {
  if (align < kHeader) align = kHeader;
  size_t need = size + align + kHeader;
  u32 size_class = kMinClass;
  while (size_class <= kMaxClass && (size_t{1} << size_class) < need) ++size_class;
  if (size_class > kMaxClass) return nullptr;
  ArchSpinLockGuard guard(g_lock);
  void* block = g_free[size_class];
  if (block) {
    g_free[size_class] = *static_cast<void**>(block);
  } else {
    size_t bytes = size_t{1} << size_class;
    if (g_used + bytes > kArenaBytes) return nullptr;
    block = g_arena + g_used;
    g_used += bytes;
  }
  u64 start = align_up(reinterpret_cast<u64>(block) + kHeader, u64{align});
  *(reinterpret_cast<Header*>(start) - 1) = Header{block, size_class};
  return reinterpret_cast<void*>(start);
}

void deallocate(void* pointer) {
  auto* byte = static_cast<u8*>(pointer);
  if (byte < g_arena + kHeader || byte >= g_arena + kArenaBytes) return;
  Header header = *(reinterpret_cast<Header*>(pointer) - 1);
  ArchSpinLockGuard guard(g_lock);
  *static_cast<void**>(header.block) = g_free[header.size_class];
  g_free[header.size_class] = header.block;
}
}  // namespace emergency

TG_HOT u64 platform_clock(tg::TraceClock clock) {
  return trace_clock(clock);
}

// A grace period (Tasks/Rcu.h): every other CPU has had interrupts on or switched tasks since
// the call, so any ring-buffer write or tracer hook (always run with interrupts masked) that
// began before it has ended.
void synchronize_writers() {
  synchronize_rcu();
}

// trace_marker: the writing task stays on this CPU, and nothing records here meanwhile.
u64 file_record_begin(tg::u32& cpu) {
  u64 flags = raw_local_irq_save();
  cpu = this_cpu_id();
  return flags;
}

void file_record_end(u64 flags) {
  raw_local_irq_restore(flags);
}

// A probe's dereference: only RAM the boot map lists (through the direct map) and the
// kernel image are read, so a wild pointer reads as a failed fetch, never as a fault or an
// MMIO access. The direct map and the image are mapped whole, so a range check suffices.
bool contains(u64 base, u64 size, u64 address, size_t length) {
  return address >= base && address - base <= size && length <= size - (address - base);
}
bool read_memory(u64 address, void* out, size_t length) {
  u64 image = kKernelBase + reinterpret_cast<u64>(_kernel_start_phys);
  bool readable = contains(image, reinterpret_cast<u64>(_kernel_end) - image, address, length);
  const BootInfo& info = boot_info();
  for (size_t i = 0; !readable && i < info.ram_count; ++i) {
    u64 base = kDirectMapBase + info.ram[i].base;
    if (info.ram[i].base + info.ram[i].size > kDirectMapSize) continue;
    readable = contains(base, info.ram[i].size, address, length);
  }
  if (!readable) return false;
  memcpy(out, reinterpret_cast<const void*>(address), length);
  return true;
}

// A `stacktrace` probe's and the stack tracer's frames beyond the caller: the saved
// frame-pointer chain, each frame on a stack (the direct map, 8-byte aligned) and above the
// one before, as the fatal backtrace reads it. A return a graph tracer hooked reads
// return_to_handler (return_to_regs_handler for a return probe's); the current task's shadow stack
// holds the real ones, innermost on top, so the walk takes them in turn (Linux's unwinder does the
// same through ftrace_graph_ret_addr); a call made through a site's stub returns into the stub,
// which stands for them the same way. A slot hooked twice (a traced function tail-calling another:
// both hook the one return) has return_to_handler as the inner frame's saved address: the walk goes
// on to the outer frame's. The stub's call into the trampoline reads as the call a site makes.
size_t walk_stack(u64 frame, u64* out, size_t max) {
  Task* task = current_task();
  u32 hooked = task ? task->shadow_stack.top : 0;
  size_t count = 0;
  while (count < max && frame >= kDirectMapBase && frame < kKernelBase && (frame & 7) == 0) {
    const u64* saved = reinterpret_cast<const u64*>(frame);
    if (saved[1] == 0) break;
    u64 address = graph_stub_site_return(saved[1]);
    while (ftrace_is_return_hook(address) && hooked)
      address = task->shadow_stack.frames[--hooked].return_address;
    out[count++] = address;
    if (saved[0] <= frame) break;
    frame = saved[0];
  }
  return count;
}

// A tracer switch (or a filter, a pid list): the kernel's hooks and its fentry sites follow.
void tracers_changed() {
  kernel_events_tracers_changed();
  patcher_update();
}

void wake_readers() {
  void (*waker)() = __atomic_load_n(&g_reader_waker, __ATOMIC_ACQUIRE);
  if (waker) waker();
}
}  // namespace

void kernel_platform_install(u32 cpu_count) {
  tg::install_allocator({tracer_allocate, tracer_deallocate});
  tg::Platform platform;
  platform.cpu_count = cpu_count;
  platform.text_base = kKernelBase;
  platform.symbols = tg::Span<const tg::Symbol>(kernel::kKernelSymbols, kernel::kKernelSymbolCount);
  platform.clock = platform_clock;
  platform.functions_changed = tracers_changed;
  platform.synchronize_writers = synchronize_writers;
  platform.wake_readers = wake_readers;
  platform.file_record_begin = file_record_begin;
  platform.file_record_end = file_record_end;
  platform.read_memory = read_memory;
  platform.walk_stack = walk_stack;
  platform.check_probe_point = breakpoint_check_point;
  platform.directory_made = tracefs_directory_made;
  platform.release = "tracegate";
  tg::install_platform(platform);
}

void trace_set_reader_waker(void (*waker)()) {
  __atomic_store_n(&g_reader_waker, waker, __ATOMIC_RELEASE);
}

void tracer_use_emergency_allocator() {
  tg::install_allocator({emergency::allocate, emergency::deallocate});
}
