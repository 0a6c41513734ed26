/* Real-mode start for application processors. smp_boot copies this blob to
 * kApTrampolinePhys (0x8000, SIPI vector 0x08) and fills in the three parameters at its end;
 * the AP climbs to long mode on the kernel's page tables and jumps to ap_entry. */

#define TRAMPOLINE_BASE 0x8000
#define AT(label) (TRAMPOLINE_BASE + (label - ap_trampoline_start))

.section .rodata
.align 16
.global ap_trampoline_start
ap_trampoline_start:
.code16
    cli
    cld
    xorw %ax, %ax
    movw %ax, %ds
    lgdtl AT(ap_gdt_pointer)
    movl %cr0, %eax
    orl $1, %eax
    movl %eax, %cr0
    ljmpl $0x08, $AT(ap_protected)

.code32
ap_protected:
    movw $0x10, %ax
    movw %ax, %ds
    movw %ax, %es
    movw %ax, %ss
    movl %cr4, %eax
    orl $(1 << 5), %eax
    movl %eax, %cr4
    movl AT(ap_cr3), %eax
    movl %eax, %cr3
    movl $0xc0000080, %ecx
    rdmsr
    orl $((1 << 8) | (1 << 11)), %eax
    wrmsr
    movl %cr0, %eax
    orl $((1 << 31) | (1 << 16)), %eax
    movl %eax, %cr0
    ljmp $0x18, $AT(ap_long)

.code64
ap_long:
    movw $0x10, %ax
    movw %ax, %ds
    movw %ax, %es
    movw %ax, %ss
    movq AT(ap_stack), %rsp
    xorl %ebp, %ebp
    movq AT(ap_entry), %rax
    jmp *%rax

.align 8
ap_gdt:
    .quad 0
    .quad 0x00cf9a000000ffff    /* 0x08: 32-bit code */
    .quad 0x00cf92000000ffff    /* 0x10: data */
    .quad 0x00af9a000000ffff    /* 0x18: 64-bit code */
ap_gdt_pointer:
    .word ap_gdt_pointer - ap_gdt - 1
    .long AT(ap_gdt)
.align 8
.global ap_trampoline_cr3
ap_trampoline_cr3:
ap_cr3:
    .quad 0
.global ap_trampoline_stack
ap_trampoline_stack:
ap_stack:
    .quad 0
.global ap_trampoline_entry
ap_trampoline_entry:
ap_entry:
    .quad 0
.global ap_trampoline_end
ap_trampoline_end:
