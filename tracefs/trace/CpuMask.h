#pragma once
#include "support/Result.h"
#include "support/String.h"
#include "support/StringView.h"

namespace tg::ring {
class TraceBuffer;
}

namespace tg::trace {

// tracing_cpumask: the CPUs whose buffers record. Read and written as Linux's "%*pb" /
// bitmap_parse: comma-separated groups of up to 32 bits in hex, the highest group first.
class CpuMask {
 public:
  static constexpr u32 kMaxCpus = 256;

  // CPUs 0 .. count-1.
  static CpuMask all(u32 count);
  // One write for a machine of `cpu_count` CPUs, as bitmap_parse reads it: text after the
  // first newline is ignored, blanks and commas around groups are fine, nothing at all is
  // the empty mask. A non-hex character -> EINVAL; a group of more than 8 digits, more groups
  // than the CPUs need, or a CPU beyond the last -> EOVERFLOW.
  static Result<CpuMask> parse(StringView text, u32 cpu_count);

  bool contains(u32 cpu) const { return cpu < kMaxCpus && (words_[cpu / 32] >> (cpu % 32)) & 1; }
  void set(u32 cpu, bool on);
  bool operator==(const CpuMask& other) const;
  // "%*pb\n" over `cpu_count` bits: "3\n" for two CPUs, "ff\n" for eight, "1,ffffffff\n" for 33.
  Status show(String& out, u32 cpu_count) const;

 private:
  static constexpr u32 kWords = kMaxCpus / 32;
  u32 words_[kWords] = {};
};

// Moves `buffer` from one mask to the next: a CPU leaving the mask stops recording into its
// buffer and one joining resumes (Linux's ring_buffer_record_{disable,enable}_cpu), so every
// recorder (functions, events, markers) is refused there without checking the mask itself.
void apply_cpumask(ring::TraceBuffer& buffer, const CpuMask& from, const CpuMask& to);

}  // namespace tg::trace
