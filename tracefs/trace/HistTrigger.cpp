#include "trace/HistTrigger.h"

#include "trace/StackTrace.h"

#include "Platform.h"
#include "support/TextWriter.h"
#include "support/Vector.h"
#include "trace/CommCache.h"
#include "trace/ProbeEvents.h"
#include "trace/Symbols.h"
#include "trace/TraceInstance.h"

namespace tg::trace {

namespace {

using Kind = HistNode::Kind;

u64 load_integer(const u8* at, u16 size, bool is_signed) {
  switch (size) {
    case 1: {
      u8 v;
      memcpy(&v, at, 1);
      return is_signed ? static_cast<u64>(static_cast<i64>(static_cast<i8>(v))) : v;
    }
    case 2: {
      u16 v;
      memcpy(&v, at, 2);
      return is_signed ? static_cast<u64>(static_cast<i64>(static_cast<i16>(v))) : v;
    }
    case 4: {
      u32 v;
      memcpy(&v, at, 4);
      return is_signed ? static_cast<u64>(static_cast<i64>(static_cast<i32>(v))) : v;
    }
    default: {
      u64 v;
      memcpy(&v, at, 8);
      return v;
    }
  }
}

// ilog2(roundup_pow_of_two(value)), Linux's .log2 bucket.
u64 log2_bucket(u64 value) {
  u64 bits = 0;
  while (bits < 63 && (u64{1} << bits) < value) ++bits;
  return bits;
}

// 100 times the percentage of `value` in `total` (Linux's __get_percentage); ~0u: no total.
u32 percentage(u64 value, u64 total) {
  if (!total) return value ? ~0u : 0;
  if (value < ~u64{0} / 10000) return static_cast<u32>(value * 10000 / total);
  total /= 10000;
  if (!total) return value ? ~0u : 0;
  return static_cast<u32>(value / total);
}

struct ValueStats {
  u64 max = 0;
  u64 total = 0;
};

}  // namespace

Result<OwnPtr<HistTrigger>> HistTrigger::create(OwnPtr<HistSpec> spec) {
  OwnPtr<HistTrigger> trigger(tg::create<HistTrigger>());
  if (!trigger) return Errno::kNoMem;
  TRY(hist_signature(*spec, trigger->signature_));
  u32 key_size = spec->key_size ? spec->key_size : 8;
  // Per entry: the values' sums, then the variables and a mask of those set.
  u32 slots = static_cast<u32>(spec->vals.size() + spec->vars.size() + 1) + spec->action_slots;
  trigger->table_ = TRY(HistTable::create(spec->max_elements(), key_size, slots));
  for (const HistNode& node : spec->nodes)
    if ((node.flags & kHistExternal) && (node.flags & kHistReadOnce))
      trigger->consumed_ |= 1u << node.constant;
  for (const HistVarSource& source : spec->external) ++source.trigger->var_readers;
  for (const HistAction& action : spec->actions)
    if (action.synth) ++action.synth->references;
  trigger->spec_ = move(spec);
  return trigger;
}

void HistTrigger::detach() const {
  for (const HistVarSource& source : spec_->external) --source.trigger->var_readers;
  for (const HistAction& action : spec_->actions)
    if (action.synth) --action.synth->references;
}

bool HistTrigger::read_var(const u8* key, u32 index, bool consume, u64& value) const {
  Atomic<u64>* sums = table_->find(key);
  if (!sums) return false;
  u32 base = var_slot();
  u64 bit = u64{1} << index;
  Atomic<u64>& set = sums[base + spec_->vars.size()];
  if (!(set.load(MemoryOrder::kAcquire) & bit)) return false;
  value = sums[base + index].load(MemoryOrder::kRelaxed);
  if (consume) set.fetch_and(~bit, MemoryOrder::kAcqRel);
  return true;
}

u64 HistTrigger::read_field(const HistNode& node, const HistInputs& inputs) const {
  const FilterField& field = node.field;
  if (static_cast<usize>(field.offset) + field.size > inputs.size) return 0;
  return load_integer(inputs.payload + field.offset, field.size, field.is_signed);
}

u64 HistTrigger::evaluate(u32 index, const HistInputs& inputs, const u64* vars) const {
  const HistNode& node = spec_->nodes[index];
  u64 value = 0;
  switch (node.kind) {
    case Kind::kField:
      value = read_field(node, inputs);
      break;
    case Kind::kTimestamp:
      value = node.flags & kHistUsecs ? inputs.timestamp_ns / 1000 : inputs.timestamp_ns;
      break;
    case Kind::kCpu:
      value = inputs.cpu;
      break;
    case Kind::kHitcount:
      return 1;
    case Kind::kConst:
      return node.constant;
    case Kind::kVarRef:
      return vars[(node.flags & kHistExternal ? kHistMaxVars : 0) + node.constant];
    case Kind::kNegate:
      return 0 - evaluate(node.left, inputs, vars);
    case Kind::kBinary: {
      u64 a = evaluate(node.left, inputs, vars);
      u64 b = evaluate(node.right, inputs, vars);
      return apply_hist_operator(node.op, a, b);
    }
  }
  if (node.flags & kHistLog2) value = log2_bucket(value);
  if (node.flags & kHistBuckets) value = value / node.buckets * node.buckets;
  return value;
}

void HistTrigger::write_key(const HistField& key, const HistInputs& inputs, const u64* vars,
                            u8* out) const {
  const HistNode& node = spec_->node_of(key);
  if (node.flags & kHistStacktrace) {
    // Unused slots stay 0 (the key was cleared): the printer stops at the first.
    u64 chain[kHistStackDepth];
    usize count = capture_stack_here(chain, kHistStackDepth);
    memcpy(out + key.offset, chain, count * sizeof(u64));
    return;
  }
  if (!(node.flags & kHistString)) {
    u64 value = evaluate(key.node, inputs, vars);
    memcpy(out + key.offset, &value, sizeof value);
    return;
  }
  // Strings are kept NUL-terminated in their slot of the key: a char array up to its size, a
  // __data_loc string up to 255 bytes.
  StringView text = read_text(node.field, inputs);
  usize n = text.size() < key.size - 1u ? text.size() : key.size - 1u;
  memcpy(out + key.offset, text.data(), n);
}

// A string field's text, up to its NUL: a char array within its size, a __data_loc string
// where its location word points.
StringView HistTrigger::read_text(const FilterField& field, const HistInputs& inputs) const {
  const u8* text = nullptr;
  usize length = 0;
  if (field.kind == FilterField::Kind::kCharArray) {
    if (static_cast<usize>(field.offset) + field.size > inputs.size) return {};
    text = inputs.payload + field.offset;
    length = field.size;
  } else {
    if (static_cast<usize>(field.offset) + 4 > inputs.size) return {};
    u32 location = static_cast<u32>(load_integer(inputs.payload + field.offset, 4, false));
    usize start = location & 0xffff;
    length = location >> 16;
    if (start + length > inputs.size) return {};
    text = inputs.payload + start;
  }
  usize n = 0;
  while (n < length && text[n]) ++n;
  return StringView(reinterpret_cast<const char*>(text), n);
}

// The actions whose handler says so: onmatch() always, onmax() on a new maximum of its
// variable in this entry, onchange() on a new value. trace() generates the synthetic event
// (one value per parameter) in the trigger's instance; save() keeps the fields in the entry.
void HistTrigger::run_actions(const HistInputs& inputs, const u64* vars, Atomic<u64>* sums,
                              const u8* key) const {
  Atomic<u64>* kept = sums + action_slot();
  for (const HistAction& action : spec_->actions) {
    if (action.handler != HistHandler::kOnMatch) {
      u64 value = vars[action.track_var];
      u64 tracked = kept[action.track_slot].load(MemoryOrder::kRelaxed);
      bool act = action.handler == HistHandler::kOnMax ? value > tracked : value != tracked;
      if (!act) continue;
      kept[action.track_slot].store(value, MemoryOrder::kRelaxed);
    }
    if (action.kind == HistActionKind::kSnapshot) {
      u64 value = vars[action.track_var];
      u64 last = snapshot_value_.load(MemoryOrder::kRelaxed);
      bool take = action.handler == HistHandler::kOnMax ? value > last : value != last;
      if (!take || !inputs.instance) continue;
      snapshot_value_.store(value, MemoryOrder::kRelaxed);
      memcpy(snapshot_key_, key, spec_->key_size ? spec_->key_size : 8);
      snapshot_taken_.store(true, MemoryOrder::kRelease);
      inputs.instance->snapshot_from_recorder();
      continue;
    }
    if (action.kind == HistActionKind::kSave) {
      for (usize i = 0; i < action.params.size(); ++i) {
        const HistNode& node = spec_->nodes[action.params[i]];
        Atomic<u64>* slot = kept + action.save_slots[i];
        if (!(node.flags & kHistString)) {
          slot->store(evaluate(action.params[i], inputs, vars), MemoryOrder::kRelaxed);
          continue;
        }
        // A string in its slots, NUL-padded, eight bytes a slot.
        StringView text = read_text(node.field, inputs);
        for (u32 word = 0; word < kHistSavedStringSlots; ++word) {
          u64 bytes = 0;
          usize at = word * 8u;
          if (at < text.size() && at < kHistStringMax - 1u) {
            usize n = text.size() - at < 8 ? text.size() - at : 8;
            if (at + n > kHistStringMax - 1u) n = kHistStringMax - 1u - at;
            memcpy(&bytes, text.data() + at, n);
          }
          slot[word].store(bytes, MemoryOrder::kRelaxed);
        }
      }
      continue;
    }
    if (!inputs.instance || !inputs.ctx) continue;
    SynthValue values[kHistMaxParams];
    for (usize i = 0; i < action.params.size(); ++i) {
      const HistNode& node = spec_->nodes[action.params[i]];
      if (node.flags & kHistString)
        values[i].text = read_text(node.field, inputs);
      else
        values[i].number = evaluate(action.params[i], inputs, vars);
    }
    action.synth->fire_synthetic(*inputs.instance, *inputs.ctx, values);
  }
}

void HistTrigger::clear() {
  clearing_.store(true);
  synchronize_writers();
  table_->clear();
  clearing_.store(false);
}

void HistTrigger::record(const HistInputs& inputs) const {
  if (clearing_.load(MemoryOrder::kAcquire)) return;
  // Own variables, then other hists' (after them in the array).
  u64 vars[kHistMaxVars + kHistMaxExternal];
  u8 key[kHistKeySizeMax + 8];
  u32 key_size = spec_->key_size ? spec_->key_size : 8;
  memset(key, 0, key_size);
  // Keys use no variables, so the key comes first: other hists' variables are read at it.
  for (const HistField& field : spec_->keys) write_key(field, inputs, vars, key);
  // Linux's resolve_var_refs: a variable another hist has not set for this key means the
  // event does not count here at all.
  for (usize i = 0; i < spec_->external.size(); ++i) {
    const HistVarSource& source = spec_->external[i];
    if (source.trigger->table_->key_size() != key_size) return;
    bool consume = (consumed_ >> i) & 1;
    if (!source.trigger->read_var(key, source.index, consume, vars[kHistMaxVars + i])) return;
  }
  // Variables in the order they were defined, so a later one can use an earlier one.
  for (usize i = 0; i < spec_->vars.size(); ++i)
    vars[i] = evaluate(spec_->vars[i].node, inputs, vars);
  Atomic<u64>* sums = table_->find_or_insert(key);
  if (!sums) return;
  sums[0].fetch_add(1, MemoryOrder::kRelaxed);
  for (usize i = 1; i < spec_->vals.size(); ++i)
    sums[i].fetch_add(evaluate(spec_->vals[i].node, inputs, vars), MemoryOrder::kRelaxed);
  if (!spec_->vars.empty()) {
    u32 base = var_slot();
    for (usize i = 0; i < spec_->vars.size(); ++i)
      sums[base + i].store(vars[i], MemoryOrder::kRelaxed);
    u64 all = spec_->vars.size() >= 64 ? ~u64{0} : (u64{1} << spec_->vars.size()) - 1;
    sums[base + spec_->vars.size()].fetch_or(all, MemoryOrder::kAcqRel);
  }
  run_actions(inputs, vars, sums, key);
}

// Linux's sort: sums compare as unsigned, keys by their type (strings as strcmp).
int HistTrigger::compare(u32 a, u32 b) const {
  for (u32 i = 0; i < spec_->sort_count; ++i) {
    const HistSortKey& sort = spec_->sort[i];
    int result = 0;
    if (sort.index < spec_->vals.size()) {
      u64 x = table_->sum(a, sort.index);
      u64 y = table_->sum(b, sort.index);
      result = x < y ? -1 : x > y ? 1 : 0;
    } else {
      const HistField& key = spec_->keys[sort.index - spec_->vals.size()];
      const u8* x = table_->key(a) + key.offset;
      const u8* y = table_->key(b) + key.offset;
      if (spec_->node_of(key).flags & kHistString) {
        usize n = 0;
        while (n + 1 < key.size && x[n] && x[n] == y[n]) ++n;
        result = x[n] < y[n] ? -1 : x[n] > y[n] ? 1 : 0;
      } else {
        u64 u;
        u64 v;
        memcpy(&u, x, 8);
        memcpy(&v, y, 8);
        if (key.is_signed)
          result = static_cast<i64>(u) < static_cast<i64>(v)   ? -1
                   : static_cast<i64>(u) > static_cast<i64>(v) ? 1
                                                               : 0;
        else
          result = u < v ? -1 : u > v ? 1 : 0;
      }
    }
    if (sort.descending) result = -result;
    if (result) return result;
  }
  return 0;
}

// A bottom-up merge sort: stable, and its memory is the caller's.
void HistTrigger::sort_entries(u32* entries, u32* scratch, u32 count) const {
  u32* from = entries;
  u32* to = scratch;
  for (u32 width = 1; width < count; width *= 2) {
    for (u32 start = 0; start < count; start += 2 * width) {
      u32 middle = start + width < count ? start + width : count;
      u32 end = start + 2 * width < count ? start + 2 * width : count;
      u32 i = start, j = middle, k = start;
      while (i < middle && j < end) to[k++] = compare(from[j], from[i]) < 0 ? from[j++] : from[i++];
      while (i < middle) to[k++] = from[i++];
      while (j < end) to[k++] = from[j++];
    }
    u32* swap = from;
    from = to;
    to = swap;
  }
  if (from != entries) memcpy(entries, from, count * sizeof(u32));
}

Status HistTrigger::print_listing(StringView filter, bool paused, String& out) const {
  TRY(print_hist_spec(*spec_, out));
  if (!filter.empty()) {
    TRY(out.append(" if "));
    TRY(out.append(filter));
  }
  TRY(out.append(paused ? " [paused]" : " [active]"));
  return out.append('\n');
}

namespace {

void print_key_field(const HistSpec& spec, const HistField& key, const u8* bytes, TextWriter& out) {
  const HistNode& node = spec.node_of(key);
  StringView name = node.name.view();
  u64 value = 0;
  memcpy(&value, bytes + key.offset, 8);
  if (node.flags & kHistStacktrace) {
    // Linux's hist_trigger_stacktrace_print: a line a frame, "%*c" (9 wide) then "%pS".
    out.put(name).put(":\n");
    for (u32 i = 0; i < kHistStackDepth; ++i) {
      u64 address;
      memcpy(&address, bytes + key.offset + i * 8, 8);
      if (!address) break;
      out.repeat(' ', 9);
      print_symbol(out, address, {.offset = true});
      out.put('\n');
    }
    return;
  }
  out.put(name).put(": ");
  if (node.flags & kHistHex) {
    out.hex(value);
  } else if (node.flags & (kHistSym | kHistSymOffset)) {
    String symbol;
    TextWriter text(symbol);
    print_symbol(text, value, {.offset = (node.flags & kHistSymOffset) != 0});
    out.put('[').hex(value).put("] ");
    out.left(symbol.view(), node.flags & kHistSymOffset ? 55 : 45);
  } else if (node.flags & kHistExecname) {
    char comm[kCommLength];
    out.left(find_comm(static_cast<i32>(value), comm), 16).put('[').dec(value, 10).put(']');
  } else if (node.flags & kHistLog2) {
    out.put("~ 2^");
    usize before = out.size();
    out.dec(value);
    if (out.size() - before < 2) out.put(' ');
  } else if (node.flags & kHistBuckets) {
    out.put("~ ").dec(value).put('-').dec(value + node.buckets - 1);
  } else if (node.flags & kHistString) {
    const char* text = reinterpret_cast<const char*>(bytes + key.offset);
    usize length = 0;
    while (length < key.size && text[length]) ++length;
    out.left(StringView(text, length), 50);
  } else {
    out.dec(value, 10);
  }
}

void print_value(StringView name, u32 flags, u64 value, const ValueStats& stats, TextWriter& out) {
  out.put(' ').put(name);
  if (flags & kHistPercent) {
    u32 pc = percentage(value, stats.total);
    if (pc == ~0u) {
      out.put(" (%):[ERROR]");
      return;
    }
    out.put(" (%): ").dec(pc / 100, 3).put('.').dec(pc % 100, 2, '0');
  } else if (flags & kHistGraph) {
    out.put(": ");
    u32 pc = percentage(value, stats.max);
    if (pc == ~0u) {
      out.right("[ERROR]", 20);
      return;
    }
    usize bars = static_cast<usize>(pc) * 20 / 10000;
    if (bars > 20) bars = 20;
    out.repeat('#', bars).repeat(' ', 20 - bars);
  } else if (flags & kHistHex) {
    out.put(": ").hex(value, 10, ' ');
  } else {
    out.put(": ").dec(value, 10);
  }
}

}  // namespace

// Linux's track_data_snapshot_print: what took the last snapshot.
void HistTrigger::print_snapshot(TextWriter& out) const {
  if (!snapshot_taken_.load(MemoryOrder::kAcquire)) return;
  for (const HistAction& action : spec_->actions) {
    if (action.kind != HistActionKind::kSnapshot) continue;
    out.put("\nSnapshot taken (see tracing/snapshot).  Details:\n\ttriggering value { ");
    out.put(action.handler == HistHandler::kOnMax ? "onmax(" : "onchange(");
    out.put(action.var_text.view()).put(") }: ").dec(snapshot_value_.load(), 10);
    out.put("\ttriggered by event with key: { ");
    for (usize k = 0; k < spec_->keys.size(); ++k) {
      if (k) out.put(", ");
      print_key_field(*spec_, spec_->keys[k], snapshot_key_, out);
    }
    out.put(has_stack_key() ? "}\n" : " }\n");
    return;
  }
}

// A stack trace key prints on lines of its own: Linux then closes the key without a space.
bool HistTrigger::has_stack_key() const {
  for (const HistField& key : spec_->keys)
    if (spec_->node_of(key).flags & kHistStacktrace) return true;
  return false;
}

// Linux's track_data_print: under an entry, its maximum (or last value) and the fields
// save() kept with it.
void HistTrigger::print_tracked(u32 entry, TextWriter& out) const {
  u32 base = action_slot();
  for (const HistAction& action : spec_->actions) {
    if (action.handler == HistHandler::kOnMatch) continue;
    out.put(action.handler == HistHandler::kOnMax ? "\n\tmax: " : "\n\tchanged: ");
    out.dec(table_->sum(entry, base + action.track_slot), 10);
    if (action.kind != HistActionKind::kSave) continue;
    for (usize i = 0; i < action.params.size(); ++i) {
      const HistNode& node = spec_->nodes[action.params[i]];
      out.put("  ").put(node.name.view()).put(": ");
      u32 slot = base + action.save_slots[i];
      if (!(node.flags & kHistString)) {
        out.dec(table_->sum(entry, slot), 10);
        continue;
      }
      char text[kHistStringMax];
      for (u32 word = 0; word < kHistSavedStringSlots; ++word) {
        u64 bytes = table_->sum(entry, slot + word);
        memcpy(text + word * 8, &bytes, 8);
      }
      usize n = 0;
      while (n < kHistStringMax && text[n]) ++n;
      out.left(StringView(text, n), 32);
    }
  }
}

Status HistTrigger::print_histogram(StringView filter, bool paused, String& out) const {
  TRY(out.append("# event histogram\n#\n# trigger info: "));
  TRY(print_listing(filter, paused, out));
  TRY(out.append("#\n\n"));
  Vector<u32> entries;
  for (u32 slot = 0; slot < table_->slot_count(); ++slot) {
    i64 entry = table_->entry_at(slot);
    if (entry >= 0) TRY(entries.append(static_cast<u32>(entry)));
  }
  Vector<u32> scratch;
  TRY(scratch.reserve(entries.size()));
  for (usize i = 0; i < entries.size(); ++i) TRY(scratch.append(0));
  sort_entries(entries.data(), scratch.data(), static_cast<u32>(entries.size()));

  ValueStats stats[kHistMaxVals];
  for (u32 v = 0; v < spec_->vals.size(); ++v)
    for (u32 entry : entries) {
      u64 value = table_->sum(entry, v);
      stats[v].total += value;
      if (value > stats[v].max) stats[v].max = value;
    }

  TextWriter writer(out);
  bool multiline = has_stack_key();
  for (u32 entry : entries) {
    writer.put("{ ");
    for (usize k = 0; k < spec_->keys.size(); ++k) {
      if (k) writer.put(", ");
      print_key_field(*spec_, spec_->keys[k], table_->key(entry), writer);
    }
    writer.put(multiline ? "}" : " }");
    if (!spec_->no_hitcount) print_value("hitcount", 0, table_->sum(entry, 0), stats[0], writer);
    for (u32 v = 1; v < spec_->vals.size(); ++v) {
      const HistNode& node = spec_->node_of(spec_->vals[v]);
      if (node.flags & kHistExpr) continue;
      writer.put(' ');
      print_value(node.name.view(), node.flags, table_->sum(entry, v), stats[v], writer);
    }
    print_tracked(entry, writer);
    writer.put('\n');
  }
  print_snapshot(writer);
  writer.put("\nTotals:\n    Hits: ").dec(table_->hits());
  writer.put("\n    Entries: ").dec(entries.size());
  writer.put("\n    Dropped: ").dec(table_->drops()).put('\n');
  return writer.ok() ? Status() : Status(Errno::kNoMem);
}

}  // namespace tg::trace
