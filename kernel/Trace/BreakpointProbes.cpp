#include "Trace/BreakpointProbes.h"

#include "Arch/x86_64/InstructionDecoder.h"
#include "Arch/x86_64/Interrupts.h"
#include "Arch/x86_64/PerCpu.h"
#include "Console/Log.h"
#include "Lib/String.h"
#include "Memory/Heap.h"
#include "Trace/TraceContext.h"
#include "Trace/Tracefs.h"
#include "Trace/TracerGuard.h"

extern "C" u8 breakpoint_step_slots[];
extern "C" u8 breakpoint_step_slots_end[];

namespace {
constexpr u8 kInt3 = 0xcc;
constexpr u64 kFlagTrap = 1u << 8;
constexpr u64 kFlagInterrupts = 1u << 9;
constexpr u32 kSlotSize = 16;
constexpr u32 kMaxBreakpoints = tg::trace::ProbeEvents::kMaxProbes;

// One int3 the patcher placed (or is about to). `armed` changes only inside stop_machine, so
// a #BP handler that finds an armed entry reads a whole one; an entry is refilled only while
// it is neither armed nor wanted.
struct Breakpoint {
  u64 address;
  u8 original[kSlotSize];  // the displaced instruction
  u8 length;
  bool armed;
  bool want;
};
Breakpoint g_breakpoints[kMaxBreakpoints];

// The single step in progress on a CPU: where to resume, and the IF to give back.
struct StepState {
  u64 slot_end;
  u64 resume;
  u64 interrupts;
  bool active;
};
StepState g_steps[kMaxCpus];

static_assert(kSlotSize * kMaxCpus == 8 * 16, "breakpoint_slots.S holds 8 slots of 16 bytes");

notrace Breakpoint* armed_at(u64 address) {
  for (Breakpoint& bp : g_breakpoints)
    if (__atomic_load_n(&bp.armed, __ATOMIC_ACQUIRE) && bp.address == address) return &bp;
  return nullptr;
}

// The trap frame's registers in the order ProbeHit reads them (ftrace_entry.S's block).
notrace void probe_registers(const TrapFrame& f, u64 (&out)[15]) {
  const u64 ordered[15] = {f.r15, f.r14, f.r13, f.r12, f.rbx, f.r11, f.r10, f.r9,
                           f.r8,  f.rdi, f.rsi, f.rdx, f.rcx, f.rax, f.rbp};
  for (u32 i = 0; i < 15; ++i) out[i] = ordered[i];
}

notrace void fire_probes(const TrapFrame& frame, u64 address) {
  tg::trace::Tracing* tracing = tg::trace::tracing();
  if (!tracing) return;
  TracerGuard guard;
  if (!guard.entered()) return;  // a breakpoint hit by the probe code itself: just step it
  u64 registers[15];
  probe_registers(frame, registers);
  tg::trace::ProbeHit hit{registers, address, frame.rsp, 0, 0};
  tracing->probes().fire(*tracing, trace_context(guard.saved_flags()), hit, false);
}

// Copies the displaced instruction into this CPU's slot and returns through it with TF set
// and interrupts off: the CPU runs that one instruction, then takes #DB.
notrace void step_out_of_line(TrapFrame& frame, const Breakpoint& bp) {
  u32 cpu = this_cpu_id();
  volatile u8* slot = breakpoint_step_slots + cpu * kSlotSize;
  for (u32 i = 0; i < bp.length; ++i) slot[i] = bp.original[i];
  StepState& step = g_steps[cpu];
  step.slot_end = reinterpret_cast<u64>(slot) + bp.length;
  step.resume = bp.address + bp.length;
  step.interrupts = frame.rflags & kFlagInterrupts;
  step.active = true;
  frame.rip = reinterpret_cast<u64>(slot);
  frame.rflags = (frame.rflags | kFlagTrap) & ~kFlagInterrupts;
}

notrace bool on_breakpoint(TrapFrame& frame) {
  u64 address = frame.rip - 1;  // int3 traps after itself
  Breakpoint* bp = armed_at(address);
  if (!bp) return false;
  fire_probes(frame, address);
  step_out_of_line(frame, *bp);
  return true;
}

notrace bool on_debug(TrapFrame& frame) {
  StepState& step = g_steps[this_cpu_id()];
  if (!step.active || frame.rip != step.slot_end) return false;
  step.active = false;
  frame.rip = step.resume;
  frame.rflags = (frame.rflags & ~kFlagTrap) | step.interrupts;
  return true;
}

const ExceptionHooks kHooks = {on_breakpoint, on_debug};

Breakpoint* planned_at(u64 address) {
  for (Breakpoint& bp : g_breakpoints)
    if ((bp.armed || bp.want) && bp.address == address) return &bp;
  return nullptr;
}

Breakpoint* free_entry() {
  for (Breakpoint& bp : g_breakpoints)
    if (!bp.armed && !bp.want) return &bp;
  return nullptr;
}
}  // namespace

void breakpoint_probes_init() {
  KASSERT(breakpoint_step_slots_end - breakpoint_step_slots == kSlotSize * kMaxCpus);
  exception_set_hooks(&kHooks);
}

tg::Errno breakpoint_check_point(u64 function, u32 size, u64 address) {
  if (!size) return tg::Errno::kInval;
  u8* text = static_cast<u8*>(kmalloc(size));
  if (!text) return tg::Errno::kNoMem;
  memcpy(text, reinterpret_cast<const void*>(function), size);
  // Another probe's int3 reads as the instruction byte it replaced.
  for (const Breakpoint& bp : g_breakpoints)
    if (bp.armed && bp.address >= function && bp.address < function + size)
      text[bp.address - function] = bp.original[0];
  ProbePointVerdict verdict = check_probe_point(text, size, address - function);
  kfree(text);
  if (verdict == ProbePointVerdict::kNotBoundary) return tg::Errno::kIlSeq;
  return verdict == ProbePointVerdict::kOk ? tg::Errno::kOk : tg::Errno::kInval;
}

void breakpoints_plan(tg::trace::Tracing& tracing) {
  for (Breakpoint& bp : g_breakpoints) bp.want = false;
  tracing.probes().for_each_breakpoint([](u64 address) {
    if (Breakpoint* bp = planned_at(address)) {
      bp->want = true;
      return;
    }
    Breakpoint* bp = free_entry();
    if (!bp) return;  // as many entries as probes: never
    DecodedInstruction insn =
        decode_instruction(reinterpret_cast<const u8*>(address), kSlotSize - 1);
    if (!insn.length || insn.kind != InstructionKind::kSteppable) return;
    bp->address = address;
    memcpy(bp->original, reinterpret_cast<const void*>(address), insn.length);
    bp->length = insn.length;
    bp->want = true;
  });
}

u32 breakpoints_rewrite() {
  u32 changed = 0;
  for (Breakpoint& bp : g_breakpoints) {
    u8* text = reinterpret_cast<u8*>(bp.address);
    if (bp.want && !bp.armed) {
      if (*text != bp.original[0]) continue;  // not the bytes we decoded: leave it alone
      *text = kInt3;
      __atomic_store_n(&bp.armed, true, __ATOMIC_RELEASE);
      ++changed;
    } else if (!bp.want && bp.armed) {
      *text = bp.original[0];
      __atomic_store_n(&bp.armed, false, __ATOMIC_RELEASE);
      ++changed;
    }
  }
  return changed;
}
