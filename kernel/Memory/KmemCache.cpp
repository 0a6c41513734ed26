#include "Memory/KmemCache.h"

#include "Console/Log.h"
#include "Memory/Heap.h"
#include "Memory/PageAllocator.h"
#include "Trace/TracePoints.h"

struct KmemCache::Slab {
  ListNode node;
  KmemCache* cache;
  void* free_list;  // singly linked through the first word of each free object
  u32 in_use;
  u32 capacity;
};

namespace {
constexpr size_t kObjectAlign = 16;
constexpr size_t kSlabHeader = align_up(sizeof(ListNode) + 32, kObjectAlign);
}  // namespace

KmemCache::KmemCache(const char* name, size_t object_size)
    : name_(name),
      object_size_(align_up(max(object_size, sizeof(void*)), kObjectAlign)),
      requested_size_(object_size),
      objects_per_slab_((kSlabBytes - kSlabHeader) / object_size_) {
  KASSERT(objects_per_slab_ >= 1);
}

KmemCache::~KmemCache() {
  if (active_) panic("kmem_cache %s destroyed with %lu objects in use", name_, active_);
  while (ListNode* node = partial_.pop_front()) {
    free_pages(container_of(node, Slab, node), kSlabPages);
  }
}

KmemCache::Slab* KmemCache::grow() {
  void* pages = alloc_pages(kSlabPages, kSlabPages);
  if (!pages) return nullptr;
  auto* slab = new (pages) Slab{};
  slab->cache = this;
  slab->capacity = static_cast<u32>(objects_per_slab_);
  char* first = static_cast<char*>(pages) + kSlabHeader;
  for (size_t i = objects_per_slab_; i-- > 0;) {
    void* object = first + i * object_size_;
    *static_cast<void**>(object) = slab->free_list;
    slab->free_list = object;
  }
  ++slabs_;
  ++empty_slabs_;
  partial_.push_front(slab->node);
  return slab;
}

void* KmemCache::allocate() {
  SpinLockGuard guard(lock_);
  Slab* slab = partial_.is_empty() ? grow() : container_of(partial_.front(), Slab, node);
  if (!slab) return nullptr;
  if (slab->in_use == 0) --empty_slabs_;
  void* object = slab->free_list;
  slab->free_list = *static_cast<void**>(object);
  if (++slab->in_use == slab->capacity) {
    slab->node.unlink();
    full_.push_back(slab->node);
  }
  ++active_;
  return object;
}

void KmemCache::release_if_spare(Slab* slab) {
  // Keep one empty slab cached so alloc/free churn around a boundary does not thrash pages.
  if (empty_slabs_ <= 1) return;
  slab->node.unlink();
  --empty_slabs_;
  --slabs_;
  free_pages(slab, kSlabPages);
}

void KmemCache::free(void* object) {
  auto* slab = reinterpret_cast<Slab*>(reinterpret_cast<u64>(object) & ~(kSlabBytes - 1));
  if (slab->cache != this) panic("kmem_cache_free: %p does not belong to %s", object, name_);
  SpinLockGuard guard(lock_);
  *static_cast<void**>(object) = slab->free_list;
  slab->free_list = object;
  if (slab->in_use-- == slab->capacity) {
    slab->node.unlink();
    partial_.push_front(slab->node);
  }
  --active_;
  if (slab->in_use == 0) {
    ++empty_slabs_;
    release_if_spare(slab);
  }
}

KmemCache* kmem_cache_create(const char* name, size_t object_size) {
  void* memory = kmalloc(sizeof(KmemCache));
  if (!memory) return nullptr;
  return new (memory) KmemCache(name, object_size);
}

void kmem_cache_destroy(KmemCache* cache) {
  cache->~KmemCache();
  kfree(cache);
}

// The events name the caller of these entry points, as Linux's _RET_IP_ does; kmalloc's own
// use of the caches is traced as kmalloc/kfree instead.
void* kmem_cache_alloc(KmemCache* cache) {
  void* object = cache->allocate();
  if (object)
    trace_kmem_cache_alloc(reinterpret_cast<u64>(__builtin_return_address(0)), object, cache);
  return object;
}

void kmem_cache_free(KmemCache* cache, void* object) {
  trace_kmem_cache_free(reinterpret_cast<u64>(__builtin_return_address(0)), object, cache);
  cache->free(object);
}
