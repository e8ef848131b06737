/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * AArch64 exception vector tables for EL3, EL2 and EL1 (one macro, three
 * instances). Every slot saves a full frame (struct am_aarch64_frame) on
 * the stack the exception selected, calls am_aarch64_exc_dispatch(frame),
 * and returns with ERET through the frame's ELR and SPSR, so a handler
 * resumes anywhere by changing frame->elr (and any register by changing
 * frame->x[]).
 */
#include "tests/qemu/aarch64/exc.h"

/* One vector slot: 0x80 bytes; x0 carries the slot number to the common code. */
	.macro ventry el, kind
	.balign 0x80
	sub	sp, sp, #AM_EXC_FRAME_SIZE
	stp	x0, x1, [sp, #0]
	mov	x0, #\kind
	b	am_aarch64_exc_common_el\el
	.endm

	.macro vtable el
	.section .text.am_aarch64_vectors_el\el, "ax"
	.balign 2048
	.global am_aarch64_vectors_el\el
	.type am_aarch64_vectors_el\el, %object
am_aarch64_vectors_el\el:
	ventry \el, (AM_EXC_CUR_SP0 | AM_EXC_SYNC)
	ventry \el, (AM_EXC_CUR_SP0 | AM_EXC_IRQ)
	ventry \el, (AM_EXC_CUR_SP0 | AM_EXC_FIQ)
	ventry \el, (AM_EXC_CUR_SP0 | AM_EXC_SERROR)
	ventry \el, (AM_EXC_CUR_SPX | AM_EXC_SYNC)
	ventry \el, (AM_EXC_CUR_SPX | AM_EXC_IRQ)
	ventry \el, (AM_EXC_CUR_SPX | AM_EXC_FIQ)
	ventry \el, (AM_EXC_CUR_SPX | AM_EXC_SERROR)
	ventry \el, (AM_EXC_LOW_A64 | AM_EXC_SYNC)
	ventry \el, (AM_EXC_LOW_A64 | AM_EXC_IRQ)
	ventry \el, (AM_EXC_LOW_A64 | AM_EXC_FIQ)
	ventry \el, (AM_EXC_LOW_A64 | AM_EXC_SERROR)
	ventry \el, (AM_EXC_LOW_A32 | AM_EXC_SYNC)
	ventry \el, (AM_EXC_LOW_A32 | AM_EXC_IRQ)
	ventry \el, (AM_EXC_LOW_A32 | AM_EXC_FIQ)
	ventry \el, (AM_EXC_LOW_A32 | AM_EXC_SERROR)
	.size am_aarch64_vectors_el\el, . - am_aarch64_vectors_el\el

am_aarch64_exc_common_el\el:
	stp	x2, x3, [sp, #16]
	stp	x4, x5, [sp, #32]
	stp	x6, x7, [sp, #48]
	stp	x8, x9, [sp, #64]
	stp	x10, x11, [sp, #80]
	stp	x12, x13, [sp, #96]
	stp	x14, x15, [sp, #112]
	stp	x16, x17, [sp, #128]
	stp	x18, x19, [sp, #144]
	stp	x20, x21, [sp, #160]
	stp	x22, x23, [sp, #176]
	stp	x24, x25, [sp, #192]
	stp	x26, x27, [sp, #208]
	stp	x28, x29, [sp, #224]
	add	x1, sp, #AM_EXC_FRAME_SIZE
	stp	x30, x1, [sp, #240]		/* x30, sp before the frame */
	mrs	x1, elr_el\el
	mrs	x2, spsr_el\el
	stp	x1, x2, [sp, #AM_EXC_FRAME_ELR]
	mrs	x1, esr_el\el
	mrs	x2, far_el\el
	stp	x1, x2, [sp, #AM_EXC_FRAME_ESR]
	mov	x1, #\el
	orr	x0, x0, x1, lsl #32		/* kind (low word), el (high word) */
	str	x0, [sp, #AM_EXC_FRAME_KIND]
	mov	x29, #0				/* end of the frame-pointer chain */
	mov	x0, sp
	bl	am_aarch64_exc_dispatch
	ldp	x1, x2, [sp, #AM_EXC_FRAME_ELR]
	msr	elr_el\el, x1
	msr	spsr_el\el, x2
	ldp	x2, x3, [sp, #16]
	ldp	x4, x5, [sp, #32]
	ldp	x6, x7, [sp, #48]
	ldp	x8, x9, [sp, #64]
	ldp	x10, x11, [sp, #80]
	ldp	x12, x13, [sp, #96]
	ldp	x14, x15, [sp, #112]
	ldp	x16, x17, [sp, #128]
	ldp	x18, x19, [sp, #144]
	ldp	x20, x21, [sp, #160]
	ldp	x22, x23, [sp, #176]
	ldp	x24, x25, [sp, #192]
	ldp	x26, x27, [sp, #208]
	ldp	x28, x29, [sp, #224]
	ldr	x30, [sp, #240]
	ldp	x0, x1, [sp, #0]
	add	sp, sp, #AM_EXC_FRAME_SIZE
	eret
	.endm

	vtable 3
	vtable 2
	vtable 1
