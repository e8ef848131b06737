/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * AArch64: where PSCI CPU_ON starts a CPU (psci.h). MMU and caches are
 * off; x0 holds the context the caller passed, its struct
 * am_aarch64_cpu_boot: stack, function, argument.
 */
#include "tests/qemu/aarch64/psci.h"

	.section .text.am_aarch64_cpu_entry, "ax"
	.global am_aarch64_cpu_entry
	.type am_aarch64_cpu_entry, %function
am_aarch64_cpu_entry:
	msr	daifset, #0xf
	ldr	x1, [x0, #AM_CPU_BOOT_SP]
	mov	sp, x1
	ldr	x1, [x0, #AM_CPU_BOOT_FN]
	ldr	x0, [x0, #AM_CPU_BOOT_ARG]
	mov	x29, #0
	mov	x30, #0
	blr	x1
1:	wfe
	b	1b
	.size am_aarch64_cpu_entry, . - am_aarch64_cpu_entry
