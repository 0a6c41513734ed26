#pragma once
#include "ring/RingBuffer.h"
#include "support/Result.h"
#include "support/StringView.h"
#include "support/TextWriter.h"

namespace tg::trace {

class TraceInstance;
class OutputState;

// A tracer is a table of operations the core drives, as Linux's `struct tracer`: adding a
// tracer never touches the core. Recording entry points live with each tracer
// (FunctionTracer.h, GraphTracer.h ...); these ops are what the core needs to switch and print.
struct Tracer {
  StringView name;
  // Which instrumentation the tracer needs patched in.
  bool traces_functions;  // fentry sites call into the tracer
  bool hooks_returns;     // function_graph / function_duration: return hook on
  // May run in instances/NAME as well as the top directory (Linux's allow_instances).
  bool in_instances;
  Status (*init)(TraceInstance& instance);
  void (*reset)(TraceInstance& instance);
  // The comment block at the top of `trace` (after the common "# tracer: NAME" lines).
  void (*print_header)(OutputState& state, TextWriter& out);
  // Formats the entry the iterator is at and advances past everything it consumed (a graph
  // leaf consumes its entry and return). Returns false when the entry produced no text.
  bool (*print_entry)(OutputState& state, ring::TraceBuffer::Iterator& it, TextWriter& out);
};

// Every tracer, in available_tracers order.
Span<const Tracer* const> all_tracers();
const Tracer* find_tracer(StringView name);

}  // namespace tg::trace
