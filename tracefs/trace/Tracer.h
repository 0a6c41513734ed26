#pragma once
#include "ring/RingBuffer.h"
#include "support/Result.h"
#include "support/StringView.h"
#include "support/TextWriter.h"
#include "trace/RecordContext.h"
#include "trace/SchedTask.h"
#include "trace/StackTrace.h"
#include "trace/TraceOptions.h"

namespace tg::trace {

class TraceInstance;
class OutputState;

// A call whose return a tracer hooks, as the kernel keeps it on the task's shadow stack
// between entry and return. `data` is the tracer's own: what its entry callback leaves there
// its return callback reads back.
struct HookedCall {
  u64 ip;        // the traced function
  u64 calltime;  // the instance's clock at entry
  u32 depth;     // nesting of hooked calls, from 0
  u32 data;
};

// A tracer is a table of operations the core drives, as Linux's `struct tracer`: adding a
// tracer is one file with one of these and a row in kTracers (Tracer.cpp); the core and the
// kernel's dispatch never name a tracer, but for one fast path: the fentry dispatch calls the
// function and function_graph tracers' operations directly when they are the ones in the
// table (an inlined call instead of an indirect one, on every traced call). Every operation
// may be null (nothing to do).
struct Tracer {
  StringView name;
  // May run in instances/NAME as well as the top directory (Linux's allow_instances). Of the
  // tracers that hook returns, only function_graph does (the kernel's dispatch knows its
  // instance frames); others run at the top only.
  bool in_instances = false;
  // Its own options (options/NAME, and trace_options while it is current), in Linux's order.
  Span<const OptionInfo> options = {};
  // A latency tracer (Linux's use_max_tr and print_max): the snapshot buffer is its max
  // buffer, allocated while it is current, and `trace` shows that buffer.
  bool use_max_tr = false;

  // Control, from the file that switches tracers.
  Status (*init)(TraceInstance& instance) = nullptr;
  void (*reset)(TraceInstance& instance) = nullptr;
  // tracing_on turned on / off while it is current (Linux's start and stop).
  void (*start)(TraceInstance& instance) = nullptr;
  void (*stop)(TraceInstance& instance) = nullptr;

  // Recording, from any CPU with interrupts masked, after the instance's function lists
  // and pid lists admitted the call. The kernel patches in what the non-null ones need.
  // A call to `ip` from `parent_ip`, at its fentry site; true when it recorded something.
  bool (*on_function)(TraceInstance& instance, const RecordContext& ctx, u64 ip,
                      u64 parent_ip) = nullptr;
  // A call whose return may be hooked: true hooks it (the tracer may record the entry and
  // fill call.data); on_return then runs when it returns.
  bool (*on_entry)(TraceInstance& instance, const RecordContext& ctx, HookedCall& call) = nullptr;
  void (*on_return)(TraceInstance& instance, const RecordContext& ctx, const HookedCall& call,
                    u64 rettime, u64 retval) = nullptr;
  // A hard interrupt handler the tracer's lists admit starts on this CPU: true when the
  // tracer marked it, and then on_irq_exit marks its end.
  bool (*on_irq_entry)(TraceInstance& instance, const RecordContext& ctx, u32 irq) = nullptr;
  void (*on_irq_exit)(TraceInstance& instance, const RecordContext& ctx, u32 irq) = nullptr;
  // The scheduler's tracepoints, with the run-queue lock held and interrupts masked:
  // sched_wakeup (and sched_wakeup_new) of `wakee` by `current`, sched_switch (`ctx` is the
  // task switching out's), and sched_migrate_task. `site` is where the scheduler hit the
  // tracepoint (its function and that one's caller). Every instance's tracer gets them.
  void (*on_sched_wakeup)(TraceInstance& instance, const RecordContext& ctx, const SchedTask& wakee,
                          const SchedTask& current, const ProbeSite& site) = nullptr;
  void (*on_sched_switch)(TraceInstance& instance, const RecordContext& ctx, const SchedTask& prev,
                          const SchedTask& next, const ProbeSite& site) = nullptr;
  void (*on_sched_migrate)(TraceInstance& instance, const SchedTask& task, u32 to_cpu) = nullptr;
  // The interrupt flag of `ctx.cpu` changed (Linux's trace_hardirqs_off/on): masked
  // (`off`) or about to be unmasked, at `site` (its frame: where the chain beyond the
  // site's caller starts), in task `current`. Interrupts are masked
  // during the call either way. The kernel reports these only while some instance's tracer
  // has this operation.
  void (*on_irqs_edge)(TraceInstance& instance, const RecordContext& ctx, bool off,
                       const ProbeSite& site, const SchedTask& current) = nullptr;
  // The preemption count of `ctx.cpu` left 0 (`off`) or is about to return to it (Linux's
  // trace_preempt_off/on), at `site`, in task `current`; `ctx.flags` says whether interrupts
  // were masked there. Interrupts are masked during the call. The kernel reports these only
  // while some instance's tracer has this operation.
  void (*on_preempt_edge)(TraceInstance& instance, const RecordContext& ctx, bool off,
                          const ProbeSite& site, const SchedTask& current) = nullptr;

  // Printing: the comment block at the top of `trace` (after the common "# tracer: NAME"
  // lines); and the entry the iterator is at, advancing past everything it consumed (a graph
  // leaf consumes its entry and return). Returns false when the entry produced no text.
  void (*print_header)(OutputState& state, TextWriter& out) = nullptr;
  bool (*print_entry)(OutputState& state, ring::TraceBuffer::Iterator& it,
                      TextWriter& out) = nullptr;

  // Which instrumentation the tracer needs patched in.
  constexpr bool traces_functions() const { return on_function || on_entry; }
  constexpr bool hooks_returns() const { return on_entry != nullptr; }
};

// Every tracer, in available_tracers order.
Span<const Tracer* const> all_tracers();
const Tracer* find_tracer(StringView name);
// Adds a tracer that is not one of the built-in rows of kTracers (Tracer.cpp), as Linux's
// register_tracer: listed first from then on. EBUSY when the name is taken, ENOSPC beyond a
// few. Control path only; unregister only a tracer no instance runs.
Status register_tracer(const Tracer& tracer);
void unregister_tracer(const Tracer& tracer);

// Every option row: the global ones (TraceOptions.h), then each tracer's in the order the
// tracers were registered (Linux's order in options/). `index` < option_row_count().
usize option_row_count();
const OptionInfo& option_row(usize index);
// nullptr when no option has that exact name.
const OptionInfo* find_option(StringView name);
// Whether `trace_options` shows and accepts the option while `tracer` is current: the
// global ones always, a tracer's own only while it is current (Linux), though options/
// holds every one.
bool option_listed_for(const OptionInfo& info, StringView tracer);
// One `trace_options` write: "name" or "noname", surrounding blanks ignored. Unknown, or an
// option of a tracer that is not current -> EINVAL (Linux).
Result<TraceOptions::Change> parse_option_write(StringView text, StringView tracer);

}  // namespace tg::trace
