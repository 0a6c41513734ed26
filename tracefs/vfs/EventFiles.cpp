// events/ and set_event: enable switches, filters, formats and ids of the event catalog.
#include "support/TextWriter.h"
#include "trace/RawPages.h"
#include "vfs/TracingFiles.h"

namespace tg::vfs {

namespace {

using trace::EventSystems;

// The all_events() index of the event a file of events/<system>/<event>/ belongs to.
usize event_of(const OpenFile& file) {
  return EventSystems::event_index(static_cast<usize>(file.context().index),
                                   static_cast<usize>(file.context().sub));
}
const trace::EventDefinition& definition_of(const OpenFile& file) {
  return trace::all_events()[event_of(file)];
}

// ---- dynamic events (kprobes) in set_event, available_events and events/enable ----

Status append_event_name(String& out, StringView system, StringView name) {
  TRY(out.append(system));
  TRY(out.append(':'));
  TRY(out.append(name));
  return out.append('\n');
}

// A set_event word against the probes, as apply_set_event_word matches the catalog.
bool apply_probe_word(OpenFile& file, StringView word) {
  trace::SetEventWord parsed = trace::SetEventWord::parse(word);
  auto& probes = file.tracing().probes();
  bool matched = false;
  for (usize i = 0; i < probes.count(); ++i) {
    auto& probe = probes.at(i);
    if (!parsed.matches(probe.event().system, probe.event().name)) continue;
    probes.set_enabled(instance_of(file), probe, parsed.enable);
    matched = true;
  }
  return matched;
}

void set_probes_enabled(OpenFile& file, bool on) {
  auto& probes = file.tracing().probes();
  for (usize i = 0; i < probes.count(); ++i)
    probes.set_enabled(instance_of(file), probes.at(i), on);
}

// ---- set_event / available_events ----

Status set_event_open(OpenFile& file) {
  if (!file.truncate()) return {};
  trace::set_events_enabled(instance_of(file), -1, false);
  set_probes_enabled(file, false);
  return {};
}
Result<bool> set_event_show(OpenFile& file, String& out) {
  TRY(trace::show_enabled_events(instance_of(file), out));
  auto& probes = file.tracing().probes();
  for (usize i = 0; i < probes.count(); ++i) {
    if (!probes.is_first_point(probes.at(i))) continue;
    const auto& event = probes.at(i).event();
    if (instance_of(file).event_enabled(event.id))
      TRY(append_event_name(out, event.system, event.name));
  }
  return false;
}
Result<usize> set_event_write(OpenFile& file, StringView data) {
  return write_one_word(data, [&](StringView word) {
    Status catalog = trace::apply_set_event_word(instance_of(file), word);
    bool probes = apply_probe_word(file, word);
    return catalog.ok() || probes ? Status() : Status(Errno::kInval);
  });
}

Result<bool> available_events_show(OpenFile& file, String& out) {
  for (const auto& event : trace::all_events()) {
    if (!EventSystems::enableable(event)) continue;
    TRY(append_event_name(out, event.system, event.name));
  }
  auto& probes = file.tracing().probes();
  for (usize i = 0; i < probes.count(); ++i)
    if (probes.is_first_point(probes.at(i)))
      TRY(append_event_name(out, probes.at(i).event().system, probes.at(i).event().name));
  return false;
}

// ---- enable: events/enable, events/<system>/enable, events/<system>/<event>/enable ----

Result<bool> enable_show(OpenFile& file, String& out) {
  char state;
  if (file.context().sub >= 0) {
    // Linux's soft mode: a function probe that switches the event, a trigger on the event or
    // one that switches it, shows as "0*" or "1*".
    u16 id = definition_of(file).id;
    TRY(out.append(instance_of(file).event_enabled(id) ? '1' : '0'));
    if (instance_of(file).event_soft_mode(id)) TRY(out.append('*'));
    return shown(out.append('\n'));
  } else
    state = trace::events_enable_state(instance_of(file), file.context().index);
  // events/enable covers the dynamic events too.
  auto& probes = file.tracing().probes();
  for (usize i = 0; file.context().index < 0 && i < probes.count(); ++i) {
    char probe_state = instance_of(file).event_enabled(probes.at(i).id()) ? '1' : '0';
    if (probe_state != state) state = 'X';
  }
  TRY(out.append(state));
  return shown(out.append('\n'));
}

// Only 0 and 1: "X" reads back, but cannot be written.
Result<usize> enable_write(OpenFile& file, StringView data) {
  u64 value = TRY(parse_unsigned(data));
  if (value > 1) return Errno::kInval;
  if (file.context().sub >= 0)
    instance_of(file).set_event_enabled(definition_of(file).id, value == 1);
  else
    trace::set_events_enabled(instance_of(file), file.context().index, value == 1);
  if (file.context().sub < 0 && file.context().index < 0) set_probes_enabled(file, value == 1);
  return data.size();
}

// ---- filters ----

Result<bool> event_filter_show(OpenFile& file, String& out) {
  return shown(instance_of(file).events().show_filter(event_of(file), out));
}
Result<usize> event_filter_write(OpenFile& file, StringView data) {
  auto& instance = instance_of(file);
  TRY(instance.events().write_filter(event_of(file), data, instance.error_log(), instance.now()));
  return data.size();
}

// ---- trigger: traceon, traceoff, snapshot, stacktrace, enable_event, disable_event, hist ----

// `echo ... > trigger` first removes the event's hist triggers, as Linux's open does.
Status event_trigger_open(OpenFile& file) {
  if (!file.truncate()) return {};
  auto& instance = instance_of(file);
  return instance.triggers().remove_hists(instance, definition_of(file));
}
Result<bool> event_trigger_show(OpenFile& file, String& out) {
  return shown(instance_of(file).triggers().show(definition_of(file), out));
}
// One write is one trigger command, whole (Linux trims it); a page or more is EINVAL.
Result<usize> event_trigger_write(OpenFile& file, StringView data) {
  constexpr usize kPageSize = 4096;
  if (data.size() >= kPageSize) return Errno::kInval;
  auto& instance = instance_of(file);
  TRY(instance.triggers().write(instance, definition_of(file), data, instance.error_log(),
                                instance.now()));
  return data.size();
}

// ---- hist: the tables of the event's hist triggers ----

Result<bool> event_hist_show(OpenFile& file, String& out) {
  return shown(instance_of(file).triggers().show_hist(definition_of(file), out));
}

// ---- events/header_page, events/header_event: how to read trace_pipe_raw ----

// The data field's size follows the instance's buffer_subbuf_size_kb, as Linux's.
Result<bool> header_page_show(OpenFile& file, String& out) {
  TextWriter writer(out);
  trace::print_header_page(writer, instance_of(file).buffer().page_size());
  return shown(writer.ok() ? Status() : Status(Errno::kNoMem));
}
Result<bool> header_event_show(OpenFile&, String& out) {
  TextWriter writer(out);
  trace::print_header_event(writer);
  return shown(writer.ok() ? Status() : Status(Errno::kNoMem));
}

Result<bool> system_filter_show(OpenFile&, String& out) {
  return shown(out.append(kSystemFilterHelp));
}
Result<usize> system_filter_write(OpenFile& file, StringView data) {
  auto& events = instance_of(file).events();
  TRY(events.write_system_filter(static_cast<usize>(file.context().index), data));
  return data.size();
}

// ---- format / id ----

Result<bool> format_show(OpenFile& file, String& out) {
  TextWriter writer(out);
  trace::print_event_format(definition_of(file), writer);
  return shown(writer.ok() ? Status() : Status(Errno::kNoMem));
}
Result<bool> id_show(OpenFile& file, String& out) {
  TextWriter writer(out);
  writer.dec(definition_of(file).id).put('\n');
  return shown(writer.ok() ? Status() : Status(Errno::kNoMem));
}

}  // namespace

const FileOps kSetEventOps = {
    .open = set_event_open, .show = set_event_show, .write = set_event_write};
const FileOps kAvailableEventsOps = {.show = available_events_show};
const FileOps kEventsEnableOps = {.show = enable_show, .write = enable_write};
const FileOps kHeaderPageOps = {.show = header_page_show};
const FileOps kHeaderEventOps = {.show = header_event_show};
const FileOps kEventFilterOps = {.show = event_filter_show, .write = event_filter_write};
const FileOps kSystemFilterOps = {.show = system_filter_show, .write = system_filter_write};
const FileOps kEventFormatOps = {.show = format_show};
const FileOps kEventIdOps = {.show = id_show};
const FileOps kEventTriggerOps = {
    .open = event_trigger_open, .show = event_trigger_show, .write = event_trigger_write};
const FileOps kEventHistOps = {.show = event_hist_show};

}  // namespace tg::vfs
