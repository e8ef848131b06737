/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * qemu-r52 image, assembly part (A32, Hyp mode = EL2): the entry (stack,
 * HVBAR, .bss, main, exit through semihosting), the Hyp vector table and
 * its one handler path (the registers saved in a frame, C decides, the
 * frame restored, ERET), the probes whose faults the handler recognises,
 * the guest's entry into EL1 (SVC mode) and the way back, and memcpy /
 * memset, which the compiler may call (tests/qemu/common/mem32.inc).
 */
	.syntax unified
	.arm

	.section .text.boot, "ax"
	.global _start
	.type _start, %function
_start:
	cpsid	aif
	ldr	sp, =__stack_top
	ldr	r0, =hyp_vectors
	mcr	p15, 4, r0, c12, c0, 0	@ HVBAR
	isb
	ldr	r0, =__bss_start
	ldr	r1, =__bss_end
	mov	r2, #0
1:	cmp	r0, r1
	strlo	r2, [r0], #4
	blo	1b
	bl	main
	cmp	r0, #0
	moveq	r0, #1
	movne	r0, #0
	bl	sh_exit
2:	wfi
	b	2b
	.size _start, . - _start
	.ltorg

/*
 * The Hyp vectors (HVBAR, 32-byte aligned). Each entry records its slot
 * and goes to hyp_common: 0x04 undefined, 0x08 HVC/SVC in Hyp mode, 0x0c
 * prefetch abort, 0x10 data abort (both from Hyp mode itself), 0x14 the
 * Hyp trap (what EL1 and EL0 take to Hyp: HVC, stage-2 aborts), 0x18 IRQ,
 * 0x1c FIQ.
 */
	.section .text.hyp_vectors, "ax"
	.balign 32
	.global hyp_vectors
hyp_vectors:
	b	.		@ 0x00 reset: not taken here
	b	v_undef
	b	v_hvc
	b	v_pabt
	b	v_dabt
	b	v_trap
	b	v_irq
	b	v_fiq

/* r12 is saved first, then carries the slot number into the common path. */
	.macro vec name, slot
\name:
	push	{r12}
	mov	r12, #\slot
	b	hyp_common
	.endm
	vec	v_undef, 1
	vec	v_hvc, 2
	vec	v_pabt, 3
	vec	v_dabt, 4
	vec	v_trap, 5
	vec	v_irq, 6
	vec	v_fiq, 7

/*
 * The frame (struct hyp_frame in image.h), from the stack pointer up:
 * ELR_hyp, SPSR_hyp, a pad, the slot, r0..r11, lr, r12. An exception taken
 * to Hyp mode changes no LR, so lr is the interrupted code's (of its mode).
 * C may change any of it; ELR_hyp and SPSR_hyp are written back before
 * the ERET.
 */
hyp_common:
	push	{r0-r11, lr}		@ r12 is already on the stack, above r11
	mrs	r0, ELR_hyp
	mrs	r1, SPSR_hyp
	push	{r0, r1, r2, r12}	@ elr, spsr, (pad: 8-byte aligned calls), slot
	mov	r0, sp			@ struct hyp_frame
	bl	hyp_exception
	pop	{r0, r1, r2, r12}
	msr	ELR_hyp, r0
	msr	SPSR_hyp, r1
	pop	{r0-r11, lr}
	pop	{r12}
	eret

/*
 * guest_enter(entry, sp): enter the EL1 guest in SVC mode at @entry with
 * SP_svc = @sp (HCR, the EL2 MPU and the guest's memory are set up by the
 * caller), interrupts masked. Returns the value a handler passes to
 * guest_exit(): the handler's stack is dropped, the caller's callee-saved
 * registers come back.
 */
	.section .text.guest_enter, "ax"
	.global guest_enter, guest_exit
	.type guest_enter, %function
guest_enter:
	push	{r4-r11, lr}
	ldr	r2, =host_sp
	str	sp, [r2]
	msr	ELR_hyp, r0
	mov	r3, #0x1d3		@ SVC mode, A, I and F masked
	msr	SPSR_hyp, r3
	msr	SP_svc, r1
	isb
	eret
	.size guest_enter, . - guest_enter
	.type guest_exit, %function
guest_exit:
	ldr	r1, =host_sp
	ldr	sp, [r1]
	pop	{r4-r11, lr}
	bx	lr
	.size guest_exit, . - guest_exit
	.ltorg

	.section .bss.host_sp, "aw", %nobits
	.balign 4
host_sp:
	.skip 4

/* The probes: loads and stores whose aborts the handler skips. */
	.section .text.probes, "ax"
	.global probe_ld, probe_ld_insn, probe_st, probe_st_insn
	.type probe_ld, %function
probe_ld:
probe_ld_insn:
	ldr	r0, [r0]
	bx	lr
	.size probe_ld, . - probe_ld
	.type probe_st, %function
probe_st:
probe_st_insn:
	str	r1, [r0]
	bx	lr
	.size probe_st, . - probe_st

/* memset / memcpy: tests/qemu/common/mem32.inc. */
	.include "tests/qemu/common/mem32.inc"
	mem32_memset
	mem32_memcpy
