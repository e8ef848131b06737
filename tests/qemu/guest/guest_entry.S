/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * qemu-guest image, the EL1 guest's assembly part: its entry point, its
 * vector table (every exception it takes itself is a bug: tell the
 * hypervisor and stop), and the probes: one load, one store, one call,
 * each at an address the hypervisor knows, so that a stage-2 abort there
 * is resumed instead of being fatal.
 *
 * The hypervisor enters at guest_entry with SP_EL1, VBAR_EL1 and the
 * guest's .bss set up, EL1h, interrupts masked, stage 1 off.
 */
#include "tests/qemu/guest/abi.h"

	.section .text.guest_entry, "ax"
	.global guest_entry
	.type guest_entry, %function
guest_entry:
	mov	x29, #0
	mov	x30, #0
	bl	guest_main
	mov	x1, x0
	ldr	x0, =GH_EXIT
	hvc	#0
1:	wfe
	b	1b
	.size guest_entry, . - guest_entry
	.ltorg

/* One vector slot: the slot number to the hypervisor, which stops. */
	.macro gvent slot
	.balign 0x80
	mov	x1, #\slot
	b	guest_panic
	.endm

	.section .text.guest_vectors, "ax"
	.balign 2048
	.global guest_vectors
	.type guest_vectors, %object
guest_vectors:
	gvent 0
	gvent 1
	gvent 2
	gvent 3
	gvent 4
	gvent 5
	gvent 6
	gvent 7
	gvent 8
	gvent 9
	gvent 10
	gvent 11
	gvent 12
	gvent 13
	gvent 14
	gvent 15
	.size guest_vectors, . - guest_vectors
guest_panic:
	ldr	x0, =GH_PANIC
	hvc	#0
1:	wfe
	b	1b
	.ltorg

/*
 * struct guest_probe guest_ld(uint64_t ipa): {value, 0}, or {0, GUEST_FAULTED}.
 * struct guest_probe guest_st(uint64_t ipa, uint64_t v): {0, 0}, or {0, GUEST_FAULTED}.
 * The hypervisor resumes a faulting guest_ld_insn / guest_st_insn at the next
 * instruction with x1 = GUEST_FAULTED (and x0 = 0 for the load).
 */
	.section .text.guest_probe, "ax"
	.global guest_ld, guest_ld_insn, guest_st, guest_st_insn
	.type guest_ld, %function
guest_ld:
	mov	x1, xzr
guest_ld_insn:
	ldr	x0, [x0]
	ret
	.size guest_ld, . - guest_ld

	.type guest_st, %function
guest_st:
	mov	x2, x1
	mov	x1, xzr
guest_st_insn:
	str	x2, [x0]
	mov	x0, xzr
	ret
	.size guest_st, . - guest_st

/*
 * uint64_t guest_exec(uint64_t ipa): call the code at @ipa; its value, or
 * GUEST_EXEC_FAULTED when fetching it took a stage-2 instruction abort (the
 * hypervisor resumes at guest_exec_ret, as if the call had returned).
 */
	.global guest_exec, guest_exec_ret
	.type guest_exec, %function
guest_exec:
	stp	x29, x30, [sp, #-16]!
	mov	x29, sp
	blr	x0
guest_exec_ret:
	ldp	x29, x30, [sp], #16
	ret
	.size guest_exec, . - guest_exec

/* uint64_t guest_ret42(void): code in the guest's RAM that returns 42. */
	.global guest_ret42
	.type guest_ret42, %function
guest_ret42:
	mov	x0, #42
	ret
	.size guest_ret42, . - guest_ret42
