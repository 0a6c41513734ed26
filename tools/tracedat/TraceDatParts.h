#pragma once
// The pieces versions 6 and 7 of trace.dat share: the same bytes, framed differently.
#include <cstdint>
#include <string>
#include <string_view>

#include "TraceDat.h"

namespace tracegate::tracedat::parts {

// Little-endian bytes with offsets that can be filled in once the layout is known.
class Bytes {
 public:
  void u16(uint16_t v) { integer(v, 2); }
  void u32(uint32_t v) { integer(v, 4); }
  void u64(uint64_t v) { integer(v, 8); }
  // A string with its terminating NUL, as trace-cmd's names and option strings are stored.
  void cstring(std::string_view s) {
    text_.append(s);
    text_.push_back('\0');
  }
  void raw(std::string_view s) { text_.append(s); }
  void patch_u64(size_t at, uint64_t v) {
    for (int i = 0; i < 8; ++i) text_[at + i] = static_cast<char>(v >> (8 * i));
  }
  size_t size() const { return text_.size(); }
  const std::string& text() const { return text_; }

 private:
  void integer(uint64_t v, int bytes) {
    for (int i = 0; i < bytes; ++i) text_.push_back(static_cast<char>(v >> (8 * i)));
  }
  std::string text_;
};

inline uint64_t align_up(uint64_t at, uint64_t page) {
  return (at + page - 1) / page * page;
}

// Magic, version, endianness (little), long size (8) and page size.
void initial_format(Bytes& out, std::string_view version, uint32_t page_size);
// The header page and header event files, each behind its name and a u64 size.
void header_info(Bytes& out, const TraceDat& dat);
// u32 count, then u64 size and text per events/ftrace/*/format.
void ftrace_formats(Bytes& out, const TraceDat& dat);
// u32 systems; each: name, u32 count, then u64 size and text per format.
void event_formats(Bytes& out, const TraceDat& dat);
// kallsyms and printk formats behind a u32 size, saved_cmdlines behind a u64.
void kallsyms(Bytes& out, const TraceDat& dat);
void printk_formats(Bytes& out, const TraceDat& dat);
void cmdlines(Bytes& out, const TraceDat& dat);

void option(Bytes& out, Option id, std::string_view data);
// A NUL-terminated option string, the way trace-cmd stores TRACECLOCK and CPUSTAT.
std::string with_nul(std::string_view s);
// trace-cmd record's CPUSTAT options for one buffer.
void cpu_stat_options(Bytes& out, const BufferData& buffer);
// The clock in use: the bracketed name of the trace_clock file ("[local] global" -> local).
std::string current_clock(std::string_view trace_clock);
// The file's CPU count: the most any buffer has (a buffer with fewer gets empty ones).
uint32_t cpu_count(const TraceDat& dat);
// One CPU's pages of `buffer`, empty past its last CPU.
std::string_view cpu_pages(const BufferData& buffer, uint32_t cpu);

}  // namespace tracegate::tracedat::parts
