/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * qemu-mpu image, assembly part: the vector table, the fault entry stubs
 * (find the exception frame, hand it to C), the access probes whose faulting
 * instruction is known to be 4 bytes long, and memcpy/memmove/memset (the
 * compiler may call them; the one copy of tests/qemu/common/mem32.inc).
 */
	.syntax unified
	.thumb

/* ------------------------------------------------------------------ */
/* Vector table: 16 system exceptions and 16 external interrupts.     */
/* ------------------------------------------------------------------ */
	.section .vectors, "a"
	.align 7
	.global vectors
vectors:
	.word __stack_top
	.word reset_handler
	.word nmi_entry
	.word hardfault_entry
	.word memmanage_entry
	.word other_entry	/* BusFault */
	.word other_entry	/* UsageFault */
	.word other_entry	/* SecureFault */
	.word other_entry
	.word other_entry
	.word other_entry
	.word other_entry	/* SVCall */
	.word other_entry	/* DebugMonitor */
	.word other_entry
	.word other_entry	/* PendSV */
	.word other_entry	/* SysTick */
	.rept 16
	.word other_entry	/* external interrupts, never enabled */
	.endr

/*
 * Fault entries: r0 = the exception frame (MSP or PSP per EXC_RETURN bit 2),
 * r1 = EXC_RETURN. Branch (not call) so that the C handler's return is the
 * exception return.
 */
	.macro fault_entry name, handler
	.section .text.\name, "ax"
	.global \name
	.type \name, %function
	.thumb_func
\name:
	tst	lr, #4
	ite	eq
	mrseq	r0, msp
	mrsne	r0, psp
	mov	r1, lr
	b	\handler
	.size \name, . - \name
	.endm

	fault_entry memmanage_entry, memmanage_c
	fault_entry hardfault_entry, hardfault_c
	fault_entry nmi_entry, other_exc_c
	fault_entry other_entry, other_exc_c

/* ------------------------------------------------------------------ */
/* Probes. The MemManage handler recognises a data fault at           */
/* probe_ld_insn / probe_st_insn and resumes 4 bytes later.           */
/* ------------------------------------------------------------------ */

/* uint32_t probe_ld(uint32_t addr) - one 32-bit load. */
	.section .text.probe_ld, "ax"
	.global probe_ld
	.type probe_ld, %function
	.thumb_func
probe_ld:
	.global probe_ld_insn
probe_ld_insn:
	ldr.w	r0, [r0]
	bx	lr
	.size probe_ld, . - probe_ld

/* void probe_st(uint32_t addr, uint32_t val) - one 32-bit store. */
	.section .text.probe_st, "ax"
	.global probe_st
	.type probe_st, %function
	.thumb_func
probe_st:
	.global probe_st_insn
probe_st_insn:
	str.w	r1, [r0]
	bx	lr
	.size probe_st, . - probe_st

/* memcpy / memmove / memset: tests/qemu/common/mem32.inc. */
	.include "tests/qemu/common/mem32.inc"
	mem32_memcpy
	mem32_memmove
	mem32_memset
