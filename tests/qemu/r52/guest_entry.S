/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * qemu-r52 guest, assembly part (A32, SVC mode = EL1): its entry (vectors,
 * the Abort mode stack, guest_main, the exit HVC), its vector table, whose
 * data abort entry records the fault and skips the probe that took it,
 * the probes, and memset / memcpy for its copy of the library (from
 * tests/qemu/common/mem32.inc).
 */
	.syntax unified
	.arm

	.section .text.guest_entry, "ax"
	.global guest_entry
	.type guest_entry, %function
guest_entry:
	ldr	r0, =guest_vectors
	mcr	p15, 0, r0, c12, c0, 0	@ VBAR
	isb
	cps	#0x17			@ Abort mode: its own stack
	ldr	sp, =guest_abt_stack_top
	cps	#0x13			@ back to SVC
	bl	guest_main
	mov	r1, r0
	movw	r0, #0x103		@ R52_HC_EXIT
	hvc	#0
1:	b	1b
	.size guest_entry, . - guest_entry
	.ltorg

	.balign 32
guest_vectors:
	b	.
	b	g_other			@ undefined
	b	g_other			@ SVC
	b	g_other			@ prefetch abort
	b	g_dabt			@ data abort
	b	g_other
	b	g_other			@ IRQ
	b	g_other			@ FIQ

/* In Abort mode: lr = the faulting instruction + 8. */
g_dabt:
	push	{r0-r3, r12, lr}
	sub	r0, lr, #8
	bl	guest_dabt		@ records it; stops the guest if not a probe
	pop	{r0-r3, r12, lr}
	subs	pc, lr, #4		@ resume after the faulting instruction

g_other:
	mrs	r1, cpsr
	and	r1, r1, #0x1f		@ the mode the exception was taken to
	add	r1, r1, #0xe000
	movw	r0, #0x103		@ R52_HC_EXIT with a status that names it
	hvc	#0
2:	b	2b

	.section .text.guest_probes, "ax"
	.global guest_ld, guest_ld_insn, guest_st, guest_st_insn
	.type guest_ld, %function
guest_ld:
guest_ld_insn:
	ldr	r0, [r0]
	bx	lr
	.size guest_ld, . - guest_ld
	.type guest_st, %function
guest_st:
guest_st_insn:
	str	r1, [r0]
	bx	lr
	.size guest_st, . - guest_st

/* The guest's own memset / memcpy (it is linked apart): tests/qemu/common/mem32.inc. */
	.include "tests/qemu/common/mem32.inc"
	mem32_memset
	mem32_memcpy

	.section .bss.guest_abt_stack, "aw", %nobits
	.balign 64
	.skip 1024
guest_abt_stack_top:
