/* PVH entry. QEMU's -kernel finds the XEN_ELFNOTE_PHYS32_ENTRY note, loads the image at its
 * physical addresses and enters pvh_entry in 32-bit protected mode, paging off, with %ebx
 * holding the physical address of the hvm_start_info block. This file builds the boot page
 * tables (identity, direct map, higher half), enters long mode and calls kernel_main. */

#define KERNEL_VMA 0xffffffff80000000
#define PAGE_PRESENT_WRITE 0x3
#define PAGE_HUGE 0x80
#define PAGE_UNCACHED 0x18
#define DIRECT_MAP_GIB 4

.section .note.Xen, "a", @note
.align 4
    .long 4                 /* name size: "Xen\0" */
    .long 8                 /* descriptor size */
    .long 18                /* XEN_ELFNOTE_PHYS32_ENTRY */
    .asciz "Xen"
    .align 4
    .quad pvh_entry

.section .boot.text, "ax"
.code32
.global pvh_entry
pvh_entry:
    cli
    cld
    movl %ebx, pvh_start_info

    /* 2048 large-page entries map the first 4 GiB; the top GiB (MMIO: LAPIC, IOAPIC,
     * virtio-mmio) is uncached. */
    movl $boot_pd, %edi
    xorl %ecx, %ecx
1:  movl %ecx, %eax
    shll $21, %eax
    orl $(PAGE_PRESENT_WRITE | PAGE_HUGE), %eax
    cmpl $1536, %ecx
    jb 2f
    orl $PAGE_UNCACHED, %eax
2:  movl %eax, (%edi,%ecx,8)
    movl %ecx, %edx
    shrl $11, %edx
    movl %edx, 4(%edi,%ecx,8)
    incl %ecx
    cmpl $(512 * DIRECT_MAP_GIB), %ecx
    jb 1b

    /* One PDPT serves both the identity map (PML4[0], dropped once the APs are up) and
     * the direct map at 0xffff800000000000 (PML4[256]). */
    movl $(boot_pd + PAGE_PRESENT_WRITE), %eax
    movl %eax, boot_pdpt_low
    addl $4096, %eax
    movl %eax, boot_pdpt_low + 8
    addl $4096, %eax
    movl %eax, boot_pdpt_low + 16
    addl $4096, %eax
    movl %eax, boot_pdpt_low + 24

    /* The kernel image: 0xffffffff80000000 -> physical 0, two GiB. */
    movl $(boot_pd + PAGE_PRESENT_WRITE), %eax
    movl %eax, boot_pdpt_high + 510 * 8
    addl $4096, %eax
    movl %eax, boot_pdpt_high + 511 * 8

    movl $(boot_pdpt_low + PAGE_PRESENT_WRITE), %eax
    movl %eax, boot_pml4
    movl %eax, boot_pml4 + 256 * 8
    movl $(boot_pdpt_high + PAGE_PRESENT_WRITE), %eax
    movl %eax, boot_pml4 + 511 * 8

    movl %cr4, %eax
    orl $(1 << 5), %eax             /* PAE */
    movl %eax, %cr4
    movl $boot_pml4, %eax
    movl %eax, %cr3
    movl $0xc0000080, %ecx
    rdmsr
    orl $((1 << 8) | (1 << 11)), %eax   /* EFER.LME, EFER.NXE */
    wrmsr
    movl %cr0, %eax
    orl $((1 << 31) | (1 << 16) | 1), %eax  /* PG, WP, PE */
    movl %eax, %cr0

    lgdt boot_gdt_pointer
    ljmp $0x08, $long_mode_low

.code64
long_mode_low:
    movw $0x10, %ax
    movw %ax, %ds
    movw %ax, %es
    movw %ax, %ss
    movw %ax, %fs
    movw %ax, %gs
    movabsq $kernel_high_entry, %rax
    jmp *%rax

.section .boot.data, "aw"
.align 8
.global pvh_start_info
pvh_start_info:
    .quad 0
boot_gdt:
    .quad 0
    .quad 0x00af9a000000ffff
    .quad 0x00cf92000000ffff
boot_gdt_pointer:
    .word boot_gdt_pointer - boot_gdt - 1
    .long boot_gdt

.section .boot.bss, "aw", @nobits
.align 4096
.global boot_pml4
boot_pml4:
    .skip 4096
boot_pdpt_low:
    .skip 4096
boot_pdpt_high:
    .skip 4096
boot_pd:
    .skip 4096 * DIRECT_MAP_GIB

.section .text
.code64
kernel_high_entry:
    movabsq $boot_stack_top, %rsp
    xorl %ebp, %ebp
    movabsq $pvh_start_info, %rax
    movq (%rax), %rdi
    call kernel_main
3:  cli
    hlt
    jmp 3b

.section .bss
.align 16
.global boot_stack
boot_stack:
    .skip 16384
.global boot_stack_top
boot_stack_top:
