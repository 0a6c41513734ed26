/* The fentry trampolines. A live call site is `call ftrace_caller` as the first instruction
 * of a traced function, or `call ftrace_regs_caller` when the site carries a probe (the code
 * patcher picks one per site, as Linux's ftrace picks ftrace_regs_caller only for ops that
 * want pt_regs), so on entry:
 *   0(%rsp)  return address into the traced function = site + 5
 *   8(%rsp)  the traced function's own return address (its caller, the "parent")
 * and %rsp is 16-byte aligned (the caller's call pushed 8, the site's call another 8).
 * Arguments of the traced function are still in registers. ftrace_caller saves only the
 * registers a call may carry arguments in (and %rax, varargs' vector count), as Linux's
 * does; ftrace_regs_caller saves every general register, and their block is what a kprobe's
 * %REG and $argN read (tracefs's ProbeHit order: r15 r14 r13 r12 rbx r11 r10 r9 r8 rdi rsi
 * rdx rcx rax rbp, lowest address first). */

/* The registers a call may carry arguments in, and %rax (varargs' vector count): what
 * ftrace_caller and ftrace_stub_caller keep for the traced function. */
.macro PUSH_ARGUMENT_REGISTERS
    pushq %rax
    pushq %rcx
    pushq %rdx
    pushq %rsi
    pushq %rdi
    pushq %r8
    pushq %r9
.endm
.macro POP_ARGUMENT_REGISTERS
    popq %r9
    popq %r8
    popq %rdi
    popq %rsi
    popq %rdx
    popq %rcx
    popq %rax
.endm

/* Every general register but %rbp (pushed first by each trampoline), in ProbeHit's order:
 * ftrace_regs_caller and return_to_handler must lay the block out the same way. */
.macro PUSH_REGISTER_BLOCK
    PUSH_ARGUMENT_REGISTERS
    pushq %r10
    pushq %r11
    pushq %rbx
    pushq %r12
    pushq %r13
    pushq %r14
    pushq %r15
.endm

/* A return hook's frame: the return value saved (everything else is callee-saved or dead at
 * a return), a frame pointer on the saved %rbp slot for backtraces, the return value as
 * ftrace_graph_return's first argument and the TSC, read at once, as its third (in %rdx);
 * %rsp is then 16-byte aligned for the call (3 pushes and 8). */
.macro SAVE_RETURN_VALUE_READ_TSC
    pushq %rbp
    movq %rsp, %rbp
    pushq %rax
    pushq %rdx
    movq %rax, %rdi
    rdtsc
    subq $8, %rsp
    shlq $32, %rdx
    orq %rax, %rdx
.endm
/* The address ftrace_graph_return gave moves to %rcx (caller-clobbered and not part of the
 * return value), the return value comes back and the frame goes. */
.macro RESTORE_RETURN_VALUE
    movq %rax, %rcx
    addq $8, %rsp
    popq %rdx
    popq %rax
    popq %rbp
.endm

.section .text.hot, "ax", @progbits  /* with the recording path: see linker.ld */
.code64

.global ftrace_caller
.type ftrace_caller, @function
ftrace_caller:
    pushq %rbp
    movq %rsp, %rbp
    PUSH_ARGUMENT_REGISTERS   /* and %rbp: %rsp is 16-byte aligned for the call */
    movq 8(%rbp), %rdi
    subq $5, %rdi             /* ip: the call site, i.e. the traced function */
    leaq 16(%rbp), %rsi       /* where the parent return address lives (graph hooks it) */
    movq (%rbp), %rdx         /* the traced function's caller's frame */
    call ftrace_dispatch
    POP_ARGUMENT_REGISTERS
    popq %rbp
    ret
.size ftrace_caller, . - ftrace_caller

.global ftrace_regs_caller
.type ftrace_regs_caller, @function
ftrace_regs_caller:
    pushq %rbp
    movq %rsp, %rbp
    PUSH_REGISTER_BLOCK
    subq $8, %rsp             /* 15 pushes and 8: %rsp is 16-byte aligned for the call */
    movq 8(%rbp), %rdi
    subq $5, %rdi
    leaq 16(%rbp), %rsi
    leaq 8(%rsp), %rdx        /* the saved registers */
    call ftrace_regs_dispatch
    addq $8, %rsp
    popq %r15
    popq %r14
    popq %r13
    popq %r12
    popq %rbx
    popq %r11
    popq %r10
    POP_ARGUMENT_REGISTERS
    popq %rbp
    ret
.size ftrace_regs_caller, . - ftrace_regs_caller

