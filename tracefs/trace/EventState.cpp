#include "trace/EventState.h"

#include "Platform.h"
#include "trace/ErrorLog.h"
#include "trace/TraceInstance.h"

namespace tg::trace {

namespace {

constexpr StringView kFilterErrorWhere = "event filter parse error";

bool is_identifier_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

// "char prev_comm[16]" -> prev_comm; "__data_loc char[] name" -> name.
StringView field_name(StringView declaration) {
  usize end = declaration.find('[');
  usize last = declaration.size();
  // A trailing [N] belongs to the name ("comm[16]"); "char[] name" has it on the type.
  if (end != StringView::npos && declaration.find(']', end) == declaration.size() - 1) last = end;
  usize start = last;
  while (start > 0 && is_identifier_char(declaration[start - 1])) --start;
  return declaration.substr(start, last - start);
}

FilterField::Kind field_kind(StringView declaration) {
  if (declaration.starts_with("__data_loc")) return FilterField::Kind::kDynamicString;
  if (declaration.starts_with("char ") && declaration.contains('['))
    return FilterField::Kind::kCharArray;
  return FilterField::Kind::kInteger;
}

}  // namespace

// ---- EventSystems ----

usize EventSystems::count() {
  auto events = all_events();
  usize systems = 0;
  for (usize i = 0; i < events.size(); ++i)
    if (i == 0 || !(events[i].system == events[i - 1].system)) ++systems;
  return systems;
}

static usize system_start(usize system) {
  auto events = all_events();
  usize seen = 0;
  for (usize i = 0; i < events.size(); ++i) {
    if (i > 0 && events[i].system == events[i - 1].system) continue;
    if (seen++ == system) return i;
  }
  return events.size();
}

StringView EventSystems::name(usize system) {
  usize start = system_start(system);
  return start < all_events().size() ? all_events()[start].system : StringView();
}

usize EventSystems::event_count(usize system) {
  auto events = all_events();
  usize start = system_start(system);
  usize end = start;
  while (end < events.size() && events[end].system == events[start].system) ++end;
  return end - start;
}

usize EventSystems::event_index(usize system, usize event) {
  return system_start(system) + event;
}

// ---- filters ----

Status filter_fields_of(const EventDefinition& event, Vector<FilterField>& out) {
  out.clear();
  for (const auto& field : event.fields) {
    StringView declaration = field.declaration;
    TRY(out.append({field_name(declaration), field.offset, field.size, field.is_signed,
                    field_kind(declaration)}));
  }
  return {};
}

Result<OwnPtr<EventState>> EventState::create() {
  OwnPtr<EventState> state(tg::create<EventState>());
  if (!state) return Errno::kNoMem;
  TRY(state->ensure());
  return state;
}

Status EventState::ensure() {
  usize count = all_events().size();
  TRY(events_.reserve(count));
  while (events_.size() < count) TRY(events_.append(PerEvent{}));
  return {};
}

void EventState::replace(PerEvent& event, OwnPtr<EventFilter> filter) {
  if (event.filter) --active_filters_;
  if (filter) ++active_filters_;
  OwnPtr<EventFilter> old = move(event.filter);
  event.filter = move(filter);
  // An emitter may still be evaluating the old filter.
  if (old) synchronize_writers();
}

Status EventState::show_filter(usize event, String& out) const {
  if (event >= events_.size()) return Errno::kNoEnt;
  if (events_[event].shown.empty()) return out.append("none\n");
  TRY(out.append(events_[event].shown.view()));
  return out.append('\n');
}

Status EventState::write_filter(usize event, StringView text, ErrorLog& log, u64 now_ns) {
  if (event >= events_.size()) return Errno::kNoEnt;
  return write_filter_of(events_[event], all_events()[event], text, log, now_ns);
}

Status EventState::write_filter_of(PerEvent& state, const EventDefinition& event, StringView text,
                                   ErrorLog& log, u64 now_ns) {
  text = text.strip_newline();
  if (text.trim() == StringView("0") || text.trim().empty()) {
    replace(state, OwnPtr<EventFilter>());
    state.shown.clear();
    return {};
  }
  Vector<FilterField> fields;
  TRY(filter_fields_of(event, fields));
  FilterError error;
  auto parsed = EventFilter::parse(text, fields.span(), error);
  if (!parsed.ok()) {
    if (parsed.error() != Errno::kInval) return parsed.error();
    // Linux swaps in the failed filter: the event runs unfiltered and shows the error.
    replace(state, OwnPtr<EventFilter>());
    String& shown = state.shown;
    shown.clear();
    TRY(shown.append(text));
    TRY(shown.append('\n'));
    for (usize i = 0; i < error.caret; ++i) TRY(shown.append(' '));
    TRY(shown.append("^\nparse_error: "));
    TRY(shown.append(error.message));
    TRY(shown.append('\n'));
    log.add(now_ns, kFilterErrorWhere, error.message, text, error.caret);
    return Errno::kInval;
  }
  String shown = TRY(String::from(text));
  replace(state, parsed.release_value());
  state.shown = move(shown);
  return {};
}

const EventState::PerEvent* EventState::dynamic_state(u16 id) const {
  if (id < kFirstDynamicId || id >= kFirstDynamicId + kDynamicEventCount) return nullptr;
  return &dynamic_[id - kFirstDynamicId];
}

Status EventState::show_dynamic_filter(u16 id, String& out) const {
  const PerEvent* state = dynamic_state(id);
  if (!state || state->shown.empty()) return out.append("none\n");
  TRY(out.append(state->shown.view()));
  return out.append('\n');
}

Status EventState::write_dynamic_filter(const EventDefinition& event, StringView text,
                                        ErrorLog& log, u64 now_ns) {
  PerEvent* state = const_cast<PerEvent*>(dynamic_state(event.id));
  if (!state) return Errno::kNoEnt;
  return write_filter_of(*state, event, text, log, now_ns);
}

void EventState::forget_dynamic(u16 id) {
  PerEvent* state = const_cast<PerEvent*>(dynamic_state(id));
  if (!state) return;
  replace(*state, OwnPtr<EventFilter>());
  state->shown.clear();
}

Status EventState::apply_system_filter(PerEvent& state, const EventDefinition& event,
                                       StringView text, Vector<FilterField>& fields) {
  if (text.trim() == StringView("0") || text.trim().empty()) {
    replace(state, OwnPtr<EventFilter>());
    state.shown.clear();
    return {};
  }
  TRY(filter_fields_of(event, fields));
  FilterError error;
  auto parsed = EventFilter::parse(text, fields.span(), error);
  if (!parsed.ok()) {
    if (parsed.error() == Errno::kInval && error.message == StringView("Field not found"))
      return {};
    return parsed.error();
  }
  String shown = TRY(String::from(text));
  replace(state, parsed.release_value());
  state.shown = move(shown);
  return {};
}

Status EventState::write_system_filter(usize system, StringView text) {
  text = text.strip_newline();
  usize first = EventSystems::event_index(system, 0);
  usize count = EventSystems::event_count(system);
  Vector<FilterField> fields;
  for (usize i = first; i < first + count; ++i) {
    const EventDefinition& event = all_events()[i];
    if (EventSystems::enableable(event)) TRY(apply_system_filter(events_[i], event, text, fields));
  }
  return {};
}

Status EventState::write_dynamic_group_filter(const EventDefinition& event, StringView text) {
  PerEvent* state = const_cast<PerEvent*>(dynamic_state(event.id));
  if (!state) return Errno::kNoEnt;
  Vector<FilterField> fields;
  return apply_system_filter(*state, event, text.strip_newline(), fields);
}

bool EventState::matches(usize event, const u8* payload, usize size) const {
  if (event >= events_.size() || !events_[event].filter) return true;
  return events_[event].filter->matches(payload, size);
}

bool EventState::matches_id(u16 id, const u8* payload, usize size) const {
  if (active_filters_ == 0) return true;
  auto events = all_events();
  for (usize i = 0; i < events.size(); ++i)
    if (events[i].id == id) return matches(i, payload, size);
  const PerEvent* state = dynamic_state(id);
  return !state || !state->filter || state->filter->matches(payload, size);
}

// ---- enable state and set_event ----

char events_enable_state(const TraceInstance& instance, isize system) {
  bool any_on = false;
  bool any_off = false;
  auto events = all_events();
  for (const auto& event : events) {
    if (!EventSystems::enableable(event)) continue;
    if (system >= 0 && !(event.system == EventSystems::name(static_cast<usize>(system)))) continue;
    if (instance.event_enabled(event.id))
      any_on = true;
    else
      any_off = true;
  }
  if (any_on && any_off) return 'X';
  return any_on ? '1' : '0';
}

void set_events_enabled(TraceInstance& instance, isize system, bool on) {
  for (const auto& event : all_events()) {
    if (!EventSystems::enableable(event)) continue;
    if (system >= 0 && !(event.system == EventSystems::name(static_cast<usize>(system)))) continue;
    instance.set_event_enabled(event.id, on);
  }
}

SetEventWord SetEventWord::parse(StringView word) {
  SetEventWord parsed;
  if (!word.empty() && word.front() == '!') {
    parsed.enable = false;
    word = word.drop_front(1);
  }
  auto any_if_star = [](StringView part) { return part == StringView("*") ? StringView() : part; };
  usize colon = word.find(':');
  if (colon == StringView::npos) {
    parsed.either = any_if_star(word);
  } else {
    parsed.system = any_if_star(word.substr(0, colon));
    parsed.name = any_if_star(word.substr(colon + 1));
  }
  return parsed;
}

Status apply_set_event_word(TraceInstance& instance, StringView word) {
  SetEventWord parsed = SetEventWord::parse(word);
  bool matched = false;
  for (const auto& event : all_events()) {
    if (!EventSystems::enableable(event) || !parsed.matches(event.system, event.name)) continue;
    instance.set_event_enabled(event.id, parsed.enable);
    matched = true;
  }
  return matched ? Status() : Status(Errno::kInval);
}

Status show_enabled_events(const TraceInstance& instance, String& out) {
  for (const auto& event : all_events()) {
    if (!EventSystems::enableable(event) || !instance.event_enabled(event.id)) continue;
    TRY(out.append(event.system));
    TRY(out.append(':'));
    TRY(out.append(event.name));
    TRY(out.append('\n'));
  }
  return {};
}

}  // namespace tg::trace
