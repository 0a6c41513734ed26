#include "trace/CpuMask.h"

#include "ring/RingBuffer.h"
#include "support/TextWriter.h"

namespace tg::trace {

namespace {

constexpr u32 kGroupBits = 32;

bool is_separator(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r' || c == ',';
}

i32 hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

u32 groups_for(u32 cpu_count) {
  return (cpu_count + kGroupBits - 1) / kGroupBits;
}

// One group read backwards from `text[end - 1]`: its digits end where a separator (or the
// start) comes. Returns where the group starts.
Result<usize> parse_group_backwards(StringView text, usize end, u32& value) {
  value = 0;
  usize at = end;
  for (u32 shift = 0; at > 0 && !is_separator(text[at - 1]); shift += 4) {
    i32 digit = hex_value(text[at - 1]);
    --at;
    // Past eight digits Linux looks at one more character: a digit overflows the group,
    // anything else is swallowed and ends it.
    if (shift == kGroupBits) {
      if (digit >= 0) return Errno::kOverflow;
      break;
    }
    if (digit < 0) return Errno::kInval;
    value |= static_cast<u32>(digit) << shift;
  }
  return at;
}

}  // namespace

CpuMask CpuMask::all(u32 count) {
  CpuMask mask;
  for (u32 cpu = 0; cpu < count && cpu < kMaxCpus; ++cpu) mask.set(cpu, true);
  return mask;
}

void CpuMask::set(u32 cpu, bool on) {
  if (cpu >= kMaxCpus) return;
  u32 bit = u32{1} << (cpu % 32);
  if (on)
    words_[cpu / 32] |= bit;
  else
    words_[cpu / 32] &= ~bit;
}

bool CpuMask::operator==(const CpuMask& other) const {
  for (u32 i = 0; i < kWords; ++i)
    if (words_[i] != other.words_[i]) return false;
  return true;
}

// Groups are read from the end of the text, lowest CPUs first, as bitmap_parse does.
Result<CpuMask> CpuMask::parse(StringView text, u32 cpu_count) {
  if (cpu_count > kMaxCpus) cpu_count = kMaxCpus;
  // Linux stops at the first newline (or NUL) and ignores what follows.
  for (usize i = 0; i < text.size(); ++i)
    if (text[i] == '\n' || text[i] == '\0') text = text.substr(0, i);
  CpuMask mask;
  u32 groups = 0;
  usize end = text.size();
  while (true) {
    while (end > 0 && is_separator(text[end - 1])) --end;
    if (end == 0) break;
    if (groups == groups_for(cpu_count)) return Errno::kOverflow;
    u32 value = 0;
    end = TRY(parse_group_backwards(text, end, value));
    mask.words_[groups++] = value;
  }
  for (u32 cpu = cpu_count; cpu < groups * kGroupBits; ++cpu)
    if (mask.contains(cpu)) return Errno::kOverflow;
  return mask;
}

Status CpuMask::show(String& out, u32 cpu_count) const {
  if (cpu_count > kMaxCpus) cpu_count = kMaxCpus;
  TextWriter writer(out);
  // The highest group holds what is left over; it is as wide as its bits need, the others 8.
  u32 top_bits = cpu_count % kGroupBits ? cpu_count % kGroupBits : kGroupBits;
  for (u32 group = groups_for(cpu_count); group-- > 0;) {
    u32 bits = group == groups_for(cpu_count) - 1 ? top_bits : kGroupBits;
    u32 value = bits == kGroupBits ? words_[group] : words_[group] & ((u32{1} << bits) - 1);
    writer.hex(value, (bits + 3) / 4);
    if (group) writer.put(',');
  }
  writer.put('\n');
  return writer.ok() ? Status() : Status(Errno::kNoMem);
}

void apply_cpumask(ring::TraceBuffer& buffer, const CpuMask& from, const CpuMask& to) {
  for (u32 cpu = 0; cpu < buffer.cpu_count(); ++cpu) {
    if (from.contains(cpu) && !to.contains(cpu)) buffer.cpu(cpu).disable_recording();
    if (!from.contains(cpu) && to.contains(cpu)) buffer.cpu(cpu).enable_recording();
  }
}

}  // namespace tg::trace
