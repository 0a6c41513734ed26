#include "Arch/x86_64/Interrupts.h"

#include "Arch/x86_64/Lapic.h"
#include "Arch/x86_64/PerCpu.h"
#include "Console/Log.h"
#include "Tasks/Scheduler.h"

namespace {
struct HandlerSlot {
  InterruptHandler handler;
  void* context;
};

HandlerSlot g_handlers[256];
const IrqTraceHooks* g_trace_hooks;
const ExceptionHooks* g_exception_hooks;

constexpr u32 kVectorDebug = 1;
constexpr u32 kVectorBreakpoint = 3;

notrace bool exception_claimed(u32 vector, TrapFrame& frame) {
  const ExceptionHooks* hooks = __atomic_load_n(&g_exception_hooks, __ATOMIC_ACQUIRE);
  if (!hooks) return false;
  if (vector == kVectorBreakpoint) return hooks->on_breakpoint && hooks->on_breakpoint(frame);
  if (vector == kVectorDebug) return hooks->on_debug && hooks->on_debug(frame);
  return false;
}

notrace void irq_enter(u32 vector, const TrapFrame& frame) {
  PerCpu* cpu = this_cpu();
  ++cpu->irq_depth;
  ++cpu->irq_count;
  const IrqTraceHooks* hooks = __atomic_load_n(&g_trace_hooks, __ATOMIC_ACQUIRE);
  if (hooks && hooks->on_entry) hooks->on_entry(vector, frame);
}

notrace void irq_exit(u32 vector) {
  const IrqTraceHooks* hooks = __atomic_load_n(&g_trace_hooks, __ATOMIC_ACQUIRE);
  if (hooks && hooks->on_exit) hooks->on_exit(vector);
  --this_cpu()->irq_depth;
}
}  // namespace

void interrupt_register(u8 vector, InterruptHandler handler, void* context) {
  KASSERT(vector >= 32);
  g_handlers[vector] = HandlerSlot{handler, context};
}

notrace u64 interrupt_handler_address(u32 vector) {
  return vector < 256 ? reinterpret_cast<u64>(g_handlers[vector].handler) : 0;
}

void exception_set_hooks(const ExceptionHooks* hooks) {
  __atomic_store_n(&g_exception_hooks, hooks, __ATOMIC_RELEASE);
}

void irq_set_trace_hooks(const IrqTraceHooks* hooks) {
  __atomic_store_n(&g_trace_hooks, hooks, __ATOMIC_RELEASE);
}

// Entered from interrupt_common with interrupts masked, on the interrupted task's stack.
// Preemption happens here, after the handler: switching away parks this frame on the
// task's stack and the task resumes through the same iretq later.
extern "C" notrace void interrupt_dispatch(TrapFrame* frame) {
  u32 vector = static_cast<u32>(frame->vector);
  if (vector < 32) {
    if (exception_claimed(vector, *frame)) return;
    exception_fatal(*frame);
  }
  if (vector == kVectorSpurious) return;

  // Masked from the entry to the iretq: reported as Linux's irq entry and exit are.
  if (__builtin_expect(g_trace_irqflags, false)) trace_hardirqs_off();
  irq_enter(vector, *frame);
  if (__builtin_expect(g_trace_preempt, false)) trace_preempt_irq_edge(true);
  const HandlerSlot& slot = g_handlers[vector];
  if (slot.handler) slot.handler(*frame, slot.context);
  lapic_eoi();
  if (__builtin_expect(g_trace_preempt, false)) trace_preempt_irq_edge(false);
  irq_exit(vector);

  PerCpu* cpu = this_cpu();
  if (cpu->need_resched && cpu->preempt_count == 0 && cpu->irq_depth == 0) {
    schedule_from_interrupt();
  }
  if (__builtin_expect(g_trace_irqflags, false)) trace_hardirqs_on();
}
