/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * qemu-regimes: the EL1 guest of the 64 KiB stage-2 check, entered by
 * am_aarch64_vm_run() with its stage 1 off (its addresses are IPAs).
 * s2_guest(x0 = an IPA) loads the doubleword at x0, passes it through its
 * stack (so that the stage 2 must map the stack too) and leaves with
 * HVC #0, the value in x0. A load the stage 2 does not map aborts to EL2
 * instead, which ends the run there. Every exception taken at EL1 lands in
 * s2_guest_vectors, which leaves with HVC #0xbad (x0 = ESR_EL1): the EL2
 * side reports it. It calls nothing: only its code, its stack and the IPA
 * it reads need to be mapped.
 */
	.section .text.s2_guest, "ax"
	.global s2_guest
	.type s2_guest, %function
s2_guest:
	ldr	x1, [x0]
	str	x1, [sp, #-16]!
	ldr	x0, [sp], #16
	hvc	#0
1:	b	1b
	.size s2_guest, . - s2_guest

	.balign 2048
	.global s2_guest_vectors
s2_guest_vectors:
	.rept 16
	mrs	x0, esr_el1
	hvc	#0xbad
	b	.
	.balign 128
	.endr
