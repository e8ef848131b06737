/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The guest's side of the check protocol (guest_abi.h), for the EL1 guests
 * of qemu-guest and qemu-mmio-guard. In C: the hypercalls that begin and
 * end a check, fail it and add a detail line, all inline (the guest part
 * may call nothing outside itself). In assembly: the entry point, which
 * runs guest_main() and tells the hypervisor its value, and a vector table
 * whose every exception is a bug, told to the hypervisor.
 */
#ifndef ARMMAP_QEMU_HYP_GUEST_H
#define ARMMAP_QEMU_HYP_GUEST_H

#include "tests/qemu/hyp_common/guest_abi.h"

#ifndef __ASSEMBLER__

#include "tests/qemu/aarch64/vm.h"

/* A hypercall with up to three arguments. */
static inline struct am_aarch64_hvc_res gh_hvc(uint64_t fn, uint64_t a1, uint64_t a2, uint64_t a3)
{
	return am_aarch64_hvc(fn, a1, a2, a3, 0);
}

static inline void gh_begin(unsigned int id)
{
	gh_hvc(GH_CHECK_BEGIN, id, 0, 0);
}

static inline void gh_end(unsigned int id)
{
	gh_hvc(GH_CHECK_END, id, 0, 0);
}

/* The running check fails: "@msg: got 0x@got, expected 0x@want". */
static inline void gh_fail(const char *msg, uint64_t got, uint64_t want)
{
	am_aarch64_hvc(GH_FAIL, (uint64_t)(uintptr_t)msg, got, want, GH_FAIL_VALUES);
}

/* The running check fails: "@msg: took a stage-2 abort at IPA 0x@ipa". */
static inline void gh_fail_abort(const char *msg, uint64_t ipa)
{
	am_aarch64_hvc(GH_FAIL, (uint64_t)(uintptr_t)msg, ipa, 0, GH_FAIL_ABORT);
}

#define EXPECT_EQ(got, want, msg)                  \
	do {                                       \
		uint64_t got_ = (uint64_t)(got);   \
		uint64_t want_ = (uint64_t)(want); \
		if (got_ != want_)                 \
			gh_fail(msg, got_, want_); \
	} while (0)

/* A detail line: @fmt takes up to three %lx / %lu / %ld / %s (a string of the guest). */
static inline void gh_say(const char *fmt, uint64_t a, uint64_t b, uint64_t c)
{
	am_aarch64_hvc(GH_SAY, (uint64_t)(uintptr_t)fmt, a, b, c);
}

/* A string of the guest, as a hypercall argument. */
#define GH_STR(s) ((uint64_t)(uintptr_t)(s))

#else  /* __ASSEMBLER__ */
/* clang-format off */

/*
 * gh_guest_entry name: the entry point @name, in section .text.@name (the
 * one link.ld places first). It calls guest_main() with the x0..x3 the
 * hypervisor set, then GH_EXIT with its value.
 */
	.macro gh_guest_entry name
	.section .text.\name, "ax"
	.global \name
	.type \name, %function
\name:
	mov	x29, #0
	mov	x30, #0
	bl	guest_main
	mov	x1, x0
	ldr	x0, =GH_EXIT
	hvc	#0
1:	wfe
	b	1b
	.size \name, . - \name
	.ltorg
	.endm

/*
 * gh_panic_vectors name: the EL1 vector table @name, in which every
 * exception is a bug: GH_PANIC with ESR_EL1, FAR_EL1, ELR_EL1 and the
 * vector slot; the hypervisor stops.
 */
	.macro gh_panic_vectors name
	.section .text.\name, "ax"
	.balign 2048
	.global \name
	.type \name, %object
\name:
	.irp slot, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15
	.balign 0x80
	mov	x4, #\slot
	b	\name\()_panic
	.endr
	.size \name, . - \name
\name\()_panic:
	mrs	x1, esr_el1
	mrs	x2, far_el1
	mrs	x3, elr_el1
	ldr	x0, =GH_PANIC
	hvc	#0
1:	wfe
	b	1b
	.ltorg
	.endm

/* clang-format on */
#endif /* __ASSEMBLER__ */

#endif
