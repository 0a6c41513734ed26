#include "Arch/x86_64/Backtrace.h"
#include "Arch/x86_64/Cpu.h"
#include "Arch/x86_64/DebugExit.h"
#include "Arch/x86_64/Interrupts.h"
#include "Arch/x86_64/PerCpu.h"
#include "Console/Log.h"
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
  dump_instruction_pointer(f.cs, f.rip);
  klog_emergency("RSP: %04lx:%016lx RFLAGS: %016lx ERR: %016lx", f.ss, f.rsp, f.rflags,
                 f.error_code);
  klog_emergency("RAX: %016lx RBX: %016lx RCX: %016lx", f.rax, f.rbx, f.rcx);
  klog_emergency("RDX: %016lx RSI: %016lx RDI: %016lx", f.rdx, f.rsi, f.rdi);
  klog_emergency("RBP: %016lx R8:  %016lx R9:  %016lx", f.rbp, f.r8, f.r9);
  klog_emergency("R10: %016lx R11: %016lx R12: %016lx", f.r10, f.r11, f.r12);
  klog_emergency("R13: %016lx R14: %016lx R15: %016lx", f.r13, f.r14, f.r15);
  klog_emergency("CR2: %016lx CR3: %016lx", read_cr2(), read_cr3());
}

}  // namespace

notrace void exception_fatal(TrapFrame& frame) {
  const char* name = kExceptionNames[frame.vector & 31];
  Task* task = current_task();
  klog_emergency("EXCEPTION %lu (%s) in task %s-%d", frame.vector, name, task ? task->comm : "boot",
                 task ? task->pid : -1);
  dump_registers(frame);
  dump_backtrace(frame.rbp, frame.rsp);
  ftrace_dump_on_oops();
  qemu_exit(ExitCode::Failure);
}
