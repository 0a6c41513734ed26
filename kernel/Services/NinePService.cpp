// Kernel side of the 9P service: two tasks around the port. `9p-rx` blocks in the port's
// read and hands chunks over; `9p` owns the session (every call into tracefs happens in it),
// batches replies into large port writes, and retries parked requests after every batch of
// requests, when a workload finishes (ninep_service_kick) and every 10 ms while any are
// parked (a timer that runs only then).
#include "Services/NinePService.h"

#include "Arch/x86_64/PerCpu.h"
#include "Console/Log.h"
#include "Devices/VirtioSerial.h"
#include "Lib/String.h"
#include "Memory/Heap.h"
#include "Services/NinePSession.h"
#include "Services/SessionStart.h"
#include "Services/WorkloadRunner.h"
#include "Tasks/Scheduler.h"
#include "Tasks/Task.h"
#include "Tasks/WaitQueue.h"
#include "Time/Clock.h"
#include "Time/Timer.h"
#include "Trace/KernelPlatform.h"

namespace {

constexpr const char* kPortName = "org.tracegate.9p";
constexpr u64 kPortWaitNs = 2000000000;
constexpr u32 kMaxMsize = 1u << 20;
// Port reads take up to a chunk; two chunks let the reader fill one while the server works
// through the other.
constexpr size_t kChunkSize = 128 * 1024;
constexpr u32 kChunks = 2;
// Replies are gathered up to this much before a port write (small writes are slow).
constexpr size_t kOutSize = 64 * 1024;
constexpr u64 kPollPeriodNs = 10000000;

struct Chunk {
  u8* data;
  size_t length;
  u32 connection;  // the port's connection() the bytes belong to
};

struct NinePService {
  VirtioSerialPort* port;
  // Reader -> server hand-over: chunks [taken, filled) hold data, in order.
  Chunk chunks[kChunks];
  u64 filled;
  u64 taken;
  WaitQueue reader_queue;  // the reader waits for a free chunk
  WaitQueue server_queue;  // the server waits for data, a wake or its timer
  bool wake;               // a parked request may be ready
  Timer poll_timer;
  bool timer_armed;
  SessionStart start{kMaxMsize};
  NinePSession* session;
  u8* out;
  size_t out_used;
  u64 resets;
};

NinePService g_service;

template <typename T>
T load(const T& value) {
  return __atomic_load_n(&value, __ATOMIC_ACQUIRE);
}

// The port counts the event (connection()); the server resets when it sees the change.
void on_host_event(VirtioSerialPort&, void* context) {
  static_cast<NinePService*>(context)->server_queue.wake_up();
}

constexpr PortListener kListener = {on_host_event, on_host_event, &g_service};

void on_poll_timer(Timer&) {
  __atomic_store_n(&g_service.timer_armed, false, __ATOMIC_RELEASE);
  __atomic_store_n(&g_service.wake, true, __ATOMIC_RELEASE);
  g_service.server_queue.wake_up();
}

void reader_loop(void*) {
  NinePService& service = g_service;
  for (;;) {
    wait_event(service.reader_queue, load(service.filled) - load(service.taken) < kChunks);
    Chunk& chunk = service.chunks[service.filled % kChunks];
    auto received = service.port->read(chunk.data, kChunkSize, &chunk.connection);
    if (!received.ok()) continue;
    chunk.length = received.value();
    __atomic_store_n(&service.filled, service.filled + 1, __ATOMIC_RELEASE);
    service.server_queue.wake_up();
  }
}

void flush_out() {
  NinePService& service = g_service;
  if (service.out_used == 0) return;
  (void)service.port->write(service.out, service.out_used);
  service.out_used = 0;
}

void send_frame(const u8* frame, size_t length) {
  NinePService& service = g_service;
  if (service.out_used + length > kOutSize) flush_out();
  if (length > kOutSize) {
    (void)service.port->write(frame, length);
    return;
  }
  memcpy(service.out + service.out_used, frame, length);
  service.out_used += length;
}

tg::Status receive(const u8* bytes, size_t length) {
  return g_service.session->receive(bytes, length);
}

void feed(const Chunk& chunk) {
  tg::Status fed = g_service.start.feed(chunk.data, chunk.length, receive);
  if (!fed.ok()) {
    klog("9p: session reset (%s: %s), waiting for Tversion", tg::errno_name(fed.error()),
         tg::errno_message(fed.error()));
  }
}

bool has_work(u32 seen_connection) {
  const NinePService& service = g_service;
  return service.port->connection() != seen_connection ||
         load(service.filled) != load(service.taken) || load(service.wake);
}

// Host connected or went away: whatever was said before is void.
void start_connection(u32 connection, u32& seen, size_t& parked) {
  if (connection == seen) return;
  seen = connection;
  g_service.out_used = 0;
  g_service.start.reset();
  g_service.session->reset();
  ++g_service.resets;
  parked = 0;
}

void server_loop(void*) {
  NinePService& service = g_service;
  u32 seen = service.port->connection();
  size_t parked = 0;
  for (;;) {
    wait_event(service.server_queue, has_work(seen));
    start_connection(service.port->connection(), seen, parked);
    bool received = false;
    while (load(service.filled) != service.taken) {
      Chunk& chunk = service.chunks[service.taken % kChunks];
      // A newer chunk: the host reconnected since the check above. An older one: bytes of a
      // connection that is gone.
      if (static_cast<i32>(chunk.connection - seen) > 0) {
        start_connection(chunk.connection, seen, parked);
      }
      if (chunk.connection == seen) feed(chunk);
      received = true;
      __atomic_store_n(&service.taken, service.taken + 1, __ATOMIC_RELEASE);
      service.reader_queue.wake_up();
    }
    bool woken = __atomic_exchange_n(&service.wake, false, __ATOMIC_ACQ_REL);
    // A request parked during this batch may already be satisfiable (a marker write on
    // another tag): one pass now instead of waiting for the timer.
    if (woken || received) parked = service.session->poll();
    flush_out();
    if (parked && !load(service.timer_armed)) {
      __atomic_store_n(&service.timer_armed, true, __ATOMIC_RELEASE);
      timer_add(service.poll_timer, clock_ns() + kPollPeriodNs);
    }
  }
}

// Says why the service cannot start, and passes the errno on.
tg::Errno refuse(const char* what, tg::Errno error) {
  klog("9p: %s: %s (%s)", what, tg::errno_name(error), tg::errno_message(error));
  return error;
}

tg::Status allocate_buffers(NinePService& service) {
  service.out = static_cast<u8*>(kmalloc(kOutSize));
  if (!service.out) return tg::Errno::kNoMem;
  for (auto& chunk : service.chunks) {
    chunk.data = static_cast<u8*>(kmalloc(kChunkSize));
    if (!chunk.data) return tg::Errno::kNoMem;
  }
  return {};
}

tg::Status start_tasks() {
  TRY(kthread_run("9p", server_loop, nullptr, kAllCpus));
  // The reader is what the port's interrupt wakes: like Linux's threaded irq handlers it runs
  // SCHED_FIFO 50, so every request from the host wakes an RT task (wakeup_rt sees them).
  Task* reader = TRY(kthread_run("9p-rx", reader_loop, nullptr, kAllCpus));
  TRY(sched_setscheduler(reader, SchedPolicy::Fifo, kIrqThreadRtPriority));
  return {};
}

}  // namespace

