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

// A run of `count` contiguous pages that free_page_run releases without being told its
// length (the allocator remembers it): the tracer's ring pages, 1 to 128 pages each
// (buffer_subbuf_size_kb), through an interface that frees by pointer alone.
void* alloc_page_run(size_t count);
void free_page_run(void* pages);

struct PageStats {
  size_t total;
  size_t free;
};
PageStats page_stats();
