#pragma once
#include "support/Atomic.h"
#include "support/Memory.h"
#include "support/Result.h"
#include "support/String.h"
#include "support/Vector.h"
#include "trace/EventCatalog.h"
#include "trace/EventFilter.h"
#include "trace/HistTrigger.h"
#include "trace/RecordContext.h"

namespace tg::trace {

class TraceInstance;
class ErrorLog;

// What an event trigger does when its event fires (events/SYS/EVENT/trigger).
enum class TriggerCommand : u8 {
  kTraceOn,
  kTraceOff,
  kSnapshot,
  kStackTrace,
  kEnableEvent,
  kDisableEvent,
  kHist,
};

// One registered trigger: a command, how many more times it may act (-1: unlimited), an
// optional filter on the firing event's payload, and for enable_event/disable_event the event
// it switches.
struct EventTrigger {
  TriggerCommand command = TriggerCommand::kTraceOn;
  mutable Atomic<i64> count{-1};  // recorders count down
  const EventDefinition* target = nullptr;
  HistTrigger* hist = nullptr;         // kHist: owned by EventTriggers, shared by every copy
  mutable Atomic<bool> paused{false};  // kHist: pause / cont
  String filter_text;                  // after "if ", empty: none
  OwnPtr<EventFilter> filter;
};

// The triggers of every event of one instance. A recorder reads an event's list through one
// published pointer; a write publishes an edited copy and frees the old list only after
// synchronize_writers (docs/lifetime.md).
class EventTriggers {
 public:
  static constexpr u32 kMaxEvents = 768;  // TraceInstance::kMaxEventId

  static Result<OwnPtr<EventTriggers>> create();
  EventTriggers() = default;
  ~EventTriggers();

  // The trigger file: Linux's "Available triggers" text when the event has none, else one
  // line per trigger, the newest first ("traceoff:count=3 if common_pid == 0").
  Status show(const EventDefinition& event, String& out) const;
  // One write: "CMD[:ARGS] [if FILTER]" adds (EEXIST if a trigger of that kind is already
  // there), "!CMD..." removes; an unknown command, bad count or bad filter is EINVAL.
  // "hist:..." writes follow Linux's hist rules: several hist triggers per event, pause, cont
  // and clear act on the matching one, parse errors go to `log` with Linux's texts.
  Status write(TraceInstance& instance, const EventDefinition& event, StringView text,
               ErrorLog& log, u64 now_ns);
  // Opening the trigger file with O_TRUNC removes the event's hist triggers (Linux's
  // unreg_all; the other triggers stay).
  Status remove_hists(TraceInstance& instance, const EventDefinition& event);
  // The event's hist file: every hist trigger's table, oldest first; empty without one.
  Status show_hist(const EventDefinition& event, String& out) const;

  // For recorders: whether event `id` has triggers (it must then be seen even when it is not
  // enabled), and running them on a payload after its record was written (or not).
  bool has(u16 id) const {
    return id < kMaxEvents && lists_[id].load(MemoryOrder::kAcquire) != nullptr;
  }
  void fire(TraceInstance& instance, const RecordContext& ctx, u16 id, const u8* payload,
            usize size) const;

  // Every hist table of the instance (for variables one hist reads of another).
  const Vector<OwnPtr<HistTrigger>>& hist_tables() const { return hists_; }

 private:
  struct List {
    Vector<OwnPtr<EventTrigger>> triggers;
  };
  Status publish(u16 id, OwnPtr<List> list);
  Status write_hist(TraceInstance& instance, const EventDefinition& event, bool remove,
                    StringView param_and_filter, ErrorLog& log, u64 now_ns);
  void release_hist(HistTrigger* hist);
  Atomic<List*> lists_[kMaxEvents] = {};
  // Every hist trigger of every event: their tables outlive the lists that are republished on
  // each write.
  Vector<OwnPtr<HistTrigger>> hists_;
};

}  // namespace tg::trace
