#include "Devices/Virtqueue.h"

#include "Lib/String.h"
#include "Memory/Layout.h"
#include "Memory/PageAllocator.h"

using klib::Errno;

namespace {
constexpr u16 kDescriptorWrite = 2;
constexpr u16 kUsedNoNotify = 1;
}  // namespace

klib::Status Virtqueue::init(VirtioMmio& transport, u32 index) {
  u32 size = min(transport.queue_max_size(index), kMaxSize);
  if (size == 0) return Errno::kNoEnt;
  // Descriptors, avail ring and used ring in one zeroed page each: simple and aligned.
  auto* memory = static_cast<u8*>(alloc_pages(3));
  if (!memory) return Errno::kNoMem;
  memset(memory, 0, 3 * kPageSize);
  transport_ = &transport;
  index_ = index;
  size_ = size;
  descriptors_ = reinterpret_cast<Descriptor*>(memory);
  avail_ = reinterpret_cast<volatile u16*>(memory + kPageSize);
  used_ = reinterpret_cast<volatile u16*>(memory + 2 * kPageSize);
  for (u32 i = 0; i < size; ++i) free_stack_[i] = static_cast<u16>(i);
  free_count_ = size;
  transport.queue_setup(index, size, virt_to_phys(descriptors_),
                        virt_to_phys(const_cast<u16*>(avail_)),
                        virt_to_phys(const_cast<u16*>(used_)));
  return {};
}

klib::Status Virtqueue::post(u64 phys, u32 length, bool device_writes, void* token) {
  if (free_count_ == 0) return Errno::kAgain;
  u16 id = free_stack_[--free_count_];
  descriptors_[id] = Descriptor{phys, length, device_writes ? kDescriptorWrite : u16{0}, 0};
  tokens_[id] = token;
  u16 avail_index = avail_[1];
  avail_[2 + avail_index % size_] = id;
  // The ring entry must be visible before the index that publishes it.
  __atomic_thread_fence(__ATOMIC_RELEASE);
  avail_[1] = static_cast<u16>(avail_index + 1);
  return {};
}

void Virtqueue::kick() {
  __atomic_thread_fence(__ATOMIC_SEQ_CST);
  if (!(used_[0] & kUsedNoNotify)) transport_->queue_notify(index_);
}

bool Virtqueue::take_used(void*& token, u32& length) {
  u16 device_index = used_[1];
  __atomic_thread_fence(__ATOMIC_ACQUIRE);
  if (device_index == last_used_) return false;
  auto* ring = reinterpret_cast<volatile UsedElement*>(used_ + 2);
  volatile UsedElement& element = ring[last_used_ % size_];
  u16 id = static_cast<u16>(element.id);
  length = element.length;
  token = tokens_[id];
  free_stack_[free_count_++] = id;
  ++last_used_;
  return true;
}
