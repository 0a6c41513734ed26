#pragma once

#include "Devices/Virtqueue.h"
#include "Lib/Result.h"
#include "Lib/SpinLock.h"
#include "Tasks/WaitQueue.h"

class VirtioSerialPort;

// Told when the host end of a port (its QEMU chardev socket) connects or disconnects, so
// the service on the port can reset its state. Called in interrupt context: must not sleep.
struct PortListener {
  void (*on_host_open)(VirtioSerialPort& port, void* context);
  void (*on_host_close)(VirtioSerialPort& port, void* context);
  void* context;
};

// One virtserialport (id >= 1): a lossless byte stream in each direction. Receive buffers
// are always posted, so QEMU holds back the host writer once they are full (flow control)
// instead of dropping; writes block while every transmit buffer is in flight, which is how
// a slow host reader slows the guest down.
class VirtioSerialPort {
 public:
  static constexpr size_t kBufferSize = 16384;
  static constexpr u32 kBuffers = 16;
  static constexpr size_t kNameMax = 48;

  // Blocks until at least one byte is there; returns how many were copied. `connection`
  // (optional) receives the connection() count the bytes belong to.
  klib::Result<size_t> read(u8* buffer, size_t length, u32* connection = nullptr);
  // Blocks until all of `data` is queued to the device.
  klib::Result<size_t> write(const u8* data, size_t length);
  void set_listener(const PortListener* listener);

  u32 id() const { return id_; }
  const char* name() const { return name_; }
  bool host_connected() const { return __atomic_load_n(&host_connected_, __ATOMIC_ACQUIRE); }
  // Counts the host's opens and closes: a service on the port tells one connection's bytes
  // from the next by it (read reports it, and never mixes two connections in one call).
  // What the host sent but the guest had not read when it closed is discarded: it belonged
  // to a connection that no longer exists.
  u32 connection() const { return __atomic_load_n(&connection_, __ATOMIC_ACQUIRE); }

  // Driver side, under the device lock.
  klib::Status init(VirtioMmio& transport, u32 id, SpinLock& device_lock);
  void set_name(const char* name, size_t length);
  void set_host_connected(bool connected);
  void reap_completions();

 private:
  struct Filled {
    u8* data;
    u32 length;
    u32 offset;
    u32 connection;  // connection_ when the device handed the buffer back
  };

  size_t copy_received(u8* buffer, size_t length, u32& connection);
  void discard_received();
  void repost(u8* data);

  u32 id_ = 0;
  char name_[kNameMax] = {};
  bool host_connected_ = false;
  u32 connection_ = 0;
  bool added_ = false;
  SpinLock* lock_ = nullptr;
  Virtqueue rx_;
  Virtqueue tx_;
  Filled filled_[kBuffers];
  u32 filled_head_ = 0;
  u32 filled_count_ = 0;
  u8* free_tx_[kBuffers];
  u32 free_tx_count_ = 0;
  WaitQueue readable_;
  WaitQueue writable_;
  const PortListener* listener_ = nullptr;

  friend class VirtioSerial;
};