/* A site whose returns a tracer hooks (function_graph, function_duration, the profiler) jumps
 * to a stub of its own (GraphStubs.cpp) rather than calling ftrace_caller:
 *   +0   call ftrace_stub_caller
 *   +5   jnz  +17                  not hooked: run the function as a plain call would
 *   +7   call function+5           hooked: the function returns here, predicted
 *   +12  jmp  ftrace_stub_return
 *   +17  jmp  function+5
 * so a hooked function returns into its stub through a call the stub made, and the stub
 * returns to the real caller through the call that caller made: both returns are predicted,
 * where a return slot swapped for return_to_handler mispredicts every traced call.
 * ftrace_stub_caller is entered as ftrace_caller is (0(%rsp) the stub + 5, 8(%rsp) the
 * parent's return address, %rsp 16-byte aligned). When the dispatch hooked the return (the
 * slot holds return_to_handler; its frame keeps the real address), the slot is dropped from
 * the stack before returning with ZF set, so that the stub's own call puts its return address
 * where the caller's was: the function finds its stack arguments where they were. */
.global ftrace_stub_caller
.type ftrace_stub_caller, @function
ftrace_stub_caller:
    pushq %rbp
    movq %rsp, %rbp
    PUSH_ARGUMENT_REGISTERS   /* and %rbp: %rsp is 16-byte aligned for the call */
    movq 8(%rbp), %rdi        /* the stub + 5 */
    movslq 3(%rdi), %rax      /* the displacement of its `call function+5` */
    leaq 2(%rdi,%rax), %rdi   /* ip: the function */
    leaq 16(%rbp), %rsi
    movq (%rbp), %rdx
    call ftrace_dispatch
    POP_ARGUMENT_REGISTERS
    popq %rbp
    leaq return_to_handler(%rip), %r11  /* dead at a function's entry, as in ftrace_caller */
    cmpq %r11, 8(%rsp)
    jne 1f
    popq %r11                 /* hooked: the stub's return address moves up over the slot */
    movq %r11, (%rsp)
1:  ret
.size ftrace_stub_caller, . - ftrace_stub_caller

/* A hooked function returned into its stub, which jumps here with %rsp as after the return.
 * As return_to_handler, but every frame the call pushed is popped here (several hooks chain
 * through return_to_handler), and the real return address is reached by `ret`, which the
 * caller's own call predicts. */
.global ftrace_stub_return
.type ftrace_stub_return, @function
ftrace_stub_return:
    SAVE_RETURN_VALUE_READ_TSC
    movq %rdx, (%rsp)         /* the TSC, kept for the next frame in the slot just made */
1:  xorl %esi, %esi
    call ftrace_graph_return
    leaq return_to_handler(%rip), %rcx
    cmpq %rcx, %rax
    jne 2f
    movq -8(%rbp), %rdi       /* another hook's frame: its return is now too */
    movq (%rsp), %rdx
    jmp 1b
2:  RESTORE_RETURN_VALUE
    pushq %rcx
    ret
.size ftrace_stub_return, . - ftrace_stub_return

/* A hooked function "returns" here (function_graph, function_duration, the profiler). %rsp
 * is 16-byte aligned (the caller's alignment before its call). The return value is in
 * %rax:%rdx; ftrace_graph_return pops the task's shadow stack and gives back the real return
 * address. It keeps working after tracing is turned off: frames pushed earlier stay valid.
 * Only the return value needs saving: everything else is callee-saved or dead here.
 * The return's time is read first, as soon as the return value is saved, and handed on as
 * the TSC (trace_clock_at gives every trace clock from it): the pipeline is empty after the
 * mispredicted return into this hook, and the slow, microcoded read then costs less than
 * later in ftrace_graph_return, behind its loads and checks (measured: entry_path_bench,
 * docs/tracing.md). Like Linux's rettime, it is read before interrupts are masked. */
.global return_to_handler
.type return_to_handler, @function
return_to_handler:
    SAVE_RETURN_VALUE_READ_TSC
    xorl %esi, %esi           /* no register block */
    call ftrace_graph_return
    RESTORE_RETURN_VALUE
    jmp *%rcx
.size return_to_handler, . - return_to_handler

/* The same for a return probe's frame (kretprobe, fprobe exit), which reads the registers:
 * the block ftrace_regs_caller saves. */
.global return_to_regs_handler
.type return_to_regs_handler, @function
return_to_regs_handler:
    pushq %rbp
    PUSH_REGISTER_BLOCK
    movq %rax, %rdi
    rdtsc
    subq $8, %rsp
    leaq 120(%rsp), %rbp      /* frame pointer on the saved %rbp slot, for backtraces */
    shlq $32, %rdx
    orq %rax, %rdx            /* the TSC */
    leaq 8(%rsp), %rsi
    call ftrace_graph_return
    movq %rax, %rcx
    movq 112(%rsp), %rax
    movq 96(%rsp), %rdx
    movq 120(%rsp), %rbp
    addq $128, %rsp
    jmp *%rcx
.size return_to_regs_handler, . - return_to_regs_handler

/* The stubs, one per site (GraphStubs.cpp writes them at start-up), int3 until then. */
.section .text.stubs, "ax", @progbits
.global ftrace_graph_stubs
.global ftrace_graph_stubs_end
.balign 32
ftrace_graph_stubs:
    .fill 1024 * 32, 1, 0xcc
ftrace_graph_stubs_end:
