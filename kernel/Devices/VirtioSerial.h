#pragma once

#include "Devices/VirtioMmio.h"
#include "Devices/VirtioSerialPort.h"
#include "Devices/Virtqueue.h"
#include "Lib/Result.h"
#include "Lib/SpinLock.h"

// The virtio console device with MULTIPORT: control queues carry the port handshake
// (DEVICE_READY -> PORT_ADD -> PORT_READY -> PORT_OPEN) and the host's open/close events;
// each virtserialport has its own pair of data queues. Port 0, the console port, is never
// used: QEMU drops its data when the host reads slowly.
class VirtioSerial {
 public:
  static constexpr u32 kMaxPorts = 4;

  explicit VirtioSerial(u64 base_phys, u32 irq) : transport_(base_phys, irq) {}
  klib::Status init();

  // The port QEMU named `name` (virtserialport name=...), once the device announced it.
  VirtioSerialPort* find_port(const char* name);

 private:
  struct ControlMessage {
    u32 id;
    u16 event;
    u16 value;
  };
  static constexpr u32 kControlBuffers = 16;
  static constexpr u32 kControlBufferSize = 256;

  static void on_interrupt(struct TrapFrame& frame, void* context);
  void handle_interrupt();
  void handle_control(const u8* message, u32 length);
  void send_control(u32 id, u16 event, u16 value);
  void reap_control_transmits();

  VirtioMmio transport_;
  SpinLock lock_;
  Virtqueue control_rx_;
  Virtqueue control_tx_;
  u32 port_count_ = 0;
  VirtioSerialPort ports_[kMaxPorts];
  ControlMessage* control_tx_free_[kControlBuffers];
  u32 control_tx_free_count_ = 0;
};

// Finds the virtio console devices on the command line and brings them up.
void virtio_serial_init();
// The named port on any device; ETIMEDOUT when it has not appeared within `timeout_ns`.
klib::Result<VirtioSerialPort*> virtio_serial_wait_port(const char* name, u64 timeout_ns);
