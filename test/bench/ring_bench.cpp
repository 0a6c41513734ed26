// Ring-buffer costs against DESIGN's budgets: write ns per function event (<= 15) and per
// function_graph call (<= 30), bytes per event (<= 16 / 24), and how fast readers decode.
// Run by hand from a Release build: ring_bench [--benchmark_filter=...].
#include <benchmark/benchmark.h>

#include "HostPlatform.h"
#include "ring/RingBuffer.h"

namespace tg::ring {
namespace {

// 1410 KiB per CPU, the default buffer_size_kb: the writer wraps, as it does when tracing.
constexpr usize kPages = 354;

OwnPtr<CpuBuffer> make_buffer() {
  return CpuBuffer::create(0, kPages).release_value();
}

// Bytes the buffer holds per entry, bookkeeping records and page padding included.
double bytes_per_entry(CpuBuffer& buffer) {
  CpuStats stats = buffer.stats();
  usize page_bytes = kPages * kPageDataSize;
  return stats.entries ? static_cast<double>(page_bytes) / static_cast<double>(stats.entries) : 0;
}

// The function tracer's path: reserve, fill the record, commit.
void BM_WriteFunctionEvent(benchmark::State& state) {
  auto buffer = make_buffer();
  u64 now = 1'000'000;
  u32 ip = 0;
  for (auto _ : state) {
    now += 70;  // a plausible gap between two traced calls
    auto* record = reinterpret_cast<FunctionRecord*>(
        buffer->reserve(now, 42, RecordType::kFunction, sizeof(FunctionRecord)));
    record->ip = ++ip;
    record->parent_ip = ip ^ 0x55;
    record->flags = 0;
    record->preempt = 1;
    buffer->commit();
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["bytes_per_event"] = bytes_per_entry(*buffer);
}
BENCHMARK(BM_WriteFunctionEvent);

// function_graph's entry + return pair for one call.
void BM_WriteGraphCall(benchmark::State& state) {
  auto buffer = make_buffer();
  u64 now = 1'000'000;
  u32 ip = 0;
  for (auto _ : state) {
    now += 40;
    auto* call = reinterpret_cast<GraphEntryRecord*>(
        buffer->reserve(now, 42, RecordType::kGraphEntry, sizeof(GraphEntryRecord)));
    call->ip = ++ip;
    call->depth = 3;
    call->flags = 0;
    call->preempt = 1;
    buffer->commit();
    now += 90;
    auto* ret = reinterpret_cast<GraphReturnRecord*>(
        buffer->reserve(now, 42, RecordType::kGraphReturn, sizeof(GraphReturnRecord)));
    ret->ip = ip;
    ret->depth_duration = (90u << 8) | 3;
    buffer->commit();
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["bytes_per_call"] = 2 * bytes_per_entry(*buffer);
}
BENCHMARK(BM_WriteGraphCall);

// Task switches every 8 events: the kTask records' share of time and space.
void BM_WriteFunctionEventWithTaskSwitches(benchmark::State& state) {
  auto buffer = make_buffer();
  u64 now = 1'000'000;
  u32 ip = 0;
  for (auto _ : state) {
    now += 70;
    ++ip;
    FunctionRecord record{make_header(RecordType::kFunction, 0), ip, ip ^ 0x55, 0, 1, 0};
    buffer->write(now, static_cast<i32>(ip / 8), &record, sizeof(record));
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["bytes_per_event"] = bytes_per_entry(*buffer);
}
BENCHMARK(BM_WriteFunctionEventWithTaskSwitches);

// A full buffer of function events decoded by a non-consuming cursor (what `trace` does
// before formatting): copy-validate of each page and record decoding.
void BM_ReadFunctionEvents(benchmark::State& state) {
  auto buffer = make_buffer();
  u64 now = 1'000'000;
  for (u32 ip = 0; ip < kPages * (kPageDataSize / sizeof(FunctionRecord)); ++ip) {
    now += 70;
    FunctionRecord record{make_header(RecordType::kFunction, 0), ip, ip, 0, 1, 0};
    buffer->write(now, 42, &record, sizeof(record));
  }
  u64 entries = 0;
  u64 checksum = 0;
  for (auto _ : state) {
    CpuBuffer::Cursor cursor(*buffer, false);
    Entry entry;
    while (cursor.peek(entry)) {
      checksum += entry.as<FunctionRecord>().ip + entry.timestamp;
      cursor.advance();
      ++entries;
    }
  }
  benchmark::DoNotOptimize(checksum);
  state.SetItemsProcessed(static_cast<i64>(entries));
  state.SetBytesProcessed(static_cast<i64>(entries * sizeof(FunctionRecord)));
}
BENCHMARK(BM_ReadFunctionEvents);

// The merged view over two CPUs (TraceBuffer::Iterator), graph pairs on both.
void BM_ReadMergedGraphCalls(benchmark::State& state) {
  auto buffer = TraceBuffer::create(2, kPages).release_value();
  for (u32 cpu = 0; cpu < 2; ++cpu) {
    u64 now = 1'000'000 + cpu * 7;
    for (u32 ip = 0; ip < kPages * (kPageDataSize / 24); ++ip) {
      GraphEntryRecord call{make_header(RecordType::kGraphEntry, 0), ip, 1, 0, 1, 0};
      buffer->cpu(cpu).write(now += 40, 42, &call, sizeof(call));
      GraphReturnRecord ret{make_header(RecordType::kGraphReturn, 0), ip, (40u << 8) | 1};
      buffer->cpu(cpu).write(now += 40, 42, &ret, sizeof(ret));
    }
  }
  u64 entries = 0;
  u64 leaves = 0;
  for (auto _ : state) {
    TraceBuffer::Iterator it(*buffer, false);
    Entry entry;
    Entry next;
    while (it.peek(entry)) {
      // function_graph's leaf check on every entry record.
      if (entry.type == RecordType::kGraphEntry && it.peek_next_on_cpu(entry, next)) ++leaves;
      it.advance();
      ++entries;
    }
  }
  benchmark::DoNotOptimize(leaves);
  state.SetItemsProcessed(static_cast<i64>(entries));
  state.SetBytesProcessed(static_cast<i64>(entries * 12));
}
BENCHMARK(BM_ReadMergedGraphCalls);

}  // namespace
}  // namespace tg::ring

int main(int argc, char** argv) {
  tg::test::install_host_platform();
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
