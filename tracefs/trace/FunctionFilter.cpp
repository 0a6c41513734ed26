#include "trace/FunctionFilter.h"

#include "support/Memory.h"
#include "support/Parse.h"
#include "support/TextWriter.h"
#include "trace/EventCatalog.h"
#include "trace/Glob.h"

namespace tg::trace {

namespace {

using Command = FunctionFilter::Command;

struct ProbeCommand {
  StringView name;
  Command command;
  bool names_event;  // `:system:event` follows the name
};
constexpr ProbeCommand kProbeCommands[] = {
    {"traceon", Command::kTraceOn, false},           {"traceoff", Command::kTraceOff, false},
    {"stacktrace", Command::kStackTrace, false},     {"enable_event", Command::kEnableEvent, true},
    {"disable_event", Command::kDisableEvent, true},
};

const ProbeCommand* find_command(StringView name) {
  for (const auto& command : kProbeCommands)
    if (command.name == name) return &command;
  return nullptr;
}

const ProbeCommand& command_of(Command command) {
  for (const auto& entry : kProbeCommands)
    if (entry.command == command) return entry;
  return kProbeCommands[0];
}

// Splits `text` at its first ':' into `head` and what follows (empty, and `had` false, when
// there is none).
StringView split_colon(StringView& text, bool& had) {
  usize colon = text.find(':');
  had = colon != StringView::npos;
  StringView head = text.substr(0, colon);
  text = had ? text.substr(colon + 1) : StringView();
  return head;
}

bool selectable(const Symbol& symbol) {
  return !symbol.notrace;
}

// The ':' that starts a probe command; a C++ scope "::" belongs to the name.
usize command_colon(StringView word, usize from = 0) {
  for (usize i = from; i < word.size(); ++i) {
    if (word[i] != ':') continue;
    if (i + 1 < word.size() && word[i + 1] == ':') {
      ++i;
      continue;
    }
    return i;
  }
  return StringView::npos;
}

StringView empty_text(FunctionFilter::Flavor flavor) {
  bool positive = flavor == FunctionFilter::Flavor::kFilter ||
                  flavor == FunctionFilter::Flavor::kGraph ||
                  flavor == FunctionFilter::Flavor::kStack;
  return positive ? "#### all functions enabled ####\n" : "#### no functions disabled ####\n";
}

}  // namespace

isize symbol_index(u64 ip) {
  isize slot = symbol_slot(ip);
  if (slot < 0) return -1;
  const Symbol& symbol = platform().symbols[static_cast<usize>(slot)];
  bool inside = ip == symbol.address || ip - symbol.address < symbol.size;
  return inside ? slot : -1;
}

FunctionFilter::~FunctionFilter() {
  free_snapshot(live_.load(MemoryOrder::kRelaxed), nullptr);
}

// Frees `snapshot` and the counters that `keeping` (the snapshot replacing it) does not
// share.
void FunctionFilter::free_snapshot(Snapshot* snapshot, const Snapshot* keeping) {
  if (!snapshot) return;
  for (usize p = 0; p < snapshot->probe_count; ++p) {
    Counter* counter = snapshot->probes()[p].remaining;
    bool kept = false;
    for (usize q = 0; keeping && q < keeping->probe_count && !kept; ++q)
      kept = keeping->probes()[q].remaining == counter;
    if (!kept) destroy(counter);
  }
  deallocate(snapshot);
}

void FunctionFilter::Draft::set_bit(usize index, bool on) {
  bool was = (bits[index / 64] >> (index % 64)) & 1;
  if (was == on) return;
  bits[index / 64] ^= u64{1} << (index % 64);
  if (on)
    ++selected;
  else
    --selected;
}

Status FunctionFilter::make_draft(Draft& draft) const {
  usize words = (platform().symbols.size() + 63) / 64;
  TRY(draft.bits.reserve(words));
  const Snapshot* current = live();
  for (usize w = 0; w < words; ++w)
    TRY(draft.bits.append(current && w < current->words ? current->bits()[w] : 0));
  draft.selected = current ? current->selected : 0;
  if (!current) return {};
  TRY(draft.probes.reserve(current->probe_count));
  for (usize p = 0; p < current->probe_count; ++p) {
    const LiveProbe& probe = current->probes()[p];
    TRY(draft.probes.append(
        {probe.symbol, probe.command, probe.event, probe.counted, 0, probe.remaining}));
  }
  return {};
}

Status FunctionFilter::publish(const Draft& draft) {
  Snapshot* next = nullptr;
  if (draft.selected != 0 || !draft.probes.empty()) {
    usize bytes = sizeof(Snapshot) + draft.bits.size() * sizeof(u64) +
                  draft.probes.size() * sizeof(LiveProbe);
    void* memory = allocate(bytes);
    if (!memory) return Errno::kNoMem;
    next = new (memory) Snapshot{draft.selected, draft.bits.size(), 0};
    for (usize w = 0; w < draft.bits.size(); ++w) next->bits()[w] = draft.bits[w];
    for (usize p = 0; p < draft.probes.size(); ++p) {
      const Probe& probe = draft.probes[p];
      Counter* counter = probe.shared ? probe.shared : create<Counter>(probe.remaining);
      if (!counter) {
        free_snapshot(next, live());
        return Errno::kNoMem;
      }
      new (&next->probes()[p])
          LiveProbe{probe.symbol, probe.command, probe.event, probe.counted, counter};
      next->probe_count = p + 1;
    }
  }
  Snapshot* old = live_.exchange(next, MemoryOrder::kAcqRel);
  if (!old) return {};
  synchronize_writers();
  free_snapshot(old, next);
  return {};
}

bool FunctionFilter::has_probes() const {
  const Snapshot* current = live();
  return current && current->probe_count != 0;
}

bool FunctionFilter::lookup(const Snapshot* snapshot, u64 ip) {
  isize index = symbol_index(ip);
  return index >= 0 && snapshot->has_bit(static_cast<usize>(index));
}

Status FunctionFilter::clear_names() {
  modules_.clear();
  if (empty()) return {};
  Draft draft;
  TRY(make_draft(draft));
  for (auto& word : draft.bits) word = 0;
  draft.selected = 0;
  return publish(draft);
}

Status FunctionFilter::apply_word(StringView word) {
  bool remove = !word.empty() && word.front() == '!';
  if (remove) word = word.drop_front(1);
  Draft draft;
  TRY(make_draft(draft));
  usize colon = command_colon(word);
  if (colon == StringView::npos) {
    TRY(apply_names(draft, word, remove));
  } else {
    StringView glob = word.substr(0, colon);
    StringView rest = word.substr(colon + 1);
    if (rest.starts_with("mod:")) return apply_module(glob, rest.drop_front(4), remove);
    TRY(apply_probe(draft, glob, rest, remove));
  }
  return publish(draft);
}

Status FunctionFilter::apply_names(Draft& draft, StringView word, bool remove) {
  if (word.empty()) return Errno::kInval;
  Glob glob = Glob::parse(word);
  auto symbols = platform().symbols;
  bool matched = false;
  for (usize i = 0; i < symbols.size(); ++i) {
    if (!selectable(symbols[i]) || !glob.matches(symbols[i].name)) continue;
    matched = true;
    draft.set_bit(i, !remove);
  }
  return matched ? Status() : Status(Errno::kInval);
}

// `rest` is what follows the name: `command[:system:event][:count]`. As in Linux, a probe
// with a count and one without are different probes, and removal ignores the count's value,
// so the form the file lists ("!f:traceoff:count=0") removes the probe.
Status FunctionFilter::apply_probe(Draft& draft, StringView word, StringView rest, bool remove) {
  // Probes exist only on set_ftrace_filter, as in Linux.
  if (flavor_ != Flavor::kFilter && flavor_ != Flavor::kStack) return Errno::kInval;
  if (word.empty()) return Errno::kInval;
  bool had = false;
  const ProbeCommand* command = find_command(split_colon(rest, had));
  if (!command) return Errno::kInval;
  // stack_trace_filter belongs to no trace array: Linux's commands refuse it with ENODEV.
  if (flavor_ == Flavor::kStack) return Errno::kNoDev;
  u16 event = 0;
  if (command->names_event) {
    StringView system = split_colon(rest, had);
    if (!had) return Errno::kInval;
    StringView name = split_colon(rest, had);
    const EventDefinition* found = find_event(system, name);
    if (!found || found->ftrace_internal) return Errno::kInval;
    event = found->id;
  }
  bool counted = had;
  i64 remaining = -1;
  // An empty count: EINVAL for the event commands; the others take it as "-1" (unlimited,
  // but listed as a count), as Linux does.
  if (counted && !remove && rest.empty() && command->names_event) return Errno::kInval;
  if (counted && !remove && !rest.empty()) {
    u64 n = TRY(parse_unsigned(rest));
    remaining = static_cast<i64>(n > (kU64Max >> 1) ? (kU64Max >> 1) : n);
  }
  Glob glob = Glob::parse(word);
  auto symbols = platform().symbols;
  auto& probes = draft.probes;
  // Removal is EINVAL unless it removes a probe, as in Linux.
  bool matched = false;
  bool removed = false;
  for (usize i = 0; i < symbols.size(); ++i) {
    if (!selectable(symbols[i]) || !glob.matches(symbols[i].name)) continue;
    matched = true;
    usize found = probes.size();
    for (usize p = 0; p < probes.size(); ++p) {
      const Probe& probe = probes[p];
      if (probe.symbol == i && probe.command == command->command && probe.event == event &&
          probe.counted == counted)
        found = p;
    }
    if (remove) {
      if (found == probes.size()) continue;
      probes.remove(found);
      removed = true;
      if (command->names_event) notify_event_probe(event, false);
    } else if (found < probes.size()) {
      probes[found].remaining = remaining;  // a count written now starts afresh
      probes[found].shared = nullptr;
    } else {
      TRY(probes.append(
          {static_cast<u32>(i), command->command, event, counted, remaining, nullptr}));
      if (command->names_event) notify_event_probe(event, true);
    }
  }
  return matched && (removed || !remove) ? Status() : Status(Errno::kInval);
}

void FunctionFilter::notify_event_probe(u16 event, bool attached) {
  if (owner_.attach) owner_.attach(owner_.context, event, attached);
}

// No module is ever loaded here, so every `func:mod:module` is kept for later as Linux keeps
// one for a module not loaded yet; `!func:mod:module` drops the kept ones (`!*:mod:m` all of
// that module's) and is EINVAL when none is kept.
Status FunctionFilter::apply_module(StringView glob, StringView module, bool remove) {
  if (flavor_ == Flavor::kStack) return Errno::kNoDev;  // as the probes above
  if (flavor_ != Flavor::kFilter && flavor_ != Flavor::kNotrace) return Errno::kInval;
  if (module.empty() || glob.empty()) return Errno::kInval;
  if (!remove) {
    ModuleEntry entry;
    TRY(entry.function.append(glob));
    TRY(entry.module.append(module));
    return modules_.append(move(entry));
  }
  bool removed = false;
  for (usize i = modules_.size(); i-- > 0;) {
    const ModuleEntry& entry = modules_[i];
    if (!(StringView(entry.module) == module)) continue;
    if (!(glob == StringView("*")) && !(StringView(entry.function) == glob)) continue;
    modules_.remove(i);
    removed = true;
  }
  return removed ? Status() : Status(Errno::kInval);
}

bool FunctionFilter::has_probe_at(u64 ip) const {
  const Snapshot* current = live();
  if (!current || current->probe_count == 0) return false;
  isize index = symbol_index(ip);
  for (usize p = 0; p < current->probe_count; ++p)
    if (static_cast<isize>(current->probes()[p].symbol) == index) return true;
  return false;
}

bool FunctionFilter::take_count(Counter& remaining) {
  i64 left = remaining.load(MemoryOrder::kRelaxed);
  if (left < 0) return true;
  while (left > 0)
    if (remaining.compare_exchange(left, left - 1, MemoryOrder::kRelaxed)) return true;
  return false;
}

Status FunctionFilter::show(String& out) const {
  TextWriter writer(out);
  const Snapshot* current = live();
  // Linux prints the "all functions" line even when probes follow it.
  if (!current || current->selected == 0) writer.put(empty_text(flavor_));
  auto symbols = platform().symbols;
  for (usize i = 0; current && i < symbols.size(); ++i)
    if (current->has_bit(i)) writer.put(symbols[i].name).put('\n');
  // Then the kept module entries, newest first, and the probes, in Linux's order.
  for (usize m = modules_.size(); m-- > 0;)
    writer.put(modules_[m].function).put(":mod:").put(modules_[m].module).put('\n');
  for (usize p = 0; current && p < current->probe_count; ++p) {
    const LiveProbe& probe = current->probes()[p];
    i64 remaining = probe.remaining->load(MemoryOrder::kRelaxed);
    writer.put(symbols[probe.symbol].name).put(':').put(command_of(probe.command).name);
    if (command_of(probe.command).names_event) {
      const EventDefinition* event = find_event(probe.event);
      if (event) writer.put(':').put(event->system).put(':').put(event->name);
    }
    writer.put(':');
    if (!probe.counted)
      writer.put("unlimited");
    else
      writer.put("count=").sdec(remaining);
    writer.put('\n');
  }
  return writer.ok() ? Status() : Status(Errno::kNoMem);
}

}  // namespace tg::trace
