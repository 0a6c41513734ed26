#include "Memory/Heap.h"

#include "Console/Log.h"
#include "Lib/String.h"
#include "Memory/KmemCache.h"
#include "Memory/Layout.h"
#include "Memory/PageAllocator.h"
#include "Trace/TracePoints.h"

namespace {
constexpr u32 kHeaderMagic = 0x6b6d616c;  // "kmal"
constexpr u32 kPageClass = 0xffffffff;
constexpr size_t kMinClassShift = 5;  // 32 bytes
constexpr size_t kClassCount = 7;     // 32 .. 2048

struct alignas(16) BlockHeader {
  u32 magic;
  u32 size_class;  // index into g_caches, or kPageClass
  u64 pages;       // for page-backed blocks
};
static_assert(sizeof(BlockHeader) == 16);

constexpr const char* kClassNames[kClassCount] = {"kmalloc-32",  "kmalloc-64",  "kmalloc-128",
                                                  "kmalloc-256", "kmalloc-512", "kmalloc-1k",
                                                  "kmalloc-2k"};

alignas(KmemCache) char g_cache_storage[kClassCount][sizeof(KmemCache)];
KmemCache* g_caches[kClassCount];

size_t class_for(size_t total) {
  size_t size_class = 0;
  while ((1ul << (size_class + kMinClassShift)) < total) ++size_class;
  return size_class;
}

void* alloc_large(size_t total) {
  size_t pages = align_up(total, kPageSize) / kPageSize;
  auto* header = static_cast<BlockHeader*>(alloc_pages(pages));
  if (!header) return nullptr;
  *header = BlockHeader{kHeaderMagic, kPageClass, pages};
  return header + 1;
}
}  // namespace

void heap_init() {
  for (size_t i = 0; i < kClassCount; ++i) {
    g_caches[i] = new (g_cache_storage[i]) KmemCache(kClassNames[i], 1ul << (i + kMinClassShift));
  }
}

void* kmalloc(size_t size) {
  size_t total = size + sizeof(BlockHeader);
  if (total < size) return nullptr;
  size_t size_class = class_for(total);
  u64 call_site = reinterpret_cast<u64>(__builtin_return_address(0));
  if (size_class >= kClassCount) {
    void* block = alloc_large(total);
    trace_kmalloc(call_site, block, size, align_up(total, kPageSize));
    return block;
  }
  auto* header = static_cast<BlockHeader*>(g_caches[size_class]->allocate());
  if (!header) return nullptr;
  *header = BlockHeader{kHeaderMagic, static_cast<u32>(size_class), 0};
  trace_kmalloc(call_site, header + 1, size, 1ul << (size_class + kMinClassShift));
  return header + 1;
}

void* kzalloc(size_t size) {
  void* memory = kmalloc(size);
  if (memory) memset(memory, 0, size);
  return memory;
}

void kfree(void* pointer) {
  if (!pointer) return;
  trace_kfree(reinterpret_cast<u64>(__builtin_return_address(0)), pointer);
  BlockHeader* header = static_cast<BlockHeader*>(pointer) - 1;
  if (header->magic != kHeaderMagic) panic("kfree(%p): not a heap block", pointer);
  header->magic = 0;
  if (header->size_class == kPageClass) {
    free_pages(header, header->pages);
    return;
  }
  g_caches[header->size_class]->free(header);
}

// The C++ runtime's allocation entry points, for the few places that use new/delete.
void* operator new(size_t size) {
  void* memory = kmalloc(size);
  if (!memory) panic("operator new: out of memory (%lu bytes)", size);
  return memory;
}
void* operator new[](size_t size) {
  return operator new(size);
}
void operator delete(void* pointer) noexcept {
  kfree(pointer);
}
void operator delete(void* pointer, size_t) noexcept {
  kfree(pointer);
}
void operator delete[](void* pointer) noexcept {
  kfree(pointer);
}
void operator delete[](void* pointer, size_t) noexcept {
  kfree(pointer);
}

extern "C" void __cxa_pure_virtual() {
  panic("pure virtual function called");
}
