#include "trace/EventTriggers.h"

#include "support/Parse.h"
#include "trace/ErrorLog.h"
#include "trace/EventState.h"
#include "trace/StackTrace.h"
#include "trace/TraceInstance.h"
#include "trace/Tracing.h"

namespace tg::trace {

namespace {

using enum TriggerCommand;

constexpr StringView kAvailable =
    "# Available triggers:\n"
    "# traceon traceoff snapshot stacktrace enable_event disable_event enable_hist "
    "disable_hist hist\n";
constexpr StringView kFilterErrorWhere = "event filter parse error";

struct CommandName {
  StringView name;
  TriggerCommand command;
};
constexpr CommandName kCommands[] = {
    {"traceon", kTraceOn},       {"traceoff", kTraceOff},        {"snapshot", kSnapshot},
    {"stacktrace", kStackTrace}, {"enable_event", kEnableEvent}, {"disable_event", kDisableEvent},
};

StringView name_of(TriggerCommand command) {
  for (const CommandName& row : kCommands)
    if (row.command == command) return row.name;
  return "";
}

// Linux keeps one trigger per kind: traceon and traceoff are one kind, and enable_event and
// disable_event one kind per target event.
u8 kind_of(TriggerCommand command) {
  switch (command) {
    case kTraceOn:
    case kTraceOff:
      return 0;
    case kSnapshot:
      return 1;
    case kStackTrace:
      return 2;
    case kEnableEvent:
    case kDisableEvent:
      return 3;
    case kHist:
      return 4;
  }
  return 0;
}

bool same_kind(const EventTrigger& a, TriggerCommand command, const EventDefinition* target) {
  return kind_of(a.command) == kind_of(command) && a.target == target;
}

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

// Splits at the first blank: "3 if x" -> "3", "if x".
void split_blank(StringView text, StringView& head, StringView& rest) {
  usize at = 0;
  while (at < text.size() && text[at] != ' ' && text[at] != '\t') ++at;
  head = text.substr(0, at);
  rest = at < text.size() ? text.substr(at + 1).trim_front() : StringView();
}

// Cuts `text` at the first ':' (Linux's strsep): returns the part before it.
StringView cut_colon(StringView& text, bool& had_colon) {
  usize at = text.find(':');
  had_colon = at != StringView::npos;
  StringView head = had_colon ? text.substr(0, at) : text;
  text = had_colon ? text.substr(at + 1) : StringView();
  return head;
}

struct Parsed {
  bool remove = false;
  TriggerCommand command = kTraceOn;
  const EventDefinition* target = nullptr;
  bool counted = false;
  StringView count;
  StringView filter;  // after "if"
  bool has_filter = false;
};

Status parse_count(StringView number, Parsed& parsed) {
  if (number.empty()) return Errno::kInval;
  parsed.counted = true;
  parsed.count = number;
  return {};
}

// "if FILTER": anything else after the command's arguments is EINVAL.
Status parse_filter_words(StringView words, Parsed& parsed) {
  if (words.empty()) return {};
  StringView keyword;
  StringView rest;
  split_blank(words, keyword, rest);
  if (!(keyword == StringView("if")) || rest.trim().empty()) return Errno::kInval;
  parsed.has_filter = true;
  parsed.filter = rest.trim();
  return {};
}

// The arguments after "enable_event:" / "disable_event:": SYS:EVENT[:N] [if FILTER].
Status parse_event_arguments(StringView arguments, Parsed& parsed) {
  if (arguments.empty()) return Errno::kInval;
  StringView param;
  StringView words;
  split_blank(arguments, param, words);
  bool more = false;
  StringView system = cut_colon(param, more);
  if (!more) return Errno::kInval;
  StringView name = cut_colon(param, more);
  parsed.target = find_event(system, name);
  if (!parsed.target || !EventSystems::enableable(*parsed.target)) return Errno::kInval;
  if (parsed.remove) return {};
  if (more) TRY(parse_count(cut_colon(param, more), parsed));
  return parse_filter_words(words, parsed);
}

// The arguments of the other commands: [N] [if FILTER]; a word that is no number is the
// start of a filter (so "traceoff:badparam" is a filter without "if": EINVAL).
Status parse_plain_arguments(StringView arguments, Parsed& parsed) {
  if (parsed.remove || arguments.empty()) return {};
  if (!is_digit(arguments[0])) return parse_filter_words(arguments, parsed);
  StringView param;
  StringView words;
  split_blank(arguments, param, words);
  bool more = false;
  TRY(parse_count(cut_colon(param, more), parsed));
  return parse_filter_words(words, parsed);
}

Result<Parsed> parse(StringView text) {
  Parsed parsed;
  text = text.trim();
  usize end = 0;
  while (end < text.size() && text[end] != ':' && text[end] != ' ' && text[end] != '\t') ++end;
  StringView command = text.substr(0, end);
  StringView arguments = end < text.size() ? text.substr(end + 1).trim_front() : StringView();
  if (command.starts_with("!")) {
    parsed.remove = true;
    command = command.drop_front(1);
  }
  const CommandName* found = nullptr;
  for (const CommandName& row : kCommands)
    if (row.name == command) found = &row;
  if (!found) return Errno::kInval;
  parsed.command = found->command;
  if (parsed.command == kEnableEvent || parsed.command == kDisableEvent)
    TRY(parse_event_arguments(arguments, parsed));
  else
    TRY(parse_plain_arguments(arguments, parsed));
  return parsed;
}

Result<OwnPtr<EventTrigger>> make_trigger(TriggerCommand command, const EventDefinition* target,
                                          i64 count, StringView filter_text,
                                          const EventDefinition& event, FilterError& error) {
  OwnPtr<EventTrigger> trigger(tg::create<EventTrigger>());
  if (!trigger) return Errno::kNoMem;
  trigger->command = command;
  trigger->target = target;
  trigger->count.store(count);
  if (filter_text.empty()) return trigger;
  Vector<FilterField> fields;
  TRY(filter_fields_of(event, fields));
  trigger->filter = TRY(EventFilter::parse(filter_text, fields.span(), error));
  trigger->filter_text = TRY(String::from(filter_text));
  return trigger;
}

Result<OwnPtr<EventTrigger>> copy_trigger(const EventTrigger& from, const EventDefinition& event) {
  FilterError ignored;
  auto copy = TRY(make_trigger(from.command, from.target, from.count.load(),
                               from.filter_text.view(), event, ignored));
  copy->hist = from.hist;
  copy->paused.store(from.paused.load());
  return copy;
}

// Counted triggers act while their count lasts; traceon/traceoff and the event switches count
// only when they change something, as in Linux.
bool take_count(const EventTrigger& trigger) {
  i64 left = trigger.count.load(MemoryOrder::kRelaxed);
  if (left == 0) return false;
  if (left > 0) trigger.count.fetch_sub(1);
  return true;
}

void act(TraceInstance& instance, const RecordContext& ctx, const EventTrigger& trigger) {
  switch (trigger.command) {
    case kTraceOn:
      if (instance.tracing_on() || !take_count(trigger)) return;
      instance.set_tracing_on(true);
      return;
    case kTraceOff:
      if (!instance.tracing_on() || !take_count(trigger)) return;
      instance.set_tracing_on(false);
      return;
    case kSnapshot:
      if (take_count(trigger)) instance.snapshot_from_recorder();
      return;
    case kStackTrace:
      if (take_count(trigger)) record_stack_trace_here(instance, ctx);
      return;
    case kEnableEvent:
    case kDisableEvent: {
      bool enable = trigger.command == kEnableEvent;
      if (instance.event_enabled(trigger.target->id) == enable || !take_count(trigger)) return;
      instance.set_event_enabled(trigger.target->id, enable);
      return;
    }
    case kHist:
      return;
  }
}

// A trigger keeps its own event, and an enable_event/disable_event trigger its target too,
// in Linux's soft mode (the instance's soft-mode references, shared with the function probes):
// the event is seen while it is not enabled, and its enable file shows a '*'.
void hold_soft_mode(TraceInstance& instance, const EventTrigger& trigger, u16 id, bool held) {
  instance.attach_event_probe(id, held);
  if (trigger.target) instance.attach_event_probe(trigger.target->id, held);
}

// The command word of a trigger write, as Linux cuts it at ':', ' ' or '\t'.
StringView hist_command(StringView text) {
  text = text.trim();
  usize end = 0;
  while (end < text.size() && text[end] != ':' && text[end] != ' ' && text[end] != '\t') ++end;
  return text.substr(0, end);
}

}  // namespace

Result<OwnPtr<EventTriggers>> EventTriggers::create() {
  OwnPtr<EventTriggers> triggers(tg::create<EventTriggers>());
  if (!triggers) return Errno::kNoMem;
  return triggers;
}

EventTriggers::~EventTriggers() {
  for (auto& list : lists_) destroy(list.load());
}

Status EventTriggers::show(const EventDefinition& event, String& out) const {
  const List* list = event.id < kMaxEvents ? lists_[event.id].load(MemoryOrder::kAcquire) : nullptr;
  if (!list) return out.append(kAvailable);
  for (usize i = list->triggers.size(); i-- > 0;) {
    const EventTrigger& trigger = *list->triggers[i];
    if (trigger.hist) {
      TRY(trigger.hist->print_listing(trigger.filter_text.view(), trigger.paused.load(), out));
      continue;
    }
    TRY(out.append(name_of(trigger.command)));
    if (trigger.target) {
      TRY(out.append(':'));
      TRY(out.append(trigger.target->system));
      TRY(out.append(':'));
      TRY(out.append(trigger.target->name));
    }
    i64 count = trigger.count.load();
    if (count < 0) {
      TRY(out.append(":unlimited"));
    } else {
      TRY(out.append(":count="));
      char digits[24];
      usize n = 0;
      u64 value = static_cast<u64>(count);
      do {
        digits[n++] = static_cast<char>('0' + value % 10);
        value /= 10;
      } while (value);
      while (n) TRY(out.append(digits[--n]));
    }
    if (!trigger.filter_text.empty()) {
      TRY(out.append(" if "));
      TRY(out.append(trigger.filter_text.view()));
    }
    TRY(out.append('\n'));
  }
  return {};
}

Status EventTriggers::write(TraceInstance& instance, const EventDefinition& event, StringView text,
                            ErrorLog& log, u64 now_ns) {
  if (event.id >= kMaxEvents) return Errno::kInval;
  StringView command = hist_command(text);
  if (command == StringView("hist") || command == StringView("!hist")) {
    StringView rest = text.trim().drop_front(command.size());
    if (!rest.empty()) rest = rest.drop_front(1).trim_front();
    return write_hist(instance, event, command[0] == '!', rest, log, now_ns);
  }
  Parsed parsed = TRY(parse(text));
  const List* current = lists_[event.id].load(MemoryOrder::kAcquire);
  OwnPtr<List> next(tg::create<List>());
  if (!next) return Errno::kNoMem;
  const EventTrigger* existing = nullptr;
  if (current) {
    for (const auto& trigger : current->triggers) {
      if (same_kind(*trigger, parsed.command, parsed.target)) {
        existing = trigger.get();
        if (parsed.remove) continue;
      }
      TRY(next->triggers.append(TRY(copy_trigger(*trigger, event))));
    }
  }
  if (parsed.remove) {
    // Removing what is not there is no error in Linux.
    if (!existing) return {};
    hold_soft_mode(instance, *existing, event.id, false);
    return publish(event.id, move(next));
  }
  if (existing) return Errno::kExist;
  i64 count = -1;
  if (parsed.counted) count = static_cast<i64>(TRY(parse_unsigned(parsed.count)));
  FilterError error;
  auto made = make_trigger(parsed.command, parsed.target, count,
                           parsed.has_filter ? parsed.filter : StringView(), event, error);
  if (!made.ok()) {
    if (made.error() == Errno::kInval && parsed.has_filter)
      log.add(now_ns, kFilterErrorWhere, error.message, parsed.filter, error.caret);
    return made.error();
  }
  // A snapshot trigger has its spare buffer from the start, as Linux allocates it on
  // registration: swapping from a recorder cannot allocate.
  if (parsed.command == kSnapshot) TRY(instance.allocate_snapshot());
  hold_soft_mode(instance, *made.value(), event.id, true);
  TRY(next->triggers.append(made.release_value()));
  return publish(event.id, move(next));
}

Status EventTriggers::publish(u16 id, OwnPtr<List> list) {
  List* fresh = list->triggers.empty() ? nullptr : list.leak();
  List* old = lists_[id].exchange(fresh, MemoryOrder::kAcqRel);
  synchronize_writers();
  destroy(old);
  return {};
}

void EventTriggers::fire(TraceInstance& instance, const RecordContext& ctx, u16 id,
                         const u8* payload, usize size) const {
  if (id >= kMaxEvents) return;
  const List* list = lists_[id].load(MemoryOrder::kAcquire);
  if (!list) return;
  for (const auto& trigger : list->triggers) {
    if (trigger->hist && trigger->paused.load(MemoryOrder::kRelaxed)) continue;
    if (trigger->filter && !trigger->filter->matches(payload, size)) continue;
    if (trigger->hist) {
      u64 now = trigger->hist->spec().timestamps ? instance.now() : 0;
      trigger->hist->record({payload, size, ctx.cpu, now, &instance, &ctx});
      continue;
    }
    act(instance, ctx, *trigger);
  }
}

Status EventTriggers::show_hist(const EventDefinition& event, String& out) const {
  const List* list = event.id < kMaxEvents ? lists_[event.id].load(MemoryOrder::kAcquire) : nullptr;
  if (!list) return {};
  bool first = true;
  for (usize i = list->triggers.size(); i-- > 0;) {
    const EventTrigger& trigger = *list->triggers[i];
    if (!trigger.hist) continue;
    if (!first) TRY(out.append("\n\n"));
    first = false;
    TRY(trigger.hist->print_histogram(trigger.filter_text.view(), trigger.paused.load(), out));
  }
  return {};
}

namespace {

// Linux's hist parser logs where the command went wrong: "hist:SYS:EVENT" names the event, the
// command is "hist:" and what followed, the caret sits under the first occurrence of the
// offending text.
struct HistLog {
  ErrorLog& log;
  u64 now_ns;
  const EventDefinition& event;
  StringView param_and_filter;

