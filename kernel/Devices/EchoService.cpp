#include "Devices/EchoService.h"

#include "Console/Log.h"
#include "Devices/VirtioSerial.h"
#include "Memory/Heap.h"
#include "Tasks/Scheduler.h"
#include "Tasks/Task.h"

namespace {
constexpr const char* kPortName = "org.tracegate.echo";
constexpr size_t kChunk = VirtioSerialPort::kBufferSize;
constexpr u64 kPortWaitNs = 2000000000;

struct EchoState {
  VirtioSerialPort* port;
  u64 echoed;  // bytes sent back during the current host connection
};

EchoState g_echo;

void on_host_open(VirtioSerialPort&, void* context) {
  static_cast<EchoState*>(context)->echoed = 0;
  klog("echo: host connected");
}

void on_host_close(VirtioSerialPort&, void* context) {
  klog("echo: host disconnected after %lu bytes echoed", static_cast<EchoState*>(context)->echoed);
}

constexpr PortListener kListener = {on_host_open, on_host_close, &g_echo};

void echo_loop(void* argument) {
  auto& state = *static_cast<EchoState*>(argument);
  auto* buffer = static_cast<u8*>(kmalloc(kChunk));
  if (!buffer) return;
  for (;;) {
    auto received = state.port->read(buffer, kChunk);
    if (!received.ok()) break;
    // Counted before the write: the host may read the echo and close the port (which logs
    // the count from the interrupt) before write() returns here.
    __atomic_add_fetch(&state.echoed, received.value(), __ATOMIC_RELAXED);
    auto sent = state.port->write(buffer, received.value());
    if (!sent.ok()) break;
  }
  kfree(buffer);
}
}  // namespace

void echo_service_start() {
  auto port = virtio_serial_wait_port(kPortName, kPortWaitNs);
  if (!port.ok()) {
    klog("echo: no port %s (%s)", kPortName, klib::errno_name(port.error()));
    return;
  }
  g_echo.port = port.value();
  g_echo.port->set_listener(&kListener);
  auto task = kthread_run("echo", echo_loop, &g_echo, kAllCpus);
  if (!task.ok()) {
    klog("echo: cannot start: %s", klib::errno_name(task.error()));
    return;
  }
  klog("echo: serving port %u (%s)", g_echo.port->id(), kPortName);
}
