#include "trace/FunctionProfiler.h"

#include "Platform.h"

namespace tg::trace {

namespace {

// Room for every function that has a call site, as Linux sizes its pages by the number of
// functions ftrace knows.
u32 traceable_functions() {
  u32 count = 0;
  for (const Symbol& symbol : platform().symbols) count += !symbol.notrace;
  return count;
}

// trace_stat's order: the stat tree puts a record before every one whose time is not larger,
// so equal times come out in the reverse of the order the records were visited.
bool goes_before(const FunctionStat& a, const FunctionStat& b) {
  return a.time > b.time;
}

// A stable merge sort (the lines come out the same on every read of the same numbers).
void sort_stats(Span<FunctionStat> stats, Span<FunctionStat> scratch) {
  usize n = stats.size();
  for (usize width = 1; width < n; width *= 2) {
    for (usize left = 0; left < n; left += 2 * width) {
      usize middle = min(left + width, n);
      usize right = min(left + 2 * width, n);
      usize i = left, j = middle, out = left;
      while (i < middle && j < right)
        scratch[out++] = goes_before(stats[j], stats[i]) ? stats[j++] : stats[i++];
      while (i < middle) scratch[out++] = stats[i++];
      while (j < right) scratch[out++] = stats[j++];
    }
    for (usize k = 0; k < n; ++k) stats[k] = scratch[k];
  }
}

}  // namespace

Status FunctionProfiler::allocate_tables() {
  u32 cpus = platform().cpu_count;
  if (cpus > CpuMask::kMaxCpus) cpus = CpuMask::kMaxCpus;
  u32 capacity = traceable_functions();
  for (u32 cpu = cpu_count_; cpu < cpus; ++cpu) {
    tables_[cpu] = TRY(ProfileTable::create(capacity));
    cpu_count_ = cpu + 1;
  }
  return {};
}

Status FunctionProfiler::enable() {
  if (enabled()) return {};
  TRY(allocate_tables());
  for (u32 cpu = 0; cpu < cpu_count_; ++cpu) tables_[cpu]->reset();
  generation_.store(generation_.load(MemoryOrder::kRelaxed) + 1, MemoryOrder::kRelaxed);
  enabled_.store(true, MemoryOrder::kRelease);
  return {};
}

void FunctionProfiler::disable() {
  enabled_.store(false, MemoryOrder::kRelease);
}

TG_HOT bool FunctionProfiler::enter(u32 cpu, u64 ip, u64 now, ProfiledCall& call) {
  if (!enabled() || cpu >= cpu_count_) return false;
  ProfileRecord* record = tables_[cpu]->find_or_add(ip);
  if (!record) return false;
  record->hits.store(record->hits.load(MemoryOrder::kRelaxed) + 1, MemoryOrder::kRelaxed);
  call = ProfiledCall{ip, now, 0, generation_.load(MemoryOrder::kRelaxed)};
  return true;
}

TG_HOT void FunctionProfiler::leave(u32 cpu, const ProfiledCall& call, u64 rettime,
                                    u64* parent_subtime, bool graph_time) {
  if (!enabled() || cpu >= cpu_count_) return;
  if (call.generation != generation_.load(MemoryOrder::kRelaxed) || call.calltime == 0) return;
  // Two CPUs' clocks may disagree by a little: a call never lasts less than nothing.
  u64 time = rettime > call.calltime ? rettime - call.calltime : 0;
  if (!graph_time) {
    if (parent_subtime) *parent_subtime += time;
    time = call.subtime < time ? time - call.subtime : 0;
  }
  ProfileRecord* record = tables_[cpu]->find(call.ip);
  if (!record) return;
  record->time.store(record->time.load(MemoryOrder::kRelaxed) + time, MemoryOrder::kRelaxed);
  // Wraps past 2^64 as Linux's unsigned long long does.
  record->time_squared.store(record->time_squared.load(MemoryOrder::kRelaxed) + time * time,
                             MemoryOrder::kRelaxed);
}

Result<Vector<FunctionStat>> FunctionProfiler::stats(u32 cpu) const {
  Vector<FunctionStat> stats;
  if (cpu >= cpu_count_) return stats;
  const ProfileTable& table = *tables_[cpu];
  u32 count = table.count();
  TRY(stats.reserve(count));
  // Visited newest first, so that the stable sort leaves equal times newest first.
  for (u32 i = count; i-- > 0;) {
    const ProfileRecord& record = table.record(i);
    FunctionStat stat{
        record.ip.load(MemoryOrder::kRelaxed), record.hits.load(MemoryOrder::kRelaxed),
        record.time.load(MemoryOrder::kRelaxed), record.time_squared.load(MemoryOrder::kRelaxed)};
    // A record being reset under the reader (Linux answers EBUSY for it) is left out.
    if (stat.hits == 0) continue;
    TRY(stats.append(stat));
  }
  Vector<FunctionStat> scratch;
  TRY(scratch.reserve(stats.size()));
  for (const FunctionStat& stat : stats) TRY(scratch.append(stat));
  sort_stats(stats.span(), scratch.span());
  return stats;
}

u64 FunctionProfiler::misses() const {
  u64 total = 0;
  for (u32 cpu = 0; cpu < cpu_count_; ++cpu) total += tables_[cpu]->misses();
  return total;
}

}  // namespace tg::trace