// The tracer may call this for every record, from any context (scheduler hooks hold the
// run-queue lock), so it only leaves a flag; the poll timer acts on it.
notrace void ninep_service_wake() {
  __atomic_store_n(&g_service.wake, true, __ATOMIC_RELEASE);
}

void ninep_service_kick() {
  __atomic_store_n(&g_service.wake, true, __ATOMIC_RELEASE);
  g_service.server_queue.wake_up();
}

tg::Status ninep_service_start() {
  NinePService& service = g_service;
  auto port = virtio_serial_wait_port(kPortName, kPortWaitNs);
  if (!port.ok()) return refuse("no port org.tracegate.9p", port.error());
  service.port = port.value();
  tg::Status buffers = allocate_buffers(service);
  if (!buffers.ok()) return refuse("no memory for its buffers", buffers.error());
  auto session = NinePSession::create(send_frame, kMaxMsize);
  if (!session.ok()) return refuse("cannot set up the session", session.error());
  service.session = session.value();
  tg::Status runner = workload_runner_start();
  if (!runner.ok()) return refuse("cannot start the workload runner", runner.error());
  timer_setup(service.poll_timer, on_poll_timer);
  trace_set_reader_waker(ninep_service_wake);
  service.port->set_listener(&kListener);
  tg::Status tasks = start_tasks();
  if (!tasks.ok()) return refuse("cannot start its tasks", tasks.error());
  klog("9p: serving port %u (%s), msize up to %u", service.port->id(), kPortName, kMaxMsize);
  return {};
}
