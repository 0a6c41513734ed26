#include "Arch/x86_64/Cpu.h"
#include "Arch/x86_64/DebugExit.h"
#include "Arch/x86_64/Interrupts.h"
#include "Arch/x86_64/PerCpu.h"
#include "Console/Log.h"
#include "Memory/Layout.h"
#include "Tasks/Task.h"
#include "Trace/BootTracing.h"

namespace {
constexpr const char* kExceptionNames[32] = {
    "divide error",
    "debug",
    "NMI",
    "breakpoint",
    "overflow",
    "bound range",
    "invalid opcode",
    "device not available",
    "double fault",
    "coprocessor overrun",
    "invalid TSS",
    "segment not present",
    "stack fault",
    "general protection fault",
    "page fault",
    "reserved",
    "x87 FPU error",
    "alignment check",
    "machine check",
    "SIMD error",
    "virtualization",
    "control protection",
    "reserved",
    "reserved",
    "reserved",
    "reserved",
    "reserved",
    "reserved",
    "hypervisor injection",
    "VMM communication",
    "security",
    "reserved",
};

void dump_registers(const TrapFrame& f) {
  klog_emergency("RIP: %04lx:%016lx RFLAGS: %016lx", f.cs, f.rip, f.rflags);
  klog_emergency("RSP: %04lx:%016lx ERR: %016lx", f.ss, f.rsp, f.error_code);
  klog_emergency("RAX: %016lx RBX: %016lx RCX: %016lx", f.rax, f.rbx, f.rcx);
  klog_emergency("RDX: %016lx RSI: %016lx RDI: %016lx", f.rdx, f.rsi, f.rdi);
  klog_emergency("RBP: %016lx R8:  %016lx R9:  %016lx", f.rbp, f.r8, f.r9);
  klog_emergency("R10: %016lx R11: %016lx R12: %016lx", f.r10, f.r11, f.r12);
  klog_emergency("R13: %016lx R14: %016lx R15: %016lx", f.r13, f.r14, f.r15);
  klog_emergency("CR2: %016lx CR3: %016lx", read_cr2(), read_cr3());
}

// Walks saved frame pointers while they stay in kernel memory (stacks live in the direct
// map); a task's outermost frame has rbp 0.
void dump_backtrace(u64 rbp) {
  klog_emergency("Call trace:");
  for (int depth = 0; depth < 16 && rbp >= kDirectMapBase && (rbp & 7) == 0; ++depth) {
    auto* frame = reinterpret_cast<const u64*>(rbp);
    klog_emergency("  [<%016lx>]", frame[1]);
    rbp = frame[0];
  }
}
}  // namespace

notrace void exception_fatal(TrapFrame& frame) {
  const char* name = kExceptionNames[frame.vector & 31];
  Task* task = current_task();
  klog_emergency("EXCEPTION %lu (%s) in task %s-%d", frame.vector, name, task ? task->comm : "boot",
                 task ? task->pid : -1);
  dump_registers(frame);
  dump_backtrace(frame.rbp);
  ftrace_dump_on_oops();
  qemu_exit(ExitCode::Failure);
}
