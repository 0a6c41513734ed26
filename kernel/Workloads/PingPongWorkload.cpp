#include "Arch/x86_64/PerCpu.h"
#include "Console/Log.h"
#include "Tasks/Scheduler.h"
#include "Tasks/Task.h"
#include "Workloads/Workload.h"

using klib::Errno;
using klib::Result;

// Two tasks, "ping" on CPU 0 and "pong" on the last CPU, take turns through two
// wait queues: each waits for its turn, transforms a shared value, hands the turn over and
// wakes the other, so every hand-off is a wakeup across CPUs. Checksum: the value after
// all rounds, starting from 1; ping applies x = x * kMul + kAdd, pong x ^= x >> 17.
// Both start on pong's CPU; ping migrates itself to CPU 0, so every run also moves a task.
namespace {
constexpr u64 kMul = 6364136223846793005ul;
constexpr u64 kAdd = 1442695040888963407ul;

struct Court {
  WaitQueue ping_turn;
  WaitQueue pong_turn;
  u32 turn;  // 0: ping plays, 1: pong plays
  u64 value;
  u64 rounds;
  u32 ping_cpu;
  u32 pong_cpu;
  bool wrong_cpu;
  bool abandoned;  // pong could not be started
  u64 ping_migrations;
};

void check_cpu(Court& court, u32 expected) {
  if (this_cpu_id() != expected) court.wrong_cpu = true;
}

void ping(void* argument) {
  auto& court = *static_cast<Court*>(argument);
  u32 started_on = this_cpu_id();
  sched_set_affinity_current(1ul << court.ping_cpu);
  if (this_cpu_id() != started_on) ++court.ping_migrations;
  for (u64 round = 0; round < court.rounds; ++round) {
    wait_event(court.ping_turn, __atomic_load_n(&court.turn, __ATOMIC_ACQUIRE) == 0 ||
                                    __atomic_load_n(&court.abandoned, __ATOMIC_ACQUIRE));
    if (court.abandoned) return;
    check_cpu(court, court.ping_cpu);
    court.value = court.value * kMul + kAdd;
    __atomic_store_n(&court.turn, 1, __ATOMIC_SEQ_CST);
    court.pong_turn.wake_up();
  }
}

void pong(void* argument) {
  auto& court = *static_cast<Court*>(argument);
  sched_set_affinity_current(1ul << court.pong_cpu);
  for (u64 round = 0; round < court.rounds; ++round) {
    wait_event(court.pong_turn, __atomic_load_n(&court.turn, __ATOMIC_ACQUIRE) == 1);
    check_cpu(court, court.pong_cpu);
    court.value ^= court.value >> 17;
    __atomic_store_n(&court.turn, 0, __ATOMIC_SEQ_CST);
    court.ping_turn.wake_up();
  }
}

u64 remote_wakeups() {
  u64 total = 0;
  for (u32 cpu = 0; cpu < g_cpus_online; ++cpu) total += sched_stats(cpu).remote_wakeups;
  return total;
}
}  // namespace

Result<u64> workload_pingpong(u64 iterations) {
  Court court{};
  court.value = 1;
  court.rounds = iterations;
  court.ping_cpu = 0;
  court.pong_cpu = g_cpus_online - 1;
  u64 wakeups_before = remote_wakeups();

  u64 start_mask = 1ul << court.pong_cpu;
  Task* ping_task = TRY(kthread_run("ping", ping, &court, start_mask));
  auto pong_task = kthread_run("pong", pong, &court, start_mask);
  if (!pong_task.ok()) {
    __atomic_store_n(&court.abandoned, true, __ATOMIC_SEQ_CST);
    court.ping_turn.wake_up();
    kthread_join(ping_task);
    return pong_task.error();
  }
  kthread_join(ping_task);
  kthread_join(pong_task.value());

  u64 crossed = remote_wakeups() - wakeups_before;
  klog("pingpong: ping on cpu%u, pong on cpu%u, %lu wakeups crossed CPUs, ping migrated %lu",
       court.ping_cpu, court.pong_cpu, crossed, court.ping_migrations);
  if (court.wrong_cpu) return Errno::kIo;
  return court.value;
}
