#pragma once
#include "support/Memory.h"
#include "support/Result.h"
#include "support/String.h"
#include "support/Vector.h"
#include "trace/EventCatalog.h"
#include "trace/EventFilter.h"

namespace tg::trace {

class TraceInstance;
class ErrorLog;

// The event catalog as events/ shows it: systems in catalog order, each with its events.
// Internal ftrace records (no enable file) are part of their system but never enabled.
struct EventSystems {
  static usize count();
  static StringView name(usize system);
  static usize event_count(usize system);
  // Index into all_events() of the system's index-th event.
  static usize event_index(usize system, usize event);
  static bool enableable(const EventDefinition& event) { return !event.ftrace_internal; }
};

// The events/ state of one instance beyond the enable bits the instance keeps: each event's
// filter and what its filter file shows.
class EventState {
 public:
  // The ids dynamic events (kprobes) take.
  static constexpr u16 kFirstDynamicId = 512;
  static constexpr u16 kDynamicEventCount = 256;

  static Result<OwnPtr<EventState>> create();
  EventState() = default;
  ~EventState() = default;

  // Per event, by index into all_events().
  // The filter file: "none", the filter text, or the last parse error.
  Status show_filter(usize event, String& out) const;
  // A filter write. "0" clears. A parse error -> EINVAL, logged to `log`, and (as Linux) the
  // event is left unfiltered with the error shown in its filter file.
  Status write_filter(usize event, StringView text, ErrorLog& log, u64 now_ns);
  // events/<system>/filter: applies to every event of the system that has the fields.
  Status write_system_filter(usize system, StringView text);
  // The same for a dynamic event (a kprobe), by id; its fields come with its definition.
  Status show_dynamic_filter(u16 id, String& out) const;
  Status write_dynamic_filter(const EventDefinition& event, StringView text, ErrorLog& log,
                              u64 now_ns);
  // events/<group>/filter of dynamic events: a system filter's rules for one of them.
  Status write_dynamic_group_filter(const EventDefinition& event, StringView text);
  // The event is gone (its id will be reused): drops its filter. The caller has waited for
  // synchronize_writers since the event was unpublished.
  void forget_dynamic(u16 id);
  // For emitters: whether a payload passes the event's filter (no filter: yes). Must run
  // where the platform's synchronize_writers waits for it (inside the record write).
  bool matches(usize event, const u8* payload, usize size) const;
  // The same by event id, for emitters that know only the id; free when no filter is set.
  bool matches_id(u16 id, const u8* payload, usize size) const;

 private:
  struct PerEvent {
    OwnPtr<EventFilter> filter;
    String shown;  // empty: "none"
  };
  Status ensure();
  void replace(PerEvent& event, OwnPtr<EventFilter> filter);
  Status write_filter_of(PerEvent& state, const EventDefinition& event, StringView text,
                         ErrorLog& log, u64 now_ns);
  const PerEvent* dynamic_state(u16 id) const;
  // A system (or group) filter on one event: "0" or nothing clears; a filter naming fields
  // the event lacks leaves the event as it was (Linux reports success regardless).
  Status apply_system_filter(PerEvent& state, const EventDefinition& event, StringView text,
                             Vector<FilterField>& fields);

  Vector<PerEvent> events_;
  // Dynamic events by id: a fixed array, so a recorder never reads storage being regrown.
  PerEvent dynamic_[kDynamicEventCount];
  usize active_filters_ = 0;
};

// The filter's view of an event's fields (names parsed out of the C declarations).
Status filter_fields_of(const EventDefinition& event, Vector<FilterField>& out);

// set_event / enable helpers over an instance's enable bits.
// 0, 1 or 'X' (mixed) over the enableable events of a system (or all when system < 0).
char events_enable_state(const TraceInstance& instance, isize system);
void set_events_enabled(TraceInstance& instance, isize system, bool on);
// One set_event word: sys:event, sys:, sys:*, *:event, :event, bare sys or event, `!` to
// disable. Nothing matches -> EINVAL.
// One set_event word, parsed as Linux reads it: "sys:event"; an empty or "*" part matches
// anything; a bare word names either a system or an event; a leading '!' disables. Globs
// inside names are not supported (so `*:x*` matches nothing).
struct SetEventWord {
  bool enable = true;
  StringView system;
  StringView name;
  StringView either;
  static SetEventWord parse(StringView word);
  bool matches(StringView event_system, StringView event_name) const {
    if (!either.empty() && !(either == event_name) && !(either == event_system)) return false;
    if (!system.empty() && !(system == event_system)) return false;
    return name.empty() || name == event_name;
  }
};

Status apply_set_event_word(TraceInstance& instance, StringView word);
// The set_event text: enabled events as "system:event", catalog order.
Status show_enabled_events(const TraceInstance& instance, String& out);

}  // namespace tg::trace
