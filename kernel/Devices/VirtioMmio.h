#pragma once

#include "Lib/Result.h"
#include "Lib/Types.h"

// A virtio-mmio transport, version 2 ("modern"; scripts/guest turns off QEMU's legacy
// default). microvm announces each transport on the kernel command line as
// virtio_mmio.device=SIZE@BASE:IRQ, which virtio_mmio_probe walks.
class VirtioMmio {
 public:
  static constexpr u32 kStatusAcknowledge = 1;
  static constexpr u32 kStatusDriver = 2;
  static constexpr u32 kStatusDriverOk = 4;
  static constexpr u32 kStatusFeaturesOk = 8;
  static constexpr u32 kStatusFailed = 128;
  static constexpr u64 kFeatureVersion1 = 1ul << 32;

  VirtioMmio(u64 base_phys, u32 irq) : base_phys_(base_phys), irq_(irq) {}

  u32 device_id() const { return read(0x008); }
  u32 irq() const { return irq_; }
  bool is_modern_virtio() const { return read(0x000) == 0x74726976 && read(0x004) == 2; }

  // Resets the device and negotiates `wanted` (VERSION_1 is always added); returns the
  // accepted features or EIO when the device refuses.
  klib::Result<u64> negotiate(u64 wanted);
  void set_driver_ok();

  // Programs queue `index` with ring addresses; returns the queue size the device allows
  // at most (0: the queue does not exist).
  u32 queue_max_size(u32 index);
  void queue_setup(u32 index, u32 size, u64 desc_phys, u64 avail_phys, u64 used_phys);
  void queue_notify(u32 index) { write(0x050, index); }

  u32 interrupt_status() const { return read(0x060); }
  void interrupt_ack(u32 bits) { write(0x064, bits); }

  u32 config_read32(u32 offset) const { return read(0x100 + offset); }

 private:
  volatile u32* reg(u32 offset) const;
  u32 read(u32 offset) const { return *reg(offset); }
  void write(u32 offset, u32 value) { *reg(offset) = value; }

  u64 base_phys_;
  u32 irq_;
};

// Calls `found` for every transport on the command line whose device has `device_id`.
void virtio_mmio_probe(u32 device_id, void (*found)(u64 base_phys, u32 irq, void* context),
                       void* context);
