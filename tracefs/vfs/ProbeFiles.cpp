// kprobe_events, dynamic_events, synthetic_events, kprobe_profile, and the files of each probe's
// event under events/<group>/<event>/.
#include "support/TextWriter.h"
#include "vfs/TracingFiles.h"

namespace tg::vfs {

namespace {

using trace::ProbeEvent;
using trace::ProbeSyntax;

// `>` removes every definition the file lists first (EBUSY while one is enabled).
template <ProbeSyntax kSyntax>
Status definitions_open(OpenFile& file) {
  if (!file.truncate()) return {};
  return file.tracing().probes().clear(file.tracing(), kSyntax);
}
template <ProbeSyntax kSyntax>
Result<bool> definitions_show(OpenFile& file, String& out) {
  return shown(file.tracing().probes().show(kSyntax, out));
}
// Errors go to the top error_log, as Linux's tracing_log_err(NULL, ...).
template <ProbeSyntax kSyntax>
Result<usize> definitions_write(OpenFile& file, StringView data) {
  trace::Tracing& tracing = file.tracing();
  return tracing.probes().write(tracing, data, kSyntax, tracing.top().error_log(),
                                tracing.top().now());
}

Result<bool> profile_show(OpenFile& file, String& out) {
  return shown(file.tracing().probes().show_profile(out));
}

// ---- events/<group>/<event>/: context.sub is the event id ----

ProbeEvent* probe_of(const OpenFile& file) {
  return file.tracing().probes().find(static_cast<u16>(file.context().sub));
}

Result<bool> probe_enable_show(OpenFile& file, String& out) {
  ProbeEvent* probe = probe_of(file);
  if (!probe) return Errno::kNoEnt;
  TRY(out.append(instance_of(file).event_enabled(probe->id()) ? '1' : '0'));
  return shown(out.append('\n'));
}
Result<usize> probe_enable_write(OpenFile& file, StringView data) {
  ProbeEvent* probe = probe_of(file);
  if (!probe) return Errno::kNoEnt;
  u64 value = TRY(parse_unsigned(data));
  if (value > 1) return Errno::kInval;
  file.tracing().probes().set_enabled(instance_of(file), *probe, value == 1);
  return data.size();
}

Result<bool> probe_filter_show(OpenFile& file, String& out) {
  ProbeEvent* probe = probe_of(file);
  if (!probe) return Errno::kNoEnt;
  return shown(instance_of(file).events().show_dynamic_filter(probe->id(), out));
}
Result<usize> probe_filter_write(OpenFile& file, StringView data) {
  ProbeEvent* probe = probe_of(file);
  if (!probe) return Errno::kNoEnt;
  auto& instance = instance_of(file);
  TRY(instance.events().write_dynamic_filter(probe->event(), data, instance.error_log(),
                                             instance.now()));
  return data.size();
}

Result<bool> probe_format_show(OpenFile& file, String& out) {
  ProbeEvent* probe = probe_of(file);
  if (!probe) return Errno::kNoEnt;
  TextWriter writer(out);
  trace::print_event_format(probe->event(), writer);
  return shown(writer.ok() ? Status() : Status(Errno::kNoMem));
}
Result<bool> probe_id_show(OpenFile& file, String& out) {
  ProbeEvent* probe = probe_of(file);
  if (!probe) return Errno::kNoEnt;
  TextWriter writer(out);
  writer.dec(probe->id()).put('\n');
  return shown(writer.ok() ? Status() : Status(Errno::kNoMem));
}

// trigger and hist: as a catalog event's, through the instance's triggers (Linux gives dynamic
// events the same trigger files).
Status probe_trigger_open(OpenFile& file) {
  ProbeEvent* probe = probe_of(file);
  if (!probe) return Errno::kNoEnt;
  if (!file.truncate()) return {};
  auto& instance = instance_of(file);
  return instance.triggers().remove_hists(instance, probe->event());
}
Result<bool> probe_trigger_show(OpenFile& file, String& out) {
  ProbeEvent* probe = probe_of(file);
  if (!probe) return Errno::kNoEnt;
  return shown(instance_of(file).triggers().show(probe->event(), out));
}
Result<usize> probe_trigger_write(OpenFile& file, StringView data) {
  constexpr usize kPageSize = 4096;
  ProbeEvent* probe = probe_of(file);
  if (!probe) return Errno::kNoEnt;
  if (data.size() >= kPageSize) return Errno::kInval;
  auto& instance = instance_of(file);
  TRY(instance.triggers().write(instance, probe->event(), data, instance.error_log(),
                                instance.now()));
  return data.size();
}
Result<bool> probe_hist_show(OpenFile& file, String& out) {
  ProbeEvent* probe = probe_of(file);
  if (!probe) return Errno::kNoEnt;
  return shown(instance_of(file).triggers().show_hist(probe->event(), out));
}

// events/<group>/enable: context.index is the group's position after the catalog's systems.
usize group_of(const OpenFile& file) {
  return static_cast<usize>(file.context().index) - trace::EventSystems::count();
}
Result<bool> group_enable_show(OpenFile& file, String& out) {
  auto& probes = file.tracing().probes();
  usize group = group_of(file);
  bool on = false;
  bool off = false;
  for (usize i = 0; i < probes.group_size(group); ++i) {
    if (instance_of(file).event_enabled(probes.group_member(group, i)->id()))
      on = true;
    else
      off = true;
  }
  TRY(out.append(on && off ? 'X' : (on ? '1' : '0')));
  return shown(out.append('\n'));
}
Result<usize> group_enable_write(OpenFile& file, StringView data) {
  u64 value = TRY(parse_unsigned(data));
  if (value > 1) return Errno::kInval;
  auto& probes = file.tracing().probes();
  usize group = group_of(file);
  for (usize i = 0; i < probes.group_size(group); ++i)
    probes.set_enabled(instance_of(file), *probes.group_member(group, i), value == 1);
  return data.size();
}

// events/<group>/filter: a system filter over the group's events.
Result<bool> group_filter_show(OpenFile&, String& out) {
  return shown(out.append(kSystemFilterHelp));
}
Result<usize> group_filter_write(OpenFile& file, StringView data) {
  auto& probes = file.tracing().probes();
  usize group = group_of(file);
  auto& events = instance_of(file).events();
  for (usize i = 0; i < probes.group_size(group); ++i)
    TRY(events.write_dynamic_group_filter(probes.group_member(group, i)->event(), data));
  return data.size();
}

}  // namespace

const FileOps kKprobeEventsOps = {.open = definitions_open<ProbeSyntax::kKprobeEvents>,
                                  .show = definitions_show<ProbeSyntax::kKprobeEvents>,
                                  .write = definitions_write<ProbeSyntax::kKprobeEvents>};
const FileOps kDynamicEventsOps = {.open = definitions_open<ProbeSyntax::kDynamicEvents>,
                                   .show = definitions_show<ProbeSyntax::kDynamicEvents>,
                                   .write = definitions_write<ProbeSyntax::kDynamicEvents>};
const FileOps kSyntheticEventsOps = {.open = definitions_open<ProbeSyntax::kSyntheticEvents>,
                                     .show = definitions_show<ProbeSyntax::kSyntheticEvents>,
                                     .write = definitions_write<ProbeSyntax::kSyntheticEvents>};
const FileOps kProbeProfileOps = {.show = profile_show};
const FileOps kProbeEnableOps = {.show = probe_enable_show, .write = probe_enable_write};
const FileOps kProbeFilterOps = {.show = probe_filter_show, .write = probe_filter_write};
const FileOps kProbeFormatOps = {.show = probe_format_show};
const FileOps kProbeIdOps = {.show = probe_id_show};
const FileOps kProbeTriggerOps = {
    .open = probe_trigger_open, .show = probe_trigger_show, .write = probe_trigger_write};
const FileOps kProbeHistOps = {.show = probe_hist_show};
const FileOps kProbeGroupEnableOps = {.show = group_enable_show, .write = group_enable_write};
const FileOps kProbeGroupFilterOps = {.show = group_filter_show, .write = group_filter_write};

}  // namespace tg::vfs
