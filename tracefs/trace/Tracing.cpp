#include "trace/Tracing.h"

#include "Platform.h"
#include "trace/EventCatalog.h"

namespace tg::trace {

namespace {

Tracing* g_tracing = nullptr;

// fgraph's options that are one for the whole kernel in Linux (Tracing::set_option).
constexpr TraceOption kGraphGlobalOptions[] = {TraceOption::kSleepTime, TraceOption::kGraphTime};

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
  TRY(tracing->add_instance("", true));
  return tracing;
}

Tracing::~Tracing() {
  if (g_tracing == this) g_tracing = nullptr;
}

Result<TraceInstance*> Tracing::add_instance(StringView name, bool is_top) {
  u32 index = is_top ? 0 : 1;
  while (index < kMaxInstances && table_[index].load(MemoryOrder::kRelaxed)) ++index;
  if (index == kMaxInstances) return Errno::kNoSpc;
  OwnPtr<TraceInstance> owned = TRY(TraceInstance::create(name, is_top, next_id_));
  ++next_id_;
  TraceInstance* instance = owned.get();
  instance->set_table_index(index);
  if (!is_top) {
    instance->set_tracing_thresh_us(top().tracing_thresh_us());
    instance->set_max_graph_depth(top().max_graph_depth());
    for (TraceOption option : kGraphGlobalOptions)
      instance->set_option(option, top().option(option));
  }
  TRY(instances_.append(move(owned)));
  // Recorders may see it from here on: it is complete.
  table_[index].store(instance, MemoryOrder::kRelease);
  if (table_end_.load(MemoryOrder::kRelaxed) <= index)
    table_end_.store(index + 1, MemoryOrder::kRelease);
  return instance;
}

void Tracing::set_tracing_thresh_us(u64 us) {
  for (OwnPtr<TraceInstance>& instance : instances_) instance->set_tracing_thresh_us(us);
}

void Tracing::set_max_graph_depth(u32 depth) {
  for (OwnPtr<TraceInstance>& instance : instances_) instance->set_max_graph_depth(depth);
}

void Tracing::set_option(TraceInstance& instance, TraceOption option, bool on) {
  bool global = false;
  for (TraceOption each : kGraphGlobalOptions) global = global || each == option;
  if (!global) return instance.set_option(option, on);
  for (OwnPtr<TraceInstance>& each : instances_) each->set_option(option, on);
}

Result<TraceInstance*> Tracing::create_instance(StringView name) {
  if (!valid_instance_name(name)) return Errno::kInval;
  if (find(name)) return Errno::kExist;
  TraceInstance* instance = TRY(add_instance(name, false));
  // As Linux's mkdir: the instance's directory, then its events/ tree, group by group.
  announce_directory(DirectoryKind::kInstance, name);
  StringView group;
  for (const EventDefinition& event : all_events()) {
    if (event.ftrace_internal) continue;
    if (!(event.system == group)) announce_directory(DirectoryKind::kEvent, group = event.system);
    announce_directory(DirectoryKind::kEvent, event.name);
  }
  for (usize g = 0; g < probes_.group_count(); ++g) {
    announce_directory(DirectoryKind::kEvent, probes_.group_name(g));
    for (usize i = 0; i < probes_.group_size(g); ++i)
      announce_directory(DirectoryKind::kEvent,
                         probes_.group_member(g, i)->definition().event.view());
  }
  return instance;
}

Status Tracing::remove_instance(StringView name) {
  for (usize i = 1; i < instances_.size(); ++i) {
    TraceInstance& instance = *instances_[i];
    if (!(instance.name() == name)) continue;
    if (instance.busy() || instance.pipe_reader_open()) return Errno::kBusy;
    instance.set_tracing_on(false);
    // Its tracer or its func:traceon/traceoff probes may be what keeps sites live.
    bool held_sites = instance.tracer().traces_functions() || instance.ftrace_filter().has_probes();
    // Unpublish, then one grace period: no recorder is inside the instance, or anything it
    // owns, once every CPU has left the recording path.
    table_[instance.table_index()].store(nullptr, MemoryOrder::kRelease);
    synchronize_writers();
    instances_.remove(i);
    if (held_sites) functions_changed();
    return {};
  }
  return Errno::kNoEnt;
}

TraceInstance* Tracing::find(u32 id) {
  for (auto& instance : instances_)
    if (instance->id() == id) return instance.get();
  return nullptr;
}

TraceInstance* Tracing::find(StringView name) {
  for (usize i = 1; i < instances_.size(); ++i)
    if (instances_[i]->name() == name) return instances_[i].get();
  return nullptr;
}

bool Tracing::any_traces_functions() {
  bool any = profiler_.enabled();
  for_each_recorder([&](TraceInstance& instance) { any |= instance.tracer().traces_functions(); });
  return any;
}

bool Tracing::instance_hooks_returns() {
  bool any = false;
  for_each_recorder([&](TraceInstance& instance) {
    any |= !instance.is_top() && instance.tracer().hooks_returns();
  });
  return any;
}

bool Tracing::function_site_wanted(u64 ip) {
  bool wanted = profiler_.enabled();
  for_each_recorder([&](TraceInstance& instance) {
    wanted = wanted || (instance.tracer().traces_functions() && instance.wants_function(ip));
  });
  return wanted;
}

u32 Tracing::sole_function_slot() {
  if (profiler_.enabled()) return 0;
  u32 count = 0;
  u32 slot = 0;
  for_each_recorder([&](TraceInstance& instance) {
    if (!instance.tracer().traces_functions()) return;
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
  bool found = probes_.has_probe_at(ip);
  for_each_recorder(
      [&](TraceInstance& instance) { found = found || instance.ftrace_filter().has_probe_at(ip); });
  return found;
}

void Tracing::run_probes(const RecordContext& ctx, const ProbeSite& site) {
  using Command = FunctionFilter::Command;
  for_each_recorder([&](TraceInstance& instance) {
    // Whether the probe would change anything now: Linux spends a count only then.
    auto applies = [&](Command command, u16 event) {
      switch (command) {
        case Command::kTraceOn:
          return !instance.tracing_on();
        case Command::kTraceOff:
        case Command::kStackTrace:
          return instance.tracing_on();
        case Command::kEnableEvent:
          return !instance.event_enabled(event);
        case Command::kDisableEvent:
          return instance.event_enabled(event);
      }
      return false;
    };
    auto act = [&](Command command, u16 event) {
      switch (command) {
        case Command::kTraceOn:
          return instance.set_tracing_on(true);
        case Command::kTraceOff:
          return instance.set_tracing_on(false);
        case Command::kStackTrace:
          return record_stack_trace(instance, ctx, site);
        case Command::kEnableEvent:
          return instance.set_event_soft_disabled(event, false);
        case Command::kDisableEvent:
          return instance.set_event_soft_disabled(event, true);
      }
    };
    instance.ftrace_filter().run_probes(site.ip, applies, act);
  });
}

Status Tracing::set_function_profile(bool on) {
  if (on == profiler_.enabled()) return {};
  if (on) {
    TRY(profiler_.enable());
    functions_changed();
    return {};
  }
  profiler_.disable();
  functions_changed();
  // A recorder that saw it on may still be counting: the next enable resets the tables only
  // once none is.
  synchronize_writers();
  return {};
}

void Tracing::functions_changed() {
  if (platform().functions_changed) platform().functions_changed();
}

}  // namespace tg::trace
