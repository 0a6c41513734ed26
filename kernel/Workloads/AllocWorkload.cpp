#include "Lib/String.h"
#include "Memory/Heap.h"
#include "Memory/KmemCache.h"
#include "Workloads/Workload.h"

using klib::Errno;
using klib::Result;
using klib::Status;

// Each iteration allocates a batch of objects from a dedicated cache and one kmalloc block
// of a varying size, fills them, reads every one back, and frees them in reverse order.
// Checksum: the sum over objects of mix(i * kBatch + j) plus, per iteration, the byte sum of
// the kmalloc block (size (i % 64 + 1) * 24, every byte i & 0xff).
namespace {
constexpr size_t kBatch = 16;
constexpr size_t kObjectSize = 200;
constexpr u64 kGolden = 0x9e3779b97f4a7c15;

struct Churn {
  KmemCache* cache;
  void* objects[kBatch];
};

u64 mix(u64 value) {
  return value * kGolden;
}

void free_first(Churn& churn, size_t count) {
  for (size_t j = count; j-- > 0;) kmem_cache_free(churn.cache, churn.objects[j]);
}

Result<u64> alloc_batch(Churn& churn, u64 iteration) {
  for (size_t j = 0; j < kBatch; ++j) {
    auto* object = static_cast<u64*>(kmem_cache_alloc(churn.cache));
    if (!object) {
      free_first(churn, j);
      return Errno::kNoMem;
    }
    object[0] = mix(iteration * kBatch + j);
    memset(object + 1, static_cast<int>(j), kObjectSize - sizeof(u64));
    churn.objects[j] = object;
  }
  // Read back only after the whole batch exists: overlapping objects would show here.
  u64 sum = 0;
  bool intact = true;
  for (size_t j = 0; j < kBatch; ++j) {
    auto* object = static_cast<u64*>(churn.objects[j]);
    auto* tail = reinterpret_cast<u8*>(object) + kObjectSize - 1;
    intact = intact && *tail == j;
    sum += object[0];
  }
  free_first(churn, kBatch);
  if (!intact) return Errno::kIo;
  return sum;
}

Result<u64> kmalloc_block(u64 iteration) {
  size_t size = (iteration % 64 + 1) * 24;
  auto* block = static_cast<u8*>(kmalloc(size));
  if (!block) return Errno::kNoMem;
  memset(block, static_cast<int>(iteration & 0xff), size);
  u64 sum = 0;
  for (size_t k = 0; k < size; ++k) sum += block[k];
  kfree(block);
  return sum;
}
}  // namespace

Result<u64> workload_alloc(u64 iterations) {
  Churn churn{};
  churn.cache = kmem_cache_create("workload_alloc", kObjectSize);
  if (!churn.cache) return Errno::kNoMem;
  u64 checksum = 0;
  Status status;
  for (u64 i = 0; i < iterations && status.ok(); ++i) {
    Result<u64> batch = alloc_batch(churn, i);
    Result<u64> block = !batch.ok() ? batch : kmalloc_block(i);
    if (!block.ok()) {
      status = block.error();
      break;
    }
    checksum += batch.value() + block.value();
  }
  kmem_cache_destroy(churn.cache);
  if (!status.ok()) return status.error();
  return checksum;
}
