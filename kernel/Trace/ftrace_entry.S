/* The fentry trampolines. A live call site is `call ftrace_caller` as the first instruction
 * of a traced function, so on entry:
 *   0(%rsp)  return address into the traced function = site + 5
 *   8(%rsp)  the traced function's own return address (its caller, the "parent")
 * and %rsp is 16-byte aligned (the caller's call pushed 8, the site's call another 8).
 * Arguments of the traced function are still in registers: everything the C++ side may
 * clobber is saved. */

.section .text.hot, "ax", @progbits  /* with the recording path: see linker.ld */
.code64

.global ftrace_caller
.type ftrace_caller, @function
ftrace_caller:
    pushq %rbp
    movq %rsp, %rbp
    pushq %rax
    pushq %rcx
    pushq %rdx
    pushq %rsi
    pushq %rdi
    pushq %r8
    pushq %r9
    pushq %r10
    pushq %r11
    /* 10 pushes: %rsp is 16-byte aligned again for the call. */
    movq 8(%rbp), %rdi
    subq $5, %rdi             /* ip: the call site, i.e. the traced function */
    leaq 16(%rbp), %rsi       /* where the parent return address lives (graph hooks it) */
    call ftrace_dispatch
    popq %r11
    popq %r10
    popq %r9
    popq %r8
    popq %rdi
    popq %rsi
    popq %rdx
    popq %rcx
    popq %rax
    popq %rbp
    ret
.size ftrace_caller, . - ftrace_caller

/* A hooked function "returns" here (function_graph, function_duration). %rsp is 16-byte
 * aligned (the caller's alignment before its call). The return value is in %rax:%rdx;
 * ftrace_graph_return pops the task's shadow stack and gives back the real return address.
 * It keeps working after tracing is turned off: frames pushed earlier stay valid. */
.global return_to_handler
.type return_to_handler, @function
return_to_handler:
    subq $32, %rsp
    movq %rax, 0(%rsp)
    movq %rdx, 8(%rsp)
    movq %rbp, 16(%rsp)
    movq %rsp, %rbp
    movq %rax, %rdi
    call ftrace_graph_return
    movq %rax, %rcx           /* caller-clobbered and not part of the return value */
    movq 0(%rsp), %rax
    movq 8(%rsp), %rdx
    movq 16(%rsp), %rbp
    addq $32, %rsp
    jmp *%rcx
.size return_to_handler, . - return_to_handler
