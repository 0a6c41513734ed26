#include "trace/FunctionFilter.h"

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
  auto symbols = platform().symbols;
  usize low = 0;
  usize high = symbols.size();
  while (low < high) {
    usize mid = low + (high - low) / 2;
    if (symbols[mid].address <= ip)
      low = mid + 1;
    else
      high = mid;
  }
  if (low == 0) return -1;
  const Symbol& symbol = symbols[low - 1];
  bool inside = ip == symbol.address || ip - symbol.address < symbol.size;
  return inside ? static_cast<isize>(low - 1) : -1;
}

Status FunctionFilter::ensure_bits() {
  usize words = (platform().symbols.size() + 63) / 64;
  if (bits_.size() >= words) return {};
  TRY(bits_.reserve(words));
  while (bits_.size() < words) TRY(bits_.append(0));
  return {};
}

bool FunctionFilter::contains_symbol(usize index) const {
  if (index / 64 >= bits_.size()) return false;
  return (bits_[index / 64] >> (index % 64)) & 1;
}

void FunctionFilter::set_bit(usize index, bool on) {
  if (contains_symbol(index) == on) return;
  bits_[index / 64] ^= u64{1} << (index % 64);
  if (on)
    ++selected_;
  else
    --selected_;
}

bool FunctionFilter::contains_address(u64 ip) const {
  if (selected_ == 0) return false;
  isize index = symbol_index(ip);
  return index >= 0 && contains_symbol(static_cast<usize>(index));
}

void FunctionFilter::clear_names() {
  for (auto& word : bits_) word = 0;
  selected_ = 0;
}

Status FunctionFilter::apply_word(StringView word) {
  bool remove = !word.empty() && word.front() == '!';
  if (remove) word = word.drop_front(1);
  usize colon = command_colon(word);
  if (colon == StringView::npos) return apply_names(word, remove);
  StringView glob = word.substr(0, colon);
  StringView rest = word.substr(colon + 1);
  usize second = rest.find(':');
  StringView command = rest.substr(0, second);
  StringView count = second == StringView::npos ? StringView() : rest.substr(second + 1);
  return apply_probe(glob, command, count, remove);
}

Status FunctionFilter::apply_names(StringView word, bool remove) {
  if (word.empty()) return Errno::kInval;
  TRY(ensure_bits());
  Glob glob = Glob::parse(word);
  auto symbols = platform().symbols;
  bool matched = false;
  for (usize i = 0; i < symbols.size(); ++i) {
    if (!selectable(symbols[i]) || !glob.matches(symbols[i].name)) continue;
    matched = true;
    set_bit(i, !remove);
  }
  return matched ? Status() : Status(Errno::kInval);
}

Status FunctionFilter::apply_probe(StringView word, StringView command_name, StringView count,
                                   bool remove) {
  // Probes exist only on set_ftrace_filter, as in Linux.
  if (flavor_ != Flavor::kFilter) return Errno::kInval;
  const ProbeCommand* command = find_command(command_name);
  if (!command || word.empty()) return Errno::kInval;
  i64 remaining = -1;
  if (!count.empty()) {
    u64 n = TRY(parse_unsigned(count));
    remaining = static_cast<i64>(n > (kU64Max >> 1) ? (kU64Max >> 1) : n);
  }
  Glob glob = Glob::parse(word);
  auto symbols = platform().symbols;
  bool matched = false;
  for (usize i = 0; i < symbols.size(); ++i) {
    if (!selectable(symbols[i]) || !glob.matches(symbols[i].name)) continue;
    matched = true;
    usize found = probes_.size();
    for (usize p = 0; p < probes_.size(); ++p)
      if (probes_[p].symbol == i && probes_[p].turn_on == command->turn_on) found = p;
    if (remove) {
      if (found < probes_.size()) probes_.remove(found);
    } else if (found < probes_.size()) {
      probes_[found].remaining = remaining;
    } else {
      TRY(probes_.append({static_cast<u32>(i), command->turn_on, remaining}));
    }
  }
  return matched ? Status() : Status(Errno::kInval);
}

bool FunctionFilter::has_probe_at(u64 ip) const {
  if (probes_.empty()) return false;
  isize index = symbol_index(ip);
  for (const auto& probe : probes_)
    if (static_cast<isize>(probe.symbol) == index) return true;
  return false;
}

bool FunctionFilter::probe_hit(u64 ip, bool& turn_on) {
  isize index = symbol_index(ip);
  for (auto& probe : probes_) {
    if (static_cast<isize>(probe.symbol) != index || probe.remaining == 0) continue;
    if (probe.remaining > 0) --probe.remaining;
    turn_on = probe.turn_on;
    return true;
  }
  return false;
}

Status FunctionFilter::show(String& out) const {
  TextWriter writer(out);
  // Linux prints the "all functions" line even when probes follow it.
  if (selected_ == 0) writer.put(empty_text(flavor_));
  auto symbols = platform().symbols;
  for (usize i = 0; i < symbols.size(); ++i)
    if (contains_symbol(i)) writer.put(symbols[i].name).put('\n');
  for (const auto& probe : probes_) {
    writer.put(symbols[probe.symbol].name).put(':');
    writer.put(probe.turn_on ? "traceon" : "traceoff").put(':');
    if (probe.remaining < 0)
      writer.put("unlimited");
    else
      writer.put("count=").dec(static_cast<u64>(probe.remaining));
    writer.put('\n');
  }
  return writer.ok() ? Status() : Status(Errno::kNoMem);
}

}  // namespace tg::trace
