#include "Devices/VirtioSerial.h"

#include "Arch/x86_64/Interrupts.h"
#include "Arch/x86_64/IoApic.h"
#include "Arch/x86_64/PerCpu.h"
#include "Console/Log.h"
#include "Lib/String.h"
#include "Memory/Heap.h"
#include "Memory/Layout.h"
#include "Memory/PageAllocator.h"
#include "Tasks/Scheduler.h"
#include "Time/Clock.h"

using klib::Errno;
using klib::Result;
using klib::Status;

namespace {
constexpr u32 kDeviceIdConsole = 3;
constexpr u64 kFeatureMultiport = 1ul << 1;
constexpr u32 kControlRxQueue = 2;
constexpr u32 kControlTxQueue = 3;

enum ControlEvent : u16 {
  kDeviceReady = 0,
  kPortAdd = 1,
  kPortRemove = 2,
  kPortReady = 3,
  kConsolePort = 4,
  kResize = 5,
  kPortOpen = 6,
  kPortName = 7,
};

constexpr u32 kMaxDevices = 2;
VirtioSerial* g_devices[kMaxDevices];
u32 g_device_count;
}  // namespace

Status VirtioSerial::init() {
  u64 features = TRY(transport_.negotiate(kFeatureMultiport));
  if (!(features & kFeatureMultiport)) return Errno::kIo;
  u32 max_ports = transport_.config_read32(4);
  port_count_ = min(max_ports, kMaxPorts);

  TRY(control_rx_.init(transport_, kControlRxQueue));
  TRY(control_tx_.init(transport_, kControlTxQueue));
  auto* pages = static_cast<u8*>(alloc_pages(2));
  if (!pages) return Errno::kNoMem;
  for (u32 i = 0; i < kControlBuffers; ++i) {
    u8* buffer = pages + i * kControlBufferSize;
    TRY(control_rx_.post(virt_to_phys(buffer), kControlBufferSize, true, buffer));
    control_tx_free_[control_tx_free_count_++] =
        reinterpret_cast<ControlMessage*>(pages + kPageSize + i * sizeof(ControlMessage));
  }
  for (u32 id = 1; id < port_count_; ++id) TRY(ports_[id].init(transport_, id, lock_));

  transport_.set_driver_ok();
  interrupt_register(static_cast<u8>(kVectorIrqBase + transport_.irq()), on_interrupt, this);
  ioapic_route(transport_.irq(), g_per_cpu[0].apic_id);
  klog("virtio-serial: MULTIPORT device with %u ports, irq %u", max_ports, transport_.irq());

  SpinLockGuard guard(lock_);
  control_rx_.kick();
  for (u32 id = 1; id < port_count_; ++id) ports_[id].rx_.kick();
  send_control(0, kDeviceReady, 1);
  return {};
}

void VirtioSerial::on_interrupt(TrapFrame&, void* context) {
  static_cast<VirtioSerial*>(context)->handle_interrupt();
}

void VirtioSerial::handle_interrupt() {
  SpinLockGuard guard(lock_);
  transport_.interrupt_ack(transport_.interrupt_status());
  void* token;
  u32 length;
  bool control = false;
  while (control_rx_.take_used(token, length)) {
    auto* buffer = static_cast<u8*>(token);
    handle_control(buffer, length);
    (void)control_rx_.post(virt_to_phys(buffer), kControlBufferSize, true, buffer);
    control = true;
  }
  if (control) control_rx_.kick();
  reap_control_transmits();
  for (u32 id = 1; id < port_count_; ++id) ports_[id].reap_completions();
}

void VirtioSerial::handle_control(const u8* message, u32 length) {
  if (length < sizeof(ControlMessage)) return;
  ControlMessage header;
  memcpy(&header, message, sizeof(header));
  if (header.id == 0 || header.id >= port_count_) return;
  VirtioSerialPort& port = ports_[header.id];
  switch (header.event) {
    case kPortAdd:
      port.added_ = true;
      send_control(header.id, kPortReady, 1);
      // The guest side opens at once: QEMU passes host data only to an open port.
      send_control(header.id, kPortOpen, 1);
      break;
    case kPortName:
      port.set_name(reinterpret_cast<const char*>(message + sizeof(header)),
                    length - sizeof(header));
      klog("virtio-serial: port %u is %s", header.id, port.name());
      break;
    case kPortOpen:
      klog("virtio-serial: host %s port %u (%s)", header.value ? "opened" : "closed", header.id,
           port.name());
      port.set_host_connected(header.value != 0);
      break;
    case kPortRemove:
      port.added_ = false;
      port.set_host_connected(false);
      break;
    default:
      break;
  }
}

void VirtioSerial::reap_control_transmits() {
  void* token;
  u32 length;
  while (control_tx_.take_used(token, length)) {
    control_tx_free_[control_tx_free_count_++] = static_cast<ControlMessage*>(token);
  }
}

// Called with the lock held. Control messages are few and tiny; if every buffer is in
// flight, wait for the device to hand one back.
void VirtioSerial::send_control(u32 id, u16 event, u16 value) {
  while (control_tx_free_count_ == 0) {
    reap_control_transmits();
    cpu_relax();
  }
  ControlMessage* message = control_tx_free_[--control_tx_free_count_];
  *message = ControlMessage{id, event, value};
  (void)control_tx_.post(virt_to_phys(message), sizeof(*message), false, message);
  control_tx_.kick();
}

VirtioSerialPort* VirtioSerial::find_port(const char* name) {
  SpinLockGuard guard(lock_);
  for (u32 id = 1; id < port_count_; ++id) {
    if (ports_[id].added_ && strcmp(ports_[id].name(), name) == 0) return &ports_[id];
  }
  return nullptr;
}

void virtio_serial_init() {
  virtio_mmio_probe(
      kDeviceIdConsole,
      [](u64 base, u32 irq, void*) {
        if (g_device_count == kMaxDevices) return;
        auto* device = make<VirtioSerial>(base, irq);
        if (!device) return;
        auto status = device->init();
        if (!status.ok()) {
          klog("virtio-serial: device at %lx failed: %s", base, klib::errno_name(status.error()));
          return;
        }
        __atomic_store_n(&g_devices[g_device_count], device, __ATOMIC_RELEASE);
        __atomic_add_fetch(&g_device_count, 1, __ATOMIC_RELEASE);
      },
      nullptr);
}

Result<VirtioSerialPort*> virtio_serial_wait_port(const char* name, u64 timeout_ns) {
  u64 deadline = clock_ns() + timeout_ns;
  for (;;) {
    for (u32 i = 0; i < __atomic_load_n(&g_device_count, __ATOMIC_ACQUIRE); ++i) {
      if (VirtioSerialPort* port = g_devices[i]->find_port(name)) return port;
    }
    if (clock_ns() >= deadline) return Errno::kTimedOut;
    sleep_ns(1000000);
  }
}
