#include "trace/TraceInstance.h"

#include "trace/CommCache.h"

namespace tg::trace {

namespace {

// Linux's default per-CPU buffer: 1408 KiB, which rounds to 1410 (whole 4080-byte pages).
constexpr u64 kDefaultBufferKb = 1408;
constexpr usize kMinPages = 2;

void notify_functions_changed() {
  if (platform().functions_changed) platform().functions_changed();
}

}  // namespace

Result<OwnPtr<TraceInstance>> TraceInstance::create(StringView name, bool is_top, u32 id) {
  void* memory = allocate(sizeof(TraceInstance), alignof(TraceInstance));
  if (!memory) return Errno::kNoMem;
  OwnPtr<TraceInstance> instance(new (memory) TraceInstance());
  instance->name_ = TRY(String::from(name));
  instance->is_top_ = is_top;
  instance->id_ = id;
  instance->events_ = TRY(EventState::create());
  instance->triggers_ = TRY(EventTriggers::create());
  instance->buffer_ =
      TRY(ring::TraceBuffer::create(platform().cpu_count, pages_for_kb(kDefaultBufferKb)));
  instance->tracer_.store(find_tracer("nop"), MemoryOrder::kRelease);
  return instance;
}

TraceInstance::~TraceInstance() {
  const Tracer* current = tracer_.load();
  if (buffer_ && current && current->reset) current->reset(*this);
}

Status TraceInstance::set_tracer(StringView requested) {
  StringView name = requested.trim();
  const Tracer* next = find_tracer(name);
  if (!next || (!is_top_ && !next->in_instances)) return Errno::kInval;
  if (next == &tracer()) return {};
  // A consuming reader holds an iterator into the buffer the switch resets.
  if (pipe_reader_open()) return Errno::kBusy;
  // Unpublish the old tracer and wait out its recorders before it is reset; writers see
  // the new one only once the buffer is empty.
  const Tracer& previous = tracer();
  const Tracer* nop = find_tracer("nop");
  tracer_.store(nop, MemoryOrder::kRelease);
  notify_functions_changed();
  synchronize_writers();
  if (previous.reset) previous.reset(*this);
  clear_buffer();
  // A latency tracer keeps its worst case in the snapshot buffer: allocated for it, freed
  // when a tracer that needs none follows (Linux's tracing_set_tracer).
  max_trace_ = MaxTraceInfo{};
  if (next->use_max_tr) {
    TRY(allocate_snapshot());
    snapshot_->reset();
  } else if (previous.use_max_tr) {
    free_snapshot();
  }
  if (next->init) TRY(next->init(*this));
  tracer_.store(next, MemoryOrder::kRelease);
  notify_functions_changed();
  return {};
}

Status TraceInstance::allocate_snapshot() {
  ring::TraceBuffer& live = *buffer_;
  if (!snapshot_)
    snapshot_ = TRY(ring::TraceBuffer::create(live.cpu_count(), kMinPages, live.page_size()));
  // A spare left at another page size (freed when buffer_subbuf_size_kb changed) follows.
  if (snapshot_->page_size() != live.page_size()) TRY(snapshot_->set_page_size(live.page_size()));
  // The spare takes the live buffer's size, as Linux's resize_buffer_duplicate_size.
  for (u32 i = 0; i < live.cpu_count(); ++i) {
    ring::CpuBuffer& spare = snapshot_->cpu(i);
    if (spare.pages() != live.cpu(i).pages()) TRY(spare.resize(live.cpu(i).pages()));
    spare.set_overwrite(option(TraceOption::kOverwrite));
  }
  snapshot_allocated_ = true;
  return {};
}

Status TraceInstance::take_snapshot(i32 cpu) {
  TRY(allocate_snapshot());
  ring::TraceBuffer& live = *buffer_;
  u32 first = cpu >= 0 ? static_cast<u32>(cpu) : 0;
  u32 last = cpu >= 0 ? first + 1 : live.cpu_count();
  bool idle = false;
  while (!swapping_.compare_exchange(idle, true)) idle = false;
  for (u32 i = first; i < last; ++i) {
    live.cpu(i).disable_recording();
    snapshot_->cpu(i).disable_recording();
  }
  synchronize_writers();
  for (u32 i = first; i < last; ++i) live.swap_cpu(i, *snapshot_);
  for (u32 i = first; i < last; ++i) {
    live.cpu(i).enable_recording();
    snapshot_->cpu(i).enable_recording();
  }
  swapping_.store(false);
  return {};
}

void TraceInstance::snapshot_from_recorder() {
  if (!snapshot_allocated_) return;
  bool idle = false;
  if (!swapping_.compare_exchange(idle, true)) return;
  for (u32 i = 0; i < buffer_->cpu_count(); ++i) buffer_->swap_cpu(i, *snapshot_);
  swapping_.store(false);
}

void TraceInstance::update_max_tr(const MaxTraceInfo& info) {
  if (!snapshot_allocated_) return;
  bool idle = false;
  if (!swapping_.compare_exchange(idle, true)) return;
  for (u32 i = 0; i < buffer_->cpu_count(); ++i) buffer_->swap_cpu(i, *snapshot_);
  max_trace_ = info;
  swapping_.store(false);
}

void TraceInstance::update_max_tr_single(u32 cpu, const MaxTraceInfo& info) {
  if (!snapshot_allocated_ || cpu >= buffer_->cpu_count()) return;
  bool idle = false;
  if (!swapping_.compare_exchange(idle, true)) return;
  buffer_->swap_cpu(cpu, *snapshot_);
  max_trace_ = info;
  swapping_.store(false);
}

void TraceInstance::free_snapshot() {
  if (!snapshot_allocated_) return;
  snapshot_allocated_ = false;
  snapshot_->reset();
  for (u32 i = 0; i < snapshot_->cpu_count(); ++i) (void)snapshot_->cpu(i).resize(kMinPages);
}

// A recorder may swap the spare into the live buffer meanwhile (a snapshot trigger, a
// latency tracer's new maximum): no swap while it is emptied, and no writer left in it.
void TraceInstance::clear_snapshot(i32 cpu) {
  if (!snapshot_allocated_) return;
  bool idle = false;
  while (!swapping_.compare_exchange(idle, true)) idle = false;
  synchronize_writers();
  if (cpu >= 0)
    snapshot_->reset_cpu(static_cast<u32>(cpu));
  else
    snapshot_->reset();
  swapping_.store(false);
}

void TraceInstance::set_cpumask(const CpuMask& mask) {
  apply_cpumask(*buffer_, cpumask_, mask);
  cpumask_ = mask;
}

Status TraceInstance::resize_cpu(u32 cpu, usize pages) {
  ring::CpuBuffer& live = buffer_->cpu(cpu);
  bool with_max = tracer().use_max_tr && snapshot_allocated_;
  if (live.pages() == pages && (!with_max || snapshot_->cpu(cpu).pages() == pages)) return {};
  bool idle = false;
  while (!swapping_.compare_exchange(idle, true)) idle = false;
  ring::CpuBuffer& current = buffer_->cpu(cpu);
  current.disable_recording();
  synchronize_writers();
  Status status = current.pages() == pages ? Status() : current.resize(pages);
  if (status.ok() && with_max && snapshot_->cpu(cpu).pages() != pages)
    status = snapshot_->cpu(cpu).resize(pages);
  current.enable_recording();
  swapping_.store(false);
  return status;
}

// Events keep recording whatever the tracer: the buffer's writers are stopped and waited
// out before it is emptied, and let in again after.
void TraceInstance::clear_buffer() {
  for (u32 i = 0; i < buffer_->cpu_count(); ++i) buffer_->cpu(i).disable_recording();
  synchronize_writers();
  live_time_start_ = now();
  buffer_->reset();
  for (u32 i = 0; i < buffer_->cpu_count(); ++i) buffer_->cpu(i).enable_recording();
}

void TraceInstance::set_tracing_on(bool on) {
  tracing_on_.store(on, MemoryOrder::kRelease);
}

void TraceInstance::write_tracing_on(bool on) {
  set_tracing_on(on);
  // Every write reaches the tracer, as Linux's rb_simple_write calls start or stop.
  const Tracer& current = tracer();
  if (on && current.start) current.start(*this);
  if (!on && current.stop) current.stop(*this);
}

Status TraceInstance::set_clock(TraceClock clock) {
  if (clock == clock_) return {};
  clock_ = clock;
  // Timestamps of two clocks cannot be merged: Linux clears the buffer on a switch.
  clear_buffer();
  return {};
}

usize TraceInstance::pages_for_kb(u64 kb, usize page_size) {
  u64 max_kb = kU64Max / 1024;
  if (kb > max_kb) return ~usize{0};
  u64 bytes = kb * 1024;
  u64 data = page_size - ring::kPageHeaderSize;
  u64 pages = bytes / data + (bytes % data != 0);
  return pages < kMinPages ? kMinPages : static_cast<usize>(pages);
}

u64 TraceInstance::kb_for_pages(usize pages, usize page_size) {
  return (u64{pages} * (page_size - ring::kPageHeaderSize)) >> 10;
}

Status TraceInstance::set_page_size(usize page_size) {
  if (!ring::valid_page_size(page_size)) return Errno::kInval;
  ring::TraceBuffer& live = *buffer_;
  usize old_size = live.page_size();
  if (page_size == old_size) return {};
  // No snapshot swap meanwhile, and no writer inside either buffer (Linux's tracing_stop_tr).
  bool idle = false;
  while (!swapping_.compare_exchange(idle, true)) idle = false;
  for (u32 i = 0; i < live.cpu_count(); ++i) live.cpu(i).disable_recording();
  synchronize_writers();
  Status status = live.set_page_size(page_size);
  if (status.ok() && snapshot_allocated_) {
    status = snapshot_->set_page_size(page_size);
    if (!status.ok()) (void)live.set_page_size(old_size);
  }
  for (u32 i = 0; i < live.cpu_count(); ++i) live.cpu(i).enable_recording();
  swapping_.store(false);
  return status;
}

namespace {
constexpr u64 kTextReader = u64{1} << 63;
}  // namespace

bool TraceInstance::claim_pipe_reader() {
  u64 expected = 0;
  return pipe_readers_.compare_exchange(expected, kTextReader);
}

void TraceInstance::release_pipe_reader() {
  pipe_readers_.store(0);
}

bool TraceInstance::claim_raw_reader(u32 cpu) {
  u64 bit = u64{1} << cpu;
  if (cpu >= 63) return false;
  u64 readers = pipe_readers_.load();
  do {
    if (readers & (kTextReader | bit)) return false;
  } while (!pipe_readers_.compare_exchange(readers, readers | bit));
  return true;
}

void TraceInstance::release_raw_reader(u32 cpu) {
  if (cpu < 63) __atomic_fetch_and(pipe_readers_.address(), ~(u64{1} << cpu), __ATOMIC_SEQ_CST);
}

void TraceInstance::set_option(TraceOption option, bool on) {
  options_.set(option, on);
  // Linux allocates its pid -> tgid map the first time record-tgid is set, and keeps it.
  if (option == TraceOption::kRecordTgid && on) start_saving_tgids();
  if (option != TraceOption::kOverwrite) return;
  for (u32 cpu = 0; cpu < buffer_->cpu_count(); ++cpu) buffer_->cpu(cpu).set_overwrite(on);
}

void TraceInstance::set_bit_of(Atomic<u64>* words, u32 id, bool on) {
  u64 mask = u64{1} << (id % 64);
  auto& word = words[id / 64];
  if (on)
    __atomic_fetch_or(word.address(), mask, __ATOMIC_RELAXED);
  else
    __atomic_fetch_and(word.address(), ~mask, __ATOMIC_RELAXED);
}

void TraceInstance::set_event_enabled(u32 id, bool on) {
  if (id >= kMaxEventId) return;
  if (on) {
    set_bit_of(events_soft_disabled_, id, false);
    set_bit_of(events_enabled_, id, true);
    return;
  }
  if (!bit_of(events_enabled_, id)) return;
  bool soft = event_soft_mode(id);
  set_bit_of(events_soft_disabled_, id, soft);
  if (!soft) set_bit_of(events_enabled_, id, false);
}

void TraceInstance::attach_event_probe(u32 id, bool attached) {
  if (id >= kMaxEventId) return;
  u16& refs = event_soft_refs_[id];
  if (attached) {
    if (refs++ != 0) return;
    // An event the probe finds disabled is enabled underneath, soft-disabled.
    if (!bit_of(events_enabled_, id)) {
      set_bit_of(events_soft_disabled_, id, true);
      set_bit_of(events_enabled_, id, true);
    }
    return;
  }
  if (refs == 0 || --refs != 0) return;
  // Leaving soft mode, the event keeps the state the probes left it in.
  bool disabled = bit_of(events_soft_disabled_, id);
  set_bit_of(events_soft_disabled_, id, false);
  if (disabled) set_bit_of(events_enabled_, id, false);
}

void TraceInstance::set_event_soft_disabled(u32 id, bool disabled) {
  if (id < kMaxEventId) set_bit_of(events_soft_disabled_, id, disabled);
}

}  // namespace tg::trace
