#include "trace/FunctionFilter.h"

#include "support/Memory.h"
#include "support/Parse.h"
#include "support/TextWriter.h"
#include "trace/Glob.h"

namespace tg::trace {

namespace {

struct ProbeCommand {
  StringView name;
  bool turn_on;
};
constexpr ProbeCommand kProbeCommands[] = {{"traceon", true}, {"traceoff", false}};

const ProbeCommand* find_command(StringView name) {
  for (const auto& command : kProbeCommands)
    if (command.name == name) return &command;
  return nullptr;
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
  bool positive =
      flavor == FunctionFilter::Flavor::kFilter || flavor == FunctionFilter::Flavor::kGraph;
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
    TRY(draft.probes.append({probe.symbol, probe.turn_on, 0, probe.remaining}));
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
      new (&next->probes()[p]) LiveProbe{probe.symbol, probe.turn_on, counter};
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
    usize second = rest.find(':');
    StringView command = rest.substr(0, second);
    StringView count = second == StringView::npos ? StringView() : rest.substr(second + 1);
    TRY(apply_probe(draft, glob, command, count, remove));
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

Status FunctionFilter::apply_probe(Draft& draft, StringView word, StringView command_name,
                                   StringView count, bool remove) {
  // Probes exist only on set_ftrace_filter, as in Linux.
  if (flavor_ != Flavor::kFilter) return Errno::kInval;
  const ProbeCommand* command = find_command(command_name);
  if (!command || word.empty()) return Errno::kInval;
  i64 remaining = -1;
  // Linux ignores what follows the command on removal, so the form the file lists
  // ("!f:traceoff:count=0") removes the probe as the bare one does.
  if (!count.empty() && !remove) {
    u64 n = TRY(parse_unsigned(count));
    remaining = static_cast<i64>(n > (kU64Max >> 1) ? (kU64Max >> 1) : n);
  }
  Glob glob = Glob::parse(word);
  auto symbols = platform().symbols;
  auto& probes = draft.probes;
  bool matched = false;
  for (usize i = 0; i < symbols.size(); ++i) {
    if (!selectable(symbols[i]) || !glob.matches(symbols[i].name)) continue;
    matched = true;
    usize found = probes.size();
    for (usize p = 0; p < probes.size(); ++p)
      if (probes[p].symbol == i && probes[p].turn_on == command->turn_on) found = p;
    if (remove) {
      if (found < probes.size()) probes.remove(found);
    } else if (found < probes.size()) {
      probes[found].remaining = remaining;  // a count written now starts afresh
      probes[found].shared = nullptr;
    } else {
      TRY(probes.append({static_cast<u32>(i), command->turn_on, remaining, nullptr}));
    }
  }
  return matched ? Status() : Status(Errno::kInval);
}

bool FunctionFilter::has_probe_at(u64 ip) const {
  const Snapshot* current = live();
  if (!current || current->probe_count == 0) return false;
  isize index = symbol_index(ip);
  for (usize p = 0; p < current->probe_count; ++p)
    if (static_cast<isize>(current->probes()[p].symbol) == index) return true;
  return false;
}

// Several CPUs may hit a counted probe at once: each takes one count or none.
bool FunctionFilter::probe_hit(u64 ip, bool& turn_on) {
  Snapshot* current = live_.load(MemoryOrder::kAcquire);
  if (!current || current->probe_count == 0) return false;
  isize index = symbol_index(ip);
  for (usize p = 0; p < current->probe_count; ++p) {
    LiveProbe& probe = current->probes()[p];
    if (static_cast<isize>(probe.symbol) != index) continue;
    i64 remaining = probe.remaining->load(MemoryOrder::kRelaxed);
    bool taken = remaining < 0;
    while (!taken && remaining > 0)
      taken = probe.remaining->compare_exchange(remaining, remaining - 1, MemoryOrder::kRelaxed);
    if (!taken) continue;
    turn_on = probe.turn_on;
    return true;
  }
  return false;
}

Status FunctionFilter::show(String& out) const {
  TextWriter writer(out);
  const Snapshot* current = live();
  // Linux prints the "all functions" line even when probes follow it.
  if (!current || current->selected == 0) writer.put(empty_text(flavor_));
  if (!current) return writer.ok() ? Status() : Status(Errno::kNoMem);
  auto symbols = platform().symbols;
  for (usize i = 0; i < symbols.size(); ++i)
    if (current->has_bit(i)) writer.put(symbols[i].name).put('\n');
  for (usize p = 0; p < current->probe_count; ++p) {
    const LiveProbe& probe = current->probes()[p];
    i64 remaining = probe.remaining->load(MemoryOrder::kRelaxed);
    writer.put(symbols[probe.symbol].name).put(':');
    writer.put(probe.turn_on ? "traceon" : "traceoff").put(':');
    if (remaining < 0)
      writer.put("unlimited");
    else
      writer.put("count=").dec(static_cast<u64>(remaining));
    writer.put('\n');
  }
  return writer.ok() ? Status() : Status(Errno::kNoMem);
}

}  // namespace tg::trace
