#pragma once

#include "Devices/VirtioMmio.h"
#include "Lib/Result.h"
#include "Lib/Types.h"

// A split virtqueue with one descriptor per buffer (no chains): each buffer the driver
// posts comes back through the used ring with its token and the length the device wrote.
// Not locked: the owner serializes access (the virtio-serial driver holds its lock).
class Virtqueue {
 public:
  static constexpr u32 kMaxSize = 64;

  klib::Status init(VirtioMmio& transport, u32 index);

  // EAGAIN when every descriptor is in flight.
  klib::Status post(u64 phys, u32 length, bool device_writes, void* token);
  // Tells the device about new buffers unless it asked not to be told.
  void kick();
  // Takes one completed buffer; false when none is waiting.
  bool take_used(void*& token, u32& length);

  u32 size() const { return size_; }
  u32 free_descriptors() const { return free_count_; }

 private:
  struct Descriptor {
    u64 address;
    u32 length;
    u16 flags;
    u16 next;
  };
  struct UsedElement {
    u32 id;
    u32 length;
  };

  VirtioMmio* transport_ = nullptr;
  u32 index_ = 0;
  u32 size_ = 0;
  Descriptor* descriptors_ = nullptr;
  volatile u16* avail_ = nullptr;  // flags, idx, ring[size], used_event
  volatile u16* used_ = nullptr;   // flags, idx, then UsedElement[size]
  u16 last_used_ = 0;
  u16 free_stack_[kMaxSize];
  u32 free_count_ = 0;
  void* tokens_[kMaxSize];
};
