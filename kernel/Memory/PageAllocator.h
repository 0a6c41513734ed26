#pragma once

#include "Lib/Types.h"

// Physical pages from the boot memory map, handed out through the direct map. A bitmap
// with a moving hint: contiguous and aligned runs (slabs, stacks, virtqueues) are the
// common request, and the pool is small enough that a scan is cheap.
void page_allocator_init();

// `count` contiguous pages whose first page number is a multiple of `align_pages`;
// nullptr when no such run is free (ENOMEM).
void* alloc_pages(size_t count, size_t align_pages = 1);
void free_pages(void* pages, size_t count);

struct PageStats {
  size_t total;
  size_t free;
};
PageStats page_stats();