  void add(StringView message, StringView at) const {
    String where;
    String command;
    (void)where.append("hist:");
    (void)where.append(event.system);
    (void)where.append(':');
    (void)where.append(event.name);
    (void)command.append("hist:");
    (void)command.append(param_and_filter);
    usize caret = command.view().find(at);
    if (at.empty() || caret == StringView::npos) caret = 0;
    log.add(now_ns, where.view(), message, command.view(), caret);
  }
};

// A variable of one of the instance's hist triggers (Linux's find_any_var_ref, the first
// one found).
bool find_hist_var(const void* context, StringView name, HistVarSource& out) {
  const auto& hists = static_cast<const EventTriggers*>(context)->hist_tables();
  for (const auto& hist : hists) {
    const HistSpec& spec = hist->spec();
    for (usize i = 0; i < spec.vars.size(); ++i) {
      if (!(spec.vars[i].var_name == name)) continue;
      out.trigger = hist.get();
      out.index = static_cast<u32>(i);
      out.flags = spec.node_of(spec.vars[i]).flags;
      return true;
    }
  }
  return false;
}

ProbeEvent* find_synthetic_event(const void*, StringView name) {
  Tracing* all = tracing();
  ProbeEvent* event = all ? all->probes().find("synthetic", name) : nullptr;
  return event && event->is_synthetic() ? event : nullptr;
}

bool is_blank(char c) {
  return c == ' ' || c == '\t';
}

// Linux separates the hist attributes from "if FILTER" at the first "if" with a blank on each
// side; an "if" that starts the text or ends it is EINVAL.
Status split_hist_filter(StringView text, StringView& param, StringView& filter) {
  param = text;
  filter = StringView();
  usize at = 0;
  while ((at = text.find("if", at)) != StringView::npos) {
    if (at == 0) return Errno::kInval;
    if (!is_blank(text[at - 1])) {
      ++at;
      continue;
    }
    if (at + 3 >= text.size()) return Errno::kInval;
    if (!is_blank(text[at + 2])) {
      ++at;
      continue;
    }
    param = text.substr(0, at - 1).trim();
    filter = text.substr(at + 2).trim();
    return {};
  }
  return {};
}

}  // namespace

Status EventTriggers::write_hist(TraceInstance& instance, const EventDefinition& event, bool remove,
                                 StringView param_and_filter, ErrorLog& log, u64 now_ns) {
  HistLog errors{log, now_ns, event, param_and_filter};
  if (param_and_filter.empty()) return Errno::kInval;
  StringView param;
  StringView filter;
  TRY(split_hist_filter(param_and_filter, param, filter));
  HistError error;
  HistLookup lookup{this, find_hist_var, find_synthetic_event};
  auto parsed = parse_hist_spec(param, event, error, lookup);
  if (!parsed.ok()) {
    if (!error.message.empty()) errors.add(error.message, error.at.view());
    return parsed.error();
  }
  OwnPtr<HistSpec> spec = parsed.release_value();
  // The filter is compiled first, as Linux sets it before looking for a matching trigger.
  FilterError filter_error;
  OwnPtr<EventTrigger> made;
  {
    auto trigger = make_trigger(kHist, nullptr, -1, filter, event, filter_error);
    if (!trigger.ok()) {
      if (trigger.error() == Errno::kInval)
        log.add(now_ns, kFilterErrorWhere, filter_error.message, filter, filter_error.caret);
      return trigger.error();
    }
    made = trigger.release_value();
  }
  String signature;
  TRY(hist_signature(*spec, signature));
  // A trigger matches another of the same fields, sort keys, name and filter (Linux's
  // hist_trigger_match).
  const List* current = lists_[event.id].load(MemoryOrder::kAcquire);
  const EventTrigger* match = nullptr;
  if (current)
    for (const auto& trigger : current->triggers)
      if (trigger->hist && trigger->hist->signature() == signature.view() &&
          trigger->hist->spec().name == spec->name.view() &&
          trigger->filter_text.view() == made->filter_text.view())
        match = trigger.get();

  if (remove) {
    if (!match) return {};
    // Another hist reads its variables (Linux's check_var_refs).
    if (match->hist->var_readers && match->hist->users == 1) return Errno::kBusy;
    OwnPtr<List> next(tg::create<List>());
    if (!next) return Errno::kNoMem;
    for (const auto& trigger : current->triggers)
      if (trigger.get() != match) TRY(next->triggers.append(TRY(copy_trigger(*trigger, event))));
    HistTrigger* gone = match->hist;
    hold_soft_mode(instance, *match, event.id, false);
    TRY(publish(event.id, move(next)));
    release_hist(gone);
    return {};
  }
  if (match && (spec->pause || spec->cont || spec->clear)) {
    if (spec->pause)
      match->paused.store(true);
    else if (spec->cont)
      match->paused.store(false);
    else
      match->hist->clear();
    return {};
  }
  // name=NAME shares the table of the instance's other trigger of that name, which must
  // have the same fields.
  HistTrigger* named = nullptr;
  if (!spec->name.empty())
    for (const auto& hist : hists_)
      if (hist->spec().name == spec->name.view()) named = hist.get();
  if (named && !(named->signature() == signature.view())) {
    errors.add("Named hist trigger doesn't match existing named trigger (includes variables)",
               spec->name.view());
    return Errno::kInval;
  }
  if (match) {
    errors.add("Hist trigger already exists", StringView());
    return Errno::kExist;
  }
  if (spec->cont || spec->clear) {
    errors.add("Can't clear or continue a nonexistent hist trigger", StringView());
    return Errno::kNoEnt;
  }
  made->paused.store(spec->pause);
  // snapshot() swaps with the spare buffer, allocated now as a snapshot trigger's is.
  for (const HistAction& action : spec->actions)
    if (action.kind == HistActionKind::kSnapshot) TRY(instance.allocate_snapshot());
  if (named) {
    made->hist = named;
  } else {
    OwnPtr<HistTrigger> hist = TRY(HistTrigger::create(move(spec)));
    made->hist = hist.get();
    TRY(hists_.append(move(hist)));
  }
  ++made->hist->users;
  // Linux appends hist triggers at the tail of the event's list (the others go to its head):
  // the newest hist trigger is listed after the older ones.
  OwnPtr<List> next(tg::create<List>());
  if (!next) return Errno::kNoMem;
  hold_soft_mode(instance, *made, event.id, true);
  TRY(next->triggers.append(move(made)));
  if (current)
    for (const auto& trigger : current->triggers)
      TRY(next->triggers.append(TRY(copy_trigger(*trigger, event))));
  return publish(event.id, move(next));
}

Status EventTriggers::remove_hists(TraceInstance& instance, const EventDefinition& event) {
  if (event.id >= kMaxEvents) return Errno::kInval;
  const List* current = lists_[event.id].load(MemoryOrder::kAcquire);
  if (!current) return {};
  OwnPtr<List> next(tg::create<List>());
  if (!next) return Errno::kNoMem;
  Vector<HistTrigger*> gone;
  for (const auto& trigger : current->triggers) {
    // One whose variables another hist reads stays (Linux's hist_unreg_all stops there).
    if (trigger->hist && !(trigger->hist->var_readers && trigger->hist->users == 1)) {
      TRY(gone.append(trigger->hist));
      continue;
    }
    TRY(next->triggers.append(TRY(copy_trigger(*trigger, event))));
  }
  if (gone.empty()) return {};
  for (usize i = 0; i < gone.size(); ++i) instance.attach_event_probe(event.id, false);
  TRY(publish(event.id, move(next)));
  for (HistTrigger* hist : gone) release_hist(hist);
  return {};
}

// A table goes with the last trigger using it; the caller has unpublished that trigger.
void EventTriggers::release_hist(HistTrigger* hist) {
  if (--hist->users) return;
  hist->detach();
  for (usize i = 0; i < hists_.size(); ++i)
    if (hists_[i].get() == hist) {
      hists_.remove(i);
      return;
    }
}

}  // namespace tg::trace
