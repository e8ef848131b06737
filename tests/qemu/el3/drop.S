/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * qemu-regimes: from EL3 (Secure) down to Non-secure EL2, for the checks of
 * the EL2 regimes: drop_to_el2(entry, sp) never returns. SCR_EL3: NS, HCE
 * (HVC enabled), RW (EL2 is AArch64), the RES1 bits [5:4]; SPSR_EL3: EL2h,
 * interrupts masked. EL2 starts with its MMU off.
 */
	.section .text.drop_to_el2, "ax"
	.global drop_to_el2
	.type drop_to_el2, %function
drop_to_el2:
	mov	x2, #0x531		/* RW (10), HCE (8), RES1 (5:4), NS (0) */
	msr	scr_el3, x2
	mov	x2, #0x3c9		/* EL2h, D A I F masked */
	msr	spsr_el3, x2
	msr	elr_el3, x0
	msr	sp_el2, x1
	isb
	eret
	.size drop_to_el2, . - drop_to_el2
