/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * AArch64 guest entry and exit at EL2: am_aarch64_vm_switch() keeps the
 * caller's callee-saved registers, stack pointer and DAIF, loads the
 * guest's x0..x3, clears every other general register (nothing of the
 * hypervisor reaches the guest) and enters the guest with ERET (ELR_EL2,
 * SPSR_EL2 and the EL1 registers are programmed by am_aarch64_vm_run());
 * am_aarch64_vm_exit() restores that context and returns from
 * am_aarch64_vm_switch() with its argument.
 */
	.section .bss.am_aarch64_vm_host, "aw", %nobits
	.balign 16
am_aarch64_vm_host:
	.skip 112			/* x19..x30, sp, daif */

	.section .text.am_aarch64_vm, "ax"
	.global am_aarch64_vm_switch
	.type am_aarch64_vm_switch, %function
am_aarch64_vm_switch:
	adrp	x9, am_aarch64_vm_host
	add	x9, x9, :lo12:am_aarch64_vm_host
	stp	x19, x20, [x9, #0]
	stp	x21, x22, [x9, #16]
	stp	x23, x24, [x9, #32]
	stp	x25, x26, [x9, #48]
	stp	x27, x28, [x9, #64]
	stp	x29, x30, [x9, #80]
	mov	x10, sp
	mrs	x11, daif
	stp	x10, x11, [x9, #96]
	ldp	x2, x3, [x0, #16]
	ldp	x0, x1, [x0, #0]
	mov	x4, xzr
	mov	x5, xzr
	mov	x6, xzr
	mov	x7, xzr
	mov	x8, xzr
	mov	x9, xzr
	mov	x10, xzr
	mov	x11, xzr
	mov	x12, xzr
	mov	x13, xzr
	mov	x14, xzr
	mov	x15, xzr
	mov	x16, xzr
	mov	x17, xzr
	mov	x18, xzr
	mov	x19, xzr
	mov	x20, xzr
	mov	x21, xzr
	mov	x22, xzr
	mov	x23, xzr
	mov	x24, xzr
	mov	x25, xzr
	mov	x26, xzr
	mov	x27, xzr
	mov	x28, xzr
	mov	x29, xzr
	mov	x30, xzr
	eret
	.size am_aarch64_vm_switch, . - am_aarch64_vm_switch

	.global am_aarch64_vm_exit
	.type am_aarch64_vm_exit, %function
am_aarch64_vm_exit:
	adrp	x9, am_aarch64_vm_host
	add	x9, x9, :lo12:am_aarch64_vm_host
	ldp	x10, x11, [x9, #96]
	mov	sp, x10
	msr	daif, x11
	ldp	x19, x20, [x9, #0]
	ldp	x21, x22, [x9, #16]
	ldp	x23, x24, [x9, #32]
	ldp	x25, x26, [x9, #48]
	ldp	x27, x28, [x9, #64]
	ldp	x29, x30, [x9, #80]
	ret				/* from am_aarch64_vm_switch(), x0 = the value */
	.size am_aarch64_vm_exit, . - am_aarch64_vm_exit
