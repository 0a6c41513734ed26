/* GCC's -pg -mfentry puts `call __fentry__` first in each function: here that call reaches
 * the kernel's own trampoline, as a site the kernel patched would (a jump leaves the stack as
 * the trampoline expects it). */
.text
.global __fentry__
.hidden __fentry__
.type __fentry__, @function
__fentry__:
    jmp ftrace_caller
.size __fentry__, . - __fentry__
.section .note.GNU-stack, "", @progbits
