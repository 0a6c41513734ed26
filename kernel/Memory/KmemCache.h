#pragma once

#include "Lib/List.h"
#include "Lib/SpinLock.h"
#include "Lib/Types.h"

// A slab object cache in the manner of Linux's kmem_cache: same-sized objects carved from
// 16 KiB slabs, each slab aligned to its size so an object finds its slab by masking. Slabs
// move between the partial and full lists; an empty slab beyond the first is returned.
class KmemCache {
 public:
  static constexpr size_t kSlabPages = 4;
  static constexpr size_t kSlabBytes = kSlabPages * 4096;

  KmemCache(const char* name, size_t object_size);
  KmemCache(const KmemCache&) = delete;
  KmemCache& operator=(const KmemCache&) = delete;
  ~KmemCache();

  void* allocate();
  void free(void* object);

  const char* name() const { return name_; }
  // What the creator asked for, and what each object takes (Linux's object_size and size).
  size_t requested_size() const { return requested_size_; }
  size_t object_size() const { return object_size_; }
  size_t active_objects() const { return active_; }
  size_t slab_count() const { return slabs_; }

 private:
  struct Slab;
  Slab* grow();
  void release_if_spare(Slab* slab);

  // name_ and object_size_ lead, in this order: the kprobe test dereferences them.
  const char* name_;
  size_t object_size_;
  size_t requested_size_;
  size_t objects_per_slab_;
  List partial_;
  List full_;
  size_t active_ = 0;
  size_t slabs_ = 0;
  size_t empty_slabs_ = 0;
  SpinLock lock_;
};

// Linux-named entry points, so traces read as they would on Linux.
KmemCache* kmem_cache_create(const char* name, size_t object_size);
void kmem_cache_destroy(KmemCache* cache);
void* kmem_cache_alloc(KmemCache* cache);
void kmem_cache_free(KmemCache* cache, void* object);
