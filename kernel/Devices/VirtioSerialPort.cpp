#include "Devices/VirtioSerialPort.h"

#include "Arch/x86_64/PerCpu.h"
#include "Lib/String.h"
#include "Memory/Layout.h"
#include "Memory/PageAllocator.h"

using klib::Errno;
using klib::Result;
using klib::Status;

namespace {
constexpr size_t kBufferPages = VirtioSerialPort::kBufferSize / kPageSize;
}

Status VirtioSerialPort::init(VirtioMmio& transport, u32 id, SpinLock& device_lock) {
  id_ = id;
  lock_ = &device_lock;
  TRY(rx_.init(transport, 2 + 2 * id));
  TRY(tx_.init(transport, 3 + 2 * id));
  u32 count = min(kBuffers, min(rx_.size(), tx_.size()));
  for (u32 i = 0; i < count; ++i) {
    auto* rx = static_cast<u8*>(alloc_pages(kBufferPages));
    auto* tx = static_cast<u8*>(alloc_pages(kBufferPages));
    if (!rx || !tx) return Errno::kNoMem;
    TRY(rx_.post(virt_to_phys(rx), kBufferSize, true, rx));
    free_tx_[free_tx_count_++] = tx;
  }
  return {};
}

void VirtioSerialPort::set_name(const char* name, size_t length) {
  size_t n = min(length, kNameMax - 1);
  memcpy(name_, name, n);
  name_[n] = '\0';
}

void VirtioSerialPort::set_listener(const PortListener* listener) {
  bool connected;
  {
    SpinLockGuard guard(*lock_);
    listener_ = listener;
    connected = host_connected_;
  }
  // A host that connected before the service registered must still be announced.
  if (connected && listener && listener->on_host_open) {
    u64 flags = local_irq_save();
    listener->on_host_open(*this, listener->context);
    local_irq_restore(flags);
  }
}

void VirtioSerialPort::set_host_connected(bool connected) {
  if (connected == host_connected_) return;
  __atomic_store_n(&host_connected_, connected, __ATOMIC_RELEASE);
  if (!connected) discard_received();
  __atomic_store_n(&connection_, connection_ + 1, __ATOMIC_RELEASE);
  if (!listener_) return;
  auto callback = connected ? listener_->on_host_open : listener_->on_host_close;
  if (callback) callback(*this, listener_->context);
}

// Moves completed buffers: received data onto the filled list, sent buffers back to the
// free pool. Runs from the interrupt handler with the device lock held.
void VirtioSerialPort::reap_completions() {
  void* token;
  u32 length;
  bool received = false;
  while (rx_.take_used(token, length)) {
    auto* data = static_cast<u8*>(token);
    // Control messages are handled first, so bytes of a host that has just closed come
    // back after its close and are dropped here.
    if (length == 0 || !host_connected_) {
      repost(data);
      continue;
    }
    filled_[(filled_head_ + filled_count_) % kBuffers] = Filled{data, length, 0, connection_};
    __atomic_store_n(&filled_count_, filled_count_ + 1, __ATOMIC_RELEASE);
    received = true;
  }
  bool sent = false;
  while (tx_.take_used(token, length)) {
    free_tx_[free_tx_count_] = static_cast<u8*>(token);
    __atomic_store_n(&free_tx_count_, free_tx_count_ + 1, __ATOMIC_RELEASE);
    sent = true;
  }
  if (received) rx_.kick();
  if (received) readable_.wake_up();
  if (sent) writable_.wake_up();
}

void VirtioSerialPort::repost(u8* data) {
  // Cannot fail: the buffer just left the queue, so its descriptor is free.
  (void)rx_.post(virt_to_phys(data), kBufferSize, true, data);
  rx_.kick();
}

size_t VirtioSerialPort::copy_received(u8* buffer, size_t length, u32& connection) {
  size_t copied = 0;
  while (copied < length && filled_count_) {
    Filled& head = filled_[filled_head_];
    if (copied && head.connection != connection) break;
    connection = head.connection;
    size_t n = min<size_t>(length - copied, head.length - head.offset);
    memcpy(buffer + copied, head.data + head.offset, n);
    copied += n;
    head.offset += static_cast<u32>(n);
    if (head.offset < head.length) break;
    repost(head.data);
    filled_head_ = (filled_head_ + 1) % kBuffers;
    __atomic_store_n(&filled_count_, filled_count_ - 1, __ATOMIC_RELEASE);
  }
  return copied;
}

void VirtioSerialPort::discard_received() {
  while (filled_count_) {
    repost(filled_[filled_head_].data);
    filled_head_ = (filled_head_ + 1) % kBuffers;
    __atomic_store_n(&filled_count_, filled_count_ - 1, __ATOMIC_RELEASE);
  }
}

Result<size_t> VirtioSerialPort::read(u8* buffer, size_t length, u32* connection) {
  if (length == 0) return size_t{0};
  for (;;) {
    wait_event(readable_, __atomic_load_n(&filled_count_, __ATOMIC_ACQUIRE) != 0);
    SpinLockGuard guard(*lock_);
    u32 from = 0;
    size_t copied = copy_received(buffer, length, from);
    if (connection) *connection = from;
    if (copied) return copied;
  }
}

Result<size_t> VirtioSerialPort::write(const u8* data, size_t length) {
  size_t written = 0;
  while (written < length) {
    wait_event(writable_, __atomic_load_n(&free_tx_count_, __ATOMIC_ACQUIRE) != 0);
    SpinLockGuard guard(*lock_);
    if (free_tx_count_ == 0) continue;
    u8* buffer = free_tx_[--free_tx_count_];
    size_t n = min(length - written, kBufferSize);
    memcpy(buffer, data + written, n);
    TRY(tx_.post(virt_to_phys(buffer), static_cast<u32>(n), false, buffer));
    tx_.kick();
    written += n;
  }
  return written;
}
