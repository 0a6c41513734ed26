#pragma once
#include "Platform.h"
#include "support/Result.h"
#include "support/String.h"
#include "support/Vector.h"

namespace tg::trace {

// One function list file: set_ftrace_filter, set_ftrace_notrace, set_graph_function or
// set_graph_notrace. A bit per entry of the platform's symbol table (so a lookup by address
// is a binary search and a bit test), plus, for set_ftrace_filter, the `func:traceon[:N]` /
// `func:traceoff[:N]` probes Linux lists after the names.
class FunctionFilter {
 public:
  enum class Flavor { kFilter, kNotrace, kGraph, kGraphNotrace };
  explicit FunctionFilter(Flavor flavor) : flavor_(flavor) {}

  // One word of a write: `name`, a glob, `!glob` to remove, or `glob:command[:count]`.
  // Nothing matches -> EINVAL and nothing changes.
  Status apply_word(StringView word);
  // `>` at open: the names go, the probes stay (as Linux keeps func:traceon probes).
  void clear_names();

  bool empty() const { return selected_ == 0; }
  usize selected_count() const { return selected_; }
  bool contains_symbol(usize index) const;
  // Whether `ip` (an absolute address inside a function) is in the list.
  bool contains_address(u64 ip) const;

  // The file's text: one name per line, then the probes, or the "####" line when empty.
  Status show(String& out) const;

  // Probes: what a hit of `ip` does to tracing_on. Returns false when `ip` has no probe (or
  // its count ran out); else sets `turn_on` and consumes one count.
  bool has_probes() const { return !probes_.empty(); }
  bool probe_hit(u64 ip, bool& turn_on);
  bool has_probe_at(u64 ip) const;

 private:
  struct Probe {
    u32 symbol;
    bool turn_on;
    i64 remaining;  // -1: unlimited
  };

  Status apply_names(StringView glob, bool remove);
  Status apply_probe(StringView glob, StringView command, StringView count, bool remove);
  Status ensure_bits();
  void set_bit(usize index, bool on);

  Flavor flavor_;
  Vector<u64> bits_;
  usize selected_ = 0;
  Vector<Probe> probes_;
};

// The symbol-table entry containing `ip`, or -1.
isize symbol_index(u64 ip);

}  // namespace tg::trace
