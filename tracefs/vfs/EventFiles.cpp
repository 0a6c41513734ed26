// events/ and set_event: enable switches, filters, formats and ids of the event catalog.
#include "support/TextWriter.h"
#include "trace/RawPages.h"
#include "vfs/TracingFiles.h"

namespace tg::vfs {

namespace {

using trace::EventSystems;

// The global filter help Linux's events/<system>/filter shows.
constexpr StringView kSystemFilterHelp =
    "### global filter ###\n"
    "# Use this to set filters for multiple events.\n"
    "# Only events with the given fields will be affected.\n"
    "# If no events are modified, an error message will be displayed here\n";

// The all_events() index of the event a file of events/<system>/<event>/ belongs to.
usize event_of(const OpenFile& file) {
  return EventSystems::event_index(static_cast<usize>(file.context().index),
                                   static_cast<usize>(file.context().sub));
}
const trace::EventDefinition& definition_of(const OpenFile& file) {
  return trace::all_events()[event_of(file)];
}

// ---- set_event / available_events ----

Status set_event_open(OpenFile& file) {
  if (file.truncate()) trace::set_events_enabled(instance_of(file), -1, false);
  return {};
}
Result<bool> set_event_show(OpenFile& file, String& out) {
  return shown(trace::show_enabled_events(instance_of(file), out));
}
Result<usize> set_event_write(OpenFile& file, StringView data) {
  return write_one_word(
      data, [&](StringView word) { return trace::apply_set_event_word(instance_of(file), word); });
}

Result<bool> available_events_show(OpenFile&, String& out) {
  for (const auto& event : trace::all_events()) {
    if (!EventSystems::enableable(event)) continue;
    TRY(out.append(event.system));
    TRY(out.append(':'));
    TRY(out.append(event.name));
    TRY(out.append('\n'));
  }
  return false;
}

// ---- enable: events/enable, events/<system>/enable, events/<system>/<event>/enable ----

Result<bool> enable_show(OpenFile& file, String& out) {
  char state;
  if (file.context().sub >= 0)
    state = instance_of(file).event_enabled(definition_of(file).id) ? '1' : '0';
  else
    state = trace::events_enable_state(instance_of(file), file.context().index);
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

// ---- events/header_page, events/header_event: how to read trace_pipe_raw ----

Result<bool> header_page_show(OpenFile&, String& out) {
  TextWriter writer(out);
  trace::print_header_page(writer);
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

}  // namespace tg::vfs
