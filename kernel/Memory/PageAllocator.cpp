#include "Memory/PageAllocator.h"

#include "Boot/BootInfo.h"
#include "Console/Log.h"
#include "Lib/SpinLock.h"
#include "Lib/String.h"
#include "Memory/Layout.h"

namespace {
constexpr size_t kMaxPages = kDirectMapSize / kPageSize;
// Below 1 MiB lives the AP trampoline and firmware data; the allocator never hands it out.
constexpr u64 kLowestUsable = 1ul << 20;

u64 g_used_bitmap[kMaxPages / 64];      // 1 = in use or not RAM
u64 g_run_tail_bitmap[kMaxPages / 64];  // 1 = continues the run alloc_page_run gave before it
size_t g_page_limit;
size_t g_hint;
size_t g_total;
size_t g_free;
SpinLock g_lock;

bool page_used(size_t page) {
  return g_used_bitmap[page / 64] & (1ul << (page % 64));
}
void set_used(size_t page) {
  g_used_bitmap[page / 64] |= 1ul << (page % 64);
}
void set_free(size_t page) {
  g_used_bitmap[page / 64] &= ~(1ul << (page % 64));
}

void release_range(u64 base, u64 size) {
  u64 start = align_up(max(base, kLowestUsable), kPageSize);
  u64 end = align_down(min(base + size, kDirectMapSize), kPageSize);
  for (u64 address = start; address < end; address += kPageSize) {
    size_t page = address / kPageSize;
    if (!page_used(page)) continue;
    set_free(page);
    ++g_total;
    ++g_free;
    g_page_limit = max(g_page_limit, page + 1);
  }
}

void reserve_range(u64 start, u64 end) {
  for (u64 address = align_down(start, kPageSize); address < end; address += kPageSize) {
    size_t page = address / kPageSize;
    if (page_used(page)) continue;
    set_used(page);
    --g_total;
    --g_free;
  }
}

bool run_is_free(size_t first, size_t count) {
  for (size_t page = first; page < first + count; ++page) {
    if (page_used(page)) return false;
  }
  return true;
}

// First fit from `from`; returns g_page_limit when nothing fits.
size_t find_run(size_t from, size_t count, size_t align_pages) {
  for (size_t page = align_up(from, align_pages); page + count <= g_page_limit;
       page += align_pages) {
    if (run_is_free(page, count)) return page;
  }
  return g_page_limit;
}
}  // namespace

void page_allocator_init() {
  memset(g_used_bitmap, 0xff, sizeof(g_used_bitmap));
  const BootInfo& info = boot_info();
  for (size_t i = 0; i < info.ram_count; ++i) release_range(info.ram[i].base, info.ram[i].size);
  reserve_range(reinterpret_cast<u64>(_kernel_start_phys), reinterpret_cast<u64>(_kernel_end_phys));
  g_hint = 0;
  klog("memory: %lu MiB usable, %lu pages free, kernel image %p-%p", g_free * kPageSize >> 20,
       g_free, _kernel_start_phys, _kernel_end_phys);
}

void* alloc_pages(size_t count, size_t align_pages) {
  SpinLockGuard guard(g_lock);
  size_t page = find_run(g_hint, count, align_pages);
  if (page == g_page_limit) page = find_run(0, count, align_pages);
  if (page == g_page_limit) return nullptr;
  for (size_t i = page; i < page + count; ++i) set_used(i);
  g_free -= count;
  g_hint = page + count;
  return phys_to_virt(page * kPageSize);
}

void free_pages(void* pages, size_t count) {
  size_t first = virt_to_phys(pages) / kPageSize;
  SpinLockGuard guard(g_lock);
  for (size_t page = first; page < first + count; ++page) {
    if (!page_used(page)) panic("free_pages: page %lx is already free", page);
    set_free(page);
  }
  g_free += count;
  if (first < g_hint) g_hint = first;
}

void* alloc_page_run(size_t count) {
  void* pages = alloc_pages(count);
  if (!pages) return nullptr;
  size_t first = virt_to_phys(pages) / kPageSize;
  SpinLockGuard guard(g_lock);
  for (size_t page = first + 1; page < first + count; ++page)
    g_run_tail_bitmap[page / 64] |= 1ul << (page % 64);
  return pages;
}

void free_page_run(void* pages) {
  size_t first = virt_to_phys(pages) / kPageSize;
  size_t count = 1;
  {
    SpinLockGuard guard(g_lock);
    for (size_t page = first + 1; g_run_tail_bitmap[page / 64] & (1ul << (page % 64)); ++page) {
      g_run_tail_bitmap[page / 64] &= ~(1ul << (page % 64));
      ++count;
    }
  }
  free_pages(pages, count);
}

PageStats page_stats() {
  SpinLockGuard guard(g_lock);
  return PageStats{g_total, g_free};
}
