#pragma once
#include "support/Atomic.h"
#include "support/Memory.h"
#include "support/Result.h"
#include "support/String.h"
#include "trace/HistSpec.h"
#include "trace/HistTable.h"

namespace tg::trace {

// What a recorder knows about the event besides its payload.
struct HistInputs {
  const u8* payload;
  usize size;
  u32 cpu;
  u64 timestamp_ns;
};

// One `hist` table with its spec. Recorders aggregate into it; the trigger file lists it and
// the event's hist file prints it, both in Linux's text. Triggers of the same name=NAME on
// several events share one (`users` counts them).
class HistTrigger {
 public:
  static Result<OwnPtr<HistTrigger>> create(OwnPtr<HistSpec> spec);
  HistTrigger() = default;

  const HistSpec& spec() const { return *spec_; }
  StringView signature() const { return signature_.view(); }

  // Adds one hit; nothing is allocated. A key the full table has no room for is dropped.
  void record(const HistInputs& inputs) const;

  // Empties the table. Recorders of every event sharing it are kept out meanwhile (Linux
  // pauses the trigger, or all of a named one's, around the clear).
  void clear();

  // The trigger file's line: "hist:keys=...:size=2048 [if FILTER] [active]\n".
  Status print_listing(StringView filter, bool paused, String& out) const;
  // The hist file's table: header, one line per entry in sort order, totals.
  Status print_histogram(StringView filter, bool paused, String& out) const;

  u32 users = 0;  // the triggers using this table; written under the writers' serialization

 private:
  u64 evaluate(u32 node, const HistInputs& inputs, const u64* vars) const;
  u64 read_field(const HistNode& node, const HistInputs& inputs) const;
  void write_key(const HistField& key, const HistInputs& inputs, const u64* vars, u8* out) const;
  int compare(u32 a, u32 b) const;
  void sort_entries(u32* entries, u32* scratch, u32 count) const;

  OwnPtr<HistSpec> spec_;
  OwnPtr<HistTable> table_;
  String signature_;
  Atomic<bool> clearing_{false};
};

}  // namespace tg::trace
