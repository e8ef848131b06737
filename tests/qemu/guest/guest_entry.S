/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * qemu-guest image, the EL1 guest's assembly part: its entry point and its
 * vector table (every exception it takes itself is a bug: tell the
 * hypervisor and stop), both from tests/qemu/hyp_common/guest.h, and the
 * probes: one load, one store, one call, each at an address the hypervisor
 * knows, so that a stage-2 abort there is resumed instead of being fatal.
 *
 * The hypervisor enters at guest_entry with SP_EL1, VBAR_EL1 and the
 * guest's .bss set up, EL1h, interrupts masked, stage 1 off.
 */
#include "tests/qemu/guest/abi.h"
#include "tests/qemu/hyp_common/guest.h"

	gh_guest_entry guest_entry
	gh_panic_vectors guest_vectors

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
