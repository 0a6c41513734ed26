/* One out-of-line slot per CPU (kMaxCpus of them, 16 bytes each) where a kprobe's displaced
 * instruction is single-stepped. In .text so that it is executable; the kernel image is
 * mapped writable, so the #BP handler copies the instruction straight in. */
.section .text
.balign 16
.global breakpoint_step_slots
breakpoint_step_slots:
    .fill 8 * 16, 1, 0xcc
.global breakpoint_step_slots_end
breakpoint_step_slots_end:
