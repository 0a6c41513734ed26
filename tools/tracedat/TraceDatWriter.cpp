#include <algorithm>

#include "TraceDat.h"
#include "TraceDatParts.h"

namespace tracegate::tracedat {
namespace {

using parts::Bytes;

// Version 6 keeps the clock after the CPU table too: a u64 length and "[name]" (no NUL).
// trace-cmd reads it there whenever the TRACECLOCK option is present.
std::string clock_entry(std::string_view trace_clock) {
  std::string clock = parts::current_clock(trace_clock);
  if (clock.empty()) return {};
  Bytes entry;
  entry.u64(clock.size() + 2);
  entry.raw("[" + clock + "]");
  return entry.text();
}

// A "flyrecord" section: the tag, (offset, size) per CPU and the clock entry, then each
// CPU's pages at a page-aligned offset. Where it starts is known before it is written, so
// the offsets are computed, not patched after the fact.
struct FlyRecord {
  uint64_t start = 0;
  Bytes table;                        // "flyrecord\0", the CPU table and the clock
  std::vector<uint64_t> data_offset;  // per CPU, in the file
  uint64_t end = 0;                   // past the last CPU's data
};

FlyRecord plan_flyrecord(const BufferData& buffer, uint32_t cpus, uint64_t start, uint32_t page,
                         std::string_view clock) {
  FlyRecord fly;
  fly.start = start;
  fly.table.cstring("flyrecord");
  uint64_t at = start + fly.table.size() + 16ull * cpus + clock.size();
  for (uint32_t cpu = 0; cpu < cpus; ++cpu) {
    uint64_t size = parts::cpu_pages(buffer, cpu).size();
    at = parts::align_up(at, page);
    fly.data_offset.push_back(at);
    fly.table.u64(at);
    fly.table.u64(size);
    at += size;
  }
  // The section reaches each CPU's offset, data or not: `trace-cmd dump` reads on past a
  // version 6 CPU table and fails on a file that ends right after it.
  fly.end = at;
  fly.table.raw(clock);
  return fly;
}

// Pads from `at` (where the file has got to) to the section's start, then writes it.
void write_flyrecord(std::ostream& out, uint64_t& at, const FlyRecord& fly,
                     const BufferData& buffer) {
  out << std::string(fly.start - at, '\0') << fly.table.text();
  at = fly.start + fly.table.size();
  for (uint32_t cpu = 0; cpu < fly.data_offset.size(); ++cpu) {
    std::string_view pages = parts::cpu_pages(buffer, cpu);
    if (pages.empty()) continue;
    out << std::string(fly.data_offset[cpu] - at, '\0') << pages;
    at = fly.data_offset[cpu] + pages.size();
  }
  out << std::string(fly.end - at, '\0');
  at = fly.end;
}

}  // namespace

void write_v6(const TraceDat& dat, std::ostream& out) {
  uint32_t cpus = parts::cpu_count(dat);
  Bytes head;
  parts::initial_format(head, "6", dat.page_size);
  parts::header_info(head, dat);
  parts::ftrace_formats(head, dat);
  parts::event_formats(head, dat);
  parts::kallsyms(head, dat);
  parts::printk_formats(head, dat);
  parts::cmdlines(head, dat);
  head.u32(cpus);

  head.raw(std::string_view("options  \0", 10));
  // With TRACECLOCK present trace-cmd expects the clock entry after the CPU table.
  std::string clock = clock_entry(dat.trace_clock);
  if (!clock.empty()) parts::option(head, Option::kTraceClock, parts::with_nul(dat.trace_clock));
  parts::cpu_stat_options(head, dat.top);
  // BUFFER (v6): the offset of the instance's own "flyrecord" section, then its name.
  std::vector<size_t> buffer_offset_at;
  for (const auto& instance : dat.instances) {
    std::string data(8, '\0');
    data += parts::with_nul(instance.name);
    parts::option(head, Option::kBuffer, data);
    buffer_offset_at.push_back(head.size() - data.size());
    parts::cpu_stat_options(head, instance);
  }
  head.u16(static_cast<uint16_t>(Option::kDone));

  // The top buffer's flyrecord ends the header; each instance's follows the data before it.
  std::vector<FlyRecord> flyrecords{
      plan_flyrecord(dat.top, cpus, head.size(), dat.page_size, clock)};
  for (size_t i = 0; i < dat.instances.size(); ++i) {
    uint64_t start = flyrecords.back().end;
    head.patch_u64(buffer_offset_at[i], start);
    flyrecords.push_back(plan_flyrecord(dat.instances[i], cpus, start, dat.page_size, clock));
  }

  out << head.text();
  uint64_t at = head.size();
  write_flyrecord(out, at, flyrecords[0], dat.top);
  for (size_t i = 0; i < dat.instances.size(); ++i)
    write_flyrecord(out, at, flyrecords[i + 1], dat.instances[i]);
}

}  // namespace tracegate::tracedat
