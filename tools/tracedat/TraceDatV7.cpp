#include <vector>

#include "TraceDat.h"
#include "TraceDatParts.h"

namespace tracegate::tracedat {
namespace {

using parts::Bytes;

// Section descriptions are ids into the file's string section: their offsets in it.
class Strings {
 public:
  uint32_t add(std::string_view text) {
    uint32_t id = static_cast<uint32_t>(table_.size());
    table_.cstring(text);
    return id;
  }
  const std::string& text() const { return table_.text(); }

 private:
  Bytes table_;
};

// A section: u16 id, u16 flags (0: not compressed), u32 description, u64 size, the body.
inline constexpr uint64_t kSectionHeaderSize = 16;

void section(Bytes& out, Option id, uint32_t description, std::string_view body) {
  out.u16(static_cast<uint16_t>(id));
  out.u16(0);
  out.u32(description);
  out.u64(body.size());
  out.raw(body);
}

// One buffer's flyrecord section: the header, then each CPU's pages page-aligned (the
// padding belongs to the section, so sections still follow each other end to end).
struct BufferSection {
  uint64_t start = 0;
  std::vector<uint64_t> data_offset;  // per CPU, in the file
  uint64_t end = 0;
};

BufferSection plan_buffer(const BufferData& buffer, uint32_t cpus, uint64_t start, uint32_t page) {
  BufferSection plan;
  plan.start = start;
  uint64_t at = start + kSectionHeaderSize;
  plan.end = at;
  for (uint32_t cpu = 0; cpu < cpus; ++cpu) {
    uint64_t size = parts::cpu_pages(buffer, cpu).size();
    at = parts::align_up(at, page);
    plan.data_offset.push_back(at);
    at += size;
    if (size) plan.end = at;
  }
  return plan;
}

// BUFFER (v7): the section's offset, the buffer's name ("" for the top one), its clock,
// page size, and (cpu, offset, size) per CPU.
std::string buffer_option(const BufferData& buffer, const BufferSection& plan,
                          const std::string& clock, uint32_t page) {
  Bytes data;
  data.u64(plan.start);
  data.cstring(buffer.name);
  data.cstring(clock);
  data.u32(page);
  data.u32(static_cast<uint32_t>(plan.data_offset.size()));
  for (uint32_t cpu = 0; cpu < plan.data_offset.size(); ++cpu) {
    data.u32(cpu);
    data.u64(plan.data_offset[cpu]);
    data.u64(parts::cpu_pages(buffer, cpu).size());
  }
  return data.text();
}

void write_buffer(std::ostream& out, uint64_t& at, const BufferSection& plan,
                  const BufferData& buffer, uint32_t description) {
  Bytes header;
  header.u16(static_cast<uint16_t>(Option::kBuffer));
  header.u16(0);
  header.u32(description);
  header.u64(plan.end - plan.start - kSectionHeaderSize);
  out << std::string(plan.start - at, '\0') << header.text();
  at = plan.start + header.size();
  for (uint32_t cpu = 0; cpu < plan.data_offset.size(); ++cpu) {
    std::string_view pages = parts::cpu_pages(buffer, cpu);
    if (pages.empty()) continue;
    out << std::string(plan.data_offset[cpu] - at, '\0') << pages;
    at = plan.data_offset[cpu] + pages.size();
  }
}

struct MetadataSection {
  Option id;
  const char* description;
  void (*body)(Bytes&, const TraceDat&);
};

// In the order trace-cmd reads them: the headers before the formats they describe.
constexpr MetadataSection kMetadata[] = {
    {Option::kHeaderInfo, "headers", parts::header_info},
    {Option::kFtraceEvents, "ftrace events", parts::ftrace_formats},
    {Option::kEventFormats, "events format", parts::event_formats},
    {Option::kKallsyms, "kallsyms", parts::kallsyms},
    {Option::kPrintk, "printk", parts::printk_formats},
    {Option::kCmdlines, "command lines", parts::cmdlines},
};

}  // namespace

void write_v7(const TraceDat& dat, std::ostream& out) {
  uint32_t cpus = parts::cpu_count(dat);
  std::string clock = parts::current_clock(dat.trace_clock);
  std::vector<const BufferData*> buffers{&dat.top};
  for (const auto& instance : dat.instances) buffers.push_back(&instance);

  // Every description is known up front, so the string section is complete before the
  // sections that name it are written.
  Strings strings;
  std::vector<uint32_t> metadata_description;
  for (const auto& part : kMetadata) metadata_description.push_back(strings.add(part.description));
  uint32_t options_description = strings.add("options");
  uint32_t strings_description = strings.add("strings");
  std::vector<uint32_t> buffer_description;
  for (const BufferData* buffer : buffers)
    buffer_description.push_back(strings.add("buffer flyrecord " + buffer->name));

  Bytes head;
  parts::initial_format(head, "7", dat.page_size);
  head.cstring("none");  // compression: name and version
  head.cstring("");
  size_t options_offset_at = head.size();
  head.u64(0);

  Bytes options;
  for (size_t i = 0; i < std::size(kMetadata); ++i) {
    Bytes body;
    kMetadata[i].body(body, dat);
    Bytes offset;
    offset.u64(head.size());
    parts::option(options, kMetadata[i].id, offset.text());
    section(head, kMetadata[i].id, metadata_description[i], body.text());
  }
  section(head, Option::kStrings, strings_description, strings.text());

  Bytes count;
  count.u32(cpus);
  parts::option(options, Option::kCpuCount, count.text());
  if (!clock.empty()) parts::option(options, Option::kTraceClock, parts::with_nul(dat.trace_clock));
  for (const BufferData* buffer : buffers) parts::cpu_stat_options(options, *buffer);

  // The options section's size does not depend on the offsets in it: plan the buffers
  // behind it with placeholder BUFFER options of the right size, then fill them in.
  std::vector<size_t> buffer_option_at;
  for (const BufferData* buffer : buffers) {
    std::string placeholder = buffer_option(*buffer, plan_buffer(*buffer, cpus, 0, 1), clock, 0);
    parts::option(options, Option::kBuffer, placeholder);
    buffer_option_at.push_back(options.size() - placeholder.size());
  }
  parts::option(options, Option::kDone, std::string(8, '\0'));  // no further options section

  head.patch_u64(options_offset_at, head.size());
  uint64_t at = head.size() + kSectionHeaderSize + options.size();
  std::vector<BufferSection> plans;
  for (const BufferData* buffer : buffers) {
    plans.push_back(plan_buffer(*buffer, cpus, at, dat.page_size));
    at = plans.back().end;
  }
  std::string filled = options.text();
  for (size_t i = 0; i < buffers.size(); ++i) {
    std::string data = buffer_option(*buffers[i], plans[i], clock, dat.page_size);
    filled.replace(buffer_option_at[i], data.size(), data);
  }
  section(head, Option::kDone, options_description, filled);

  out << head.text();
  at = head.size();
  for (size_t i = 0; i < buffers.size(); ++i)
    write_buffer(out, at, plans[i], *buffers[i], buffer_description[i]);
}

}  // namespace tracegate::tracedat
