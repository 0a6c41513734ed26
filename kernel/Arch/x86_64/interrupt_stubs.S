/* One entry stub per vector. Vectors whose exception pushes an error code skip the dummy
 * push, so every handler sees the same TrapFrame layout. */

.section .text
.code64

.macro STUB vector
.global interrupt_stub_\vector
interrupt_stub_\vector:
.if (\vector == 8) || (\vector >= 10 && \vector <= 14) || (\vector == 17) || (\vector == 21) || (\vector == 29) || (\vector == 30)
.else
    pushq $0
.endif
    pushq $\vector
    jmp interrupt_common
.endm

.altmacro
.macro STUB_AT n
    STUB %n
.endm
.set i, 0
.rept 256
    .align 16
    STUB_AT %i
    .set i, i + 1
.endr

interrupt_common:
    pushq %rax
    pushq %rbx
    pushq %rcx
    pushq %rdx
    pushq %rsi
    pushq %rdi
    pushq %rbp
    pushq %r8
    pushq %r9
    pushq %r10
    pushq %r11
    pushq %r12
    pushq %r13
    pushq %r14
    pushq %r15
    cld
    movq %rsp, %rdi
    call interrupt_dispatch
    popq %r15
    popq %r14
    popq %r13
    popq %r12
    popq %r11
    popq %r10
    popq %r9
    popq %r8
    popq %rbp
    popq %rdi
    popq %rsi
    popq %rdx
    popq %rcx
    popq %rbx
    popq %rax
    addq $16, %rsp
    iretq

/* The table of stub addresses, for idt_init. */
.section .rodata
.align 8
.global interrupt_stub_table
interrupt_stub_table:
.macro STUB_ADDRESS n
    .quad interrupt_stub_\n
.endm
.set i, 0
.rept 256
    STUB_ADDRESS %i
    .set i, i + 1
.endr
