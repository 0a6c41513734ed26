#include "trace/Tracing.h"

#include "Platform.h"

namespace tg::trace {

namespace {

Tracing* g_tracing = nullptr;

// Linux refuses names a directory cannot have; a space is fine (capture 20).
bool valid_instance_name(StringView name) {
  if (name.empty() || name == StringView(".") || name == StringView("..")) return false;
  for (char c : name)
    if (c == '/' || c == '\0') return false;
  return true;
}

}  // namespace

void install_tracing(Tracing* tracing) {
  g_tracing = tracing;
}
Tracing* tracing() {
  return g_tracing;
}

Result<OwnPtr<Tracing>> Tracing::create() {
  OwnPtr<Tracing> tracing(tg::create<Tracing>());
  if (!tracing) return Errno::kNoMem;
  OwnPtr<Slot> top = TRY(tracing->make_slot("", true));
  tracing->table_[0].store(top.get(), MemoryOrder::kRelease);
  tracing->table_end_.store(1, MemoryOrder::kRelease);
  TRY(tracing->slots_.append(move(top)));
  return tracing;
}

Tracing::~Tracing() {
  if (g_tracing == this) g_tracing = nullptr;
}

Result<OwnPtr<Tracing::Slot>> Tracing::make_slot(StringView name, bool is_top) {
  OwnPtr<Slot> slot(tg::create<Slot>());
  if (!slot) return Errno::kNoMem;
  slot->instance = TRY(TraceInstance::create(name, is_top));
  slot->events = TRY(EventState::create());
  slot->id = next_id_++;
  return slot;
}

Result<TraceInstance*> Tracing::create_instance(StringView name) {
  if (!valid_instance_name(name)) return Errno::kInval;
  if (find(name)) return Errno::kExist;
  u32 index = 1;
  while (index < kMaxInstances && table_[index].load(MemoryOrder::kRelaxed)) ++index;
  if (index == kMaxInstances) return Errno::kNoSpc;
  OwnPtr<Slot> slot = TRY(make_slot(name, false));
  TraceInstance* instance = slot->instance.get();
  instance->set_table_index(index);
  Slot* published = slot.get();
  TRY(slots_.append(move(slot)));
  // Recorders may see it from here on: it is complete.
  table_[index].store(published, MemoryOrder::kRelease);
  if (table_end_.load(MemoryOrder::kRelaxed) <= index)
    table_end_.store(index + 1, MemoryOrder::kRelease);
  return instance;
}

Status Tracing::remove_instance(StringView name) {
  for (usize i = 1; i < slots_.size(); ++i) {
    TraceInstance& instance = *slots_[i]->instance;
    if (!(instance.name() == name)) continue;
    if (instance.busy() || instance.pipe_reader_open()) return Errno::kBusy;
    // No recorder may reach it, or still be inside it, when its buffer goes.
    instance.set_tracing_on(false);
    // Its tracer or its func:traceon/traceoff probes may be what keeps sites live.
    bool held_sites = instance.tracer().traces_functions || slots_[i]->ftrace_filter.has_probes();
    table_[instance.table_index()].store(nullptr, MemoryOrder::kRelease);
    synchronize_writers();
    slots_.remove(i);
    if (held_sites) functions_changed();
    return {};
  }
  return Errno::kNoEnt;
}

TraceInstance* Tracing::find(u32 id) {
  for (auto& slot : slots_)
    if (slot->id == id) return slot->instance.get();
  return nullptr;
}

TraceInstance* Tracing::find(StringView name) {
  for (usize i = 1; i < slots_.size(); ++i)
    if (slots_[i]->instance->name() == name) return slots_[i]->instance.get();
  return nullptr;
}

u32 Tracing::id_of(const TraceInstance& instance) const {
  return slot_of(instance).id;
}

bool Tracing::any_traces_functions() {
  bool any = false;
  for_each_recorder([&](TraceInstance& instance) { any |= instance.tracer().traces_functions; });
  return any;
}

bool Tracing::function_site_wanted(u64 ip) {
  bool wanted = false;
  for_each_recorder([&](TraceInstance& instance) {
    wanted = wanted || (instance.tracer().traces_functions && wants_function(instance, ip));
  });
  return wanted;
}

u32 Tracing::sole_function_slot() {
  u32 count = 0;
  u32 slot = 0;
  for_each_recorder([&](TraceInstance& instance) {
    if (!instance.tracer().traces_functions) return;
    ++count;
    slot = instance.table_index() + 1;
  });
  return count == 1 ? slot : 0;
}

bool Tracing::graph_should_trace(u64 ip) const {
  if (graph_notrace_.contains_address(ip)) return false;
  return graph_filter_.admits(ip);
}

bool Tracing::has_probe(u64 ip) {
  bool found = false;
  for_each_recorder([&](TraceInstance& instance) {
    found = found || slot_of(instance).ftrace_filter.has_probe_at(ip);
  });
  return found;
}

void Tracing::run_probes(u64 ip) {
  for_each_recorder([&](TraceInstance& instance) {
    bool turn_on = false;
    if (slot_of(instance).ftrace_filter.probe_hit(ip, turn_on)) instance.set_tracing_on(turn_on);
  });
}

void Tracing::functions_changed() {
  if (platform().functions_changed) platform().functions_changed();
}

}  // namespace tg::trace
