/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * qemu-mmio-guard image, the EL1 guest's assembly part: its entry point and
 * the vector table it starts with (until guest_main() installs its own:
 * any exception there is a bug, told to the hypervisor), both from
 * tests/qemu/hyp_common/guest.h, the device accessors, and memcpy /
 * memset / memmove for the guest's copy of the library.
 *
 * The accessors are single 32-bit loads and stores with a plain register
 * address, so that a trapped access carries an instruction syndrome the
 * hypervisor can emulate (a writeback form would not), each at a known
 * instruction address: the guest checks that its translation fault and the
 * hypervisor's stage-2 trap both name that very instruction, and that it
 * is retried.
 *
 * The hypervisor enters at mg_guest_entry with x0..x3 = the boundaries of
 * the guest's code, constants, data and the end of its stack (link.ld),
 * SP_EL1 and the guest's .bss set up, EL1h, interrupts masked, stage 1 off.
 */
#include "tests/qemu/hyp_common/guest.h"
#include "tests/qemu/mmio_guard/abi.h"

	gh_guest_entry mg_guest_entry
	gh_panic_vectors mg_boot_vectors

/*
 * uint32_t mg_rd32(uint64_t va) / void mg_wr32(uint64_t va, uint32_t v):
 * one 32-bit device access at mg_rd32_insn / mg_wr32_insn.
 */
	.section .text.mg_access, "ax"
	.global mg_rd32, mg_rd32_insn, mg_wr32, mg_wr32_insn
	.type mg_rd32, %function
mg_rd32:
mg_rd32_insn:
	ldr	w0, [x0]
	ret
	.size mg_rd32, . - mg_rd32

	.type mg_wr32, %function
mg_wr32:
mg_wr32_insn:
	str	w1, [x0]
	ret
	.size mg_wr32, . - mg_wr32

/* Bytewise (the library runs with the MMU off first, where memory is Device). */
	.section .text.mg_memcpy, "ax"
	.global memcpy
	.type memcpy, %function
memcpy:
	mov	x3, x0
1:	cbz	x2, 2f
	ldrb	w4, [x1], #1
	strb	w4, [x3], #1
	sub	x2, x2, #1
	b	1b
2:	ret
	.size memcpy, . - memcpy

	.section .text.mg_memmove, "ax"
	.global memmove
	.type memmove, %function
memmove:
	cmp	x0, x1
	b.ls	memcpy			/* dst <= src: copying upwards is safe */
	add	x3, x0, x2
	add	x1, x1, x2
1:	cbz	x2, 2f
	ldrb	w4, [x1, #-1]!
	strb	w4, [x3, #-1]!
	sub	x2, x2, #1
	b	1b
2:	ret
	.size memmove, . - memmove

	.section .text.mg_memset, "ax"
	.global memset
	.type memset, %function
memset:
	mov	x3, x0
1:	cbz	x2, 2f
	strb	w1, [x3], #1
	sub	x2, x2, #1
	b	1b
2:	ret
	.size memset, . - memset
