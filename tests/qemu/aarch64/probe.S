/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * AArch64 access probes: one load and one store, each a single 4-byte
 * instruction at a known address, so that the exception dispatcher can
 * recognise a data abort taken there and resume at the next instruction.
 */
	.section .text.am_aarch64_probe_ld, "ax"
	.global am_aarch64_probe_ld
	.type am_aarch64_probe_ld, %function
am_aarch64_probe_ld:
	.global am_aarch64_probe_ld_insn
am_aarch64_probe_ld_insn:
	ldr	x0, [x0]
	ret
	.size am_aarch64_probe_ld, . - am_aarch64_probe_ld

	.section .text.am_aarch64_probe_st, "ax"
	.global am_aarch64_probe_st
	.type am_aarch64_probe_st, %function
am_aarch64_probe_st:
	.global am_aarch64_probe_st_insn
am_aarch64_probe_st_insn:
	str	x1, [x0]
	ret
	.size am_aarch64_probe_st, . - am_aarch64_probe_st
