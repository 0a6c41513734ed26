#pragma once

#include "Arch/x86_64/TrapFrame.h"
#include "Lib/Types.h"

// Vector plan. Exceptions own 0-31; device lines from the IOAPIC start at kIrqBase.
constexpr u8 kVectorTimer = 0x20;
constexpr u8 kVectorReschedule = 0x21;
constexpr u8 kVectorStopMachine = 0x22;  // Trace/StopMachine: park a CPU while text is patched
constexpr u8 kVectorRcu = 0x23;          // Tasks/Rcu: ask a CPU for a quiescent state now
constexpr u8 kVectorIrqBase = 0x30;      // IOAPIC pin n arrives as kVectorIrqBase + n
constexpr u8 kVectorSpurious = 0xff;

using InterruptHandler = void (*)(TrapFrame& frame, void* context);

void idt_init();
void idt_load();

// Installs the handler run for `vector` (>= 32), between irq_enter and irq_exit.
void interrupt_register(u8 vector, InterruptHandler handler, void* context);

// Hook points for a tracer: called on every external interrupt, on the interrupted CPU,
// with interrupts masked, just inside irq_enter and just before irq_exit returns. The
// hooks must be notrace. Passing nullptr removes them.
struct IrqTraceHooks {
  void (*on_entry)(u32 vector, const TrapFrame& frame);
  void (*on_exit)(u32 vector);
};
void irq_set_trace_hooks(const IrqTraceHooks* hooks);
// The handler registered for `vector` (0 if none): the function a tracer shows for it.
u64 interrupt_handler_address(u32 vector);

// Breakpoint (#BP) and debug (#DB) exceptions a tracer claims (kprobes inside functions):
// each returns true when it handled the exception (it may edit the frame), false to leave
// it fatal. Called with interrupts masked; the hooks must be notrace.
struct ExceptionHooks {
  bool (*on_breakpoint)(TrapFrame& frame);
  bool (*on_debug)(TrapFrame& frame);
};
void exception_set_hooks(const ExceptionHooks* hooks);

// Exceptions: print a register dump and end QEMU with ExitCode::Failure.
noreturn_fn void exception_fatal(TrapFrame& frame);
