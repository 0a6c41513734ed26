#pragma once
#include "support/Atomic.h"
#include "support/Memory.h"
#include "support/Result.h"
#include "support/String.h"
#include "support/TextWriter.h"
#include "trace/HistSpec.h"
#include "trace/HistTable.h"
#include "trace/RecordContext.h"

namespace tg::trace {

class TraceInstance;

// What a recorder knows about the event besides its payload; actions generate their events
// in `instance`, as from `ctx`.
struct HistInputs {
  const u8* payload;
  usize size;
  u32 cpu;
  u64 timestamp_ns;
  TraceInstance* instance = nullptr;
  const RecordContext* ctx = nullptr;
};

// One `hist` table with its spec. Recorders aggregate into it; the trigger file lists it and
// the event's hist file prints it, both in Linux's text. Triggers of the same name=NAME on
// several events share one (`users` counts them).
class HistTrigger {
 public:
  static Result<OwnPtr<HistTrigger>> create(OwnPtr<HistSpec> spec);
  HistTrigger() = default;
  HistTrigger(const HistTrigger&) = delete;
  HistTrigger& operator=(const HistTrigger&) = delete;

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
  // Other hist triggers reading this one's variables: it cannot go while there are some.
  mutable u32 var_readers = 0;

  // Its last trigger is gone: it no longer reads the other hists' variables nor generates
  // its synthetic events. (Not in a destructor: at teardown those may be gone first.)
  void detach() const;

  // Variable `index` of the entry of `key` (this table's key size), if it was set since it
  // was last consumed; `consume` unsets it (Linux's read_var_once).
  bool read_var(const u8* key, u32 index, bool consume, u64& value) const;

 private:
  u64 evaluate(u32 node, const HistInputs& inputs, const u64* vars) const;
  void run_actions(const HistInputs& inputs, const u64* vars, Atomic<u64>* sums,
                   const u8* key) const;
  void print_snapshot(TextWriter& out) const;
  bool has_stack_key() const;
  void print_tracked(u32 entry, TextWriter& out) const;
  // Where an entry's action slots start: after the values, the variables and their mask.
  u32 action_slot() const { return static_cast<u32>(spec_->vals.size() + spec_->vars.size() + 1); }
  StringView read_text(const FilterField& field, const HistInputs& inputs) const;
  u32 var_slot() const { return static_cast<u32>(spec_->vals.size()); }
  u64 read_field(const HistNode& node, const HistInputs& inputs) const;
  void write_key(const HistField& key, const HistInputs& inputs, const u64* vars, u8* out) const;
  int compare(u32 a, u32 b) const;
  void sort_entries(u32* entries, u32* scratch, u32 count) const;

  OwnPtr<HistSpec> spec_;
  OwnPtr<HistTable> table_;
  String signature_;
  Atomic<bool> clearing_{false};
  u32 consumed_ = 0;  // bits of spec_->external that are read once
  // snapshot(): the value that last took a snapshot, and the key of its entry (Linux's
  // cond_snapshot track_data), written by the recorder that took it.
  mutable Atomic<u64> snapshot_value_{0};
  mutable Atomic<bool> snapshot_taken_{false};
  mutable u8 snapshot_key_[kHistKeySizeMax + 8] = {};
};

}  // namespace tg::trace
