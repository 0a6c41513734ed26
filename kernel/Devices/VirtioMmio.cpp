#include "Devices/VirtioMmio.h"

#include "Boot/CommandLine.h"
#include "Memory/Layout.h"

using klib::Errno;

volatile u32* VirtioMmio::reg(u32 offset) const {
  return phys_to_virt<volatile u32>(base_phys_ + offset);
}

klib::Result<u64> VirtioMmio::negotiate(u64 wanted) {
  write(0x070, 0);  // reset
  write(0x070, kStatusAcknowledge);
  write(0x070, kStatusAcknowledge | kStatusDriver);
  write(0x014, 0);
  u64 offered = read(0x010);
  write(0x014, 1);
  offered |= static_cast<u64>(read(0x010)) << 32;
  u64 accepted = offered & (wanted | kFeatureVersion1);
  if (!(accepted & kFeatureVersion1)) return Errno::kIo;
  write(0x024, 0);
  write(0x020, static_cast<u32>(accepted));
  write(0x024, 1);
  write(0x020, static_cast<u32>(accepted >> 32));
  write(0x070, kStatusAcknowledge | kStatusDriver | kStatusFeaturesOk);
  if (!(read(0x070) & kStatusFeaturesOk)) {
    write(0x070, kStatusFailed);
    return Errno::kIo;
  }
  return accepted;
}

void VirtioMmio::set_driver_ok() {
  write(0x070, kStatusAcknowledge | kStatusDriver | kStatusFeaturesOk | kStatusDriverOk);
}

u32 VirtioMmio::queue_max_size(u32 index) {
  write(0x030, index);
  return read(0x034);
}

void VirtioMmio::queue_setup(u32 index, u32 size, u64 desc_phys, u64 avail_phys, u64 used_phys) {
  write(0x030, index);
  write(0x038, size);
  write(0x080, static_cast<u32>(desc_phys));
  write(0x084, static_cast<u32>(desc_phys >> 32));
  write(0x090, static_cast<u32>(avail_phys));
  write(0x094, static_cast<u32>(avail_phys >> 32));
  write(0x0a0, static_cast<u32>(used_phys));
  write(0x0a4, static_cast<u32>(used_phys >> 32));
  write(0x044, 1);  // QueueReady
}

namespace {
struct ProbeContext {
  u32 device_id;
  void (*found)(u64, u32, void*);
  void* context;
};

// "SIZE@BASE:IRQ", SIZE with an optional K suffix, BASE in hex.
bool parse_device(const char* text, size_t length, u64& base, u32& irq) {
  size_t at = 0;
  while (at < length && text[at] != '@') ++at;
  size_t colon = at;
  while (colon < length && text[colon] != ':') ++colon;
  if (at == length || colon == length) return false;
  u64 irq_value;
  if (!parse_u64(text + at + 1, colon - at - 1, base)) return false;
  if (!parse_u64(text + colon + 1, length - colon - 1, irq_value) || irq_value > 23) return false;
  irq = static_cast<u32>(irq_value);
  return true;
}

void visit_device(const char* text, size_t length, void* raw) {
  auto& probe = *static_cast<ProbeContext*>(raw);
  u64 base;
  u32 irq;
  if (!parse_device(text, length, base, irq)) return;
  VirtioMmio transport(base, irq);
  if (!transport.is_modern_virtio() || transport.device_id() != probe.device_id) return;
  probe.found(base, irq, probe.context);
}
}  // namespace

void virtio_mmio_probe(u32 device_id, void (*found)(u64, u32, void*), void* context) {
  ProbeContext probe{device_id, found, context};
  cmdline_for_each("virtio_mmio.device", visit_device, &probe);
}
