/* Task* switch_to(Task* prev, Task* next)
 * Saves prev's callee-saved registers and stack pointer (Task::saved_rsp, offset 0),
 * resumes next. Returns, in next's context, the task that switched to it, so the
 * scheduler can finish the hand-off (release the run-queue lock, reap a dead task). */
.section .text
.code64
.global switch_to
switch_to:
    pushq %rbp
    pushq %rbx
    pushq %r12
    pushq %r13
    pushq %r14
    pushq %r15
    movq %rsp, (%rdi)
    movq (%rsi), %rsp
    popq %r15
    popq %r14
    popq %r13
    popq %r12
    popq %rbx
    popq %rbp
    movq %rdi, %rax
    ret

/* A new task's first return from switch_to lands here, with the previous task in %rax. */
.global task_entry_trampoline
task_entry_trampoline:
    movq %rax, %rdi
    call task_bootstrap
    ud2
