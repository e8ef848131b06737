/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * AArch64 EL2: a guest's trapped device access. Decode the data abort's
 * instruction syndrome (ESR_EL2.ISS with ISV set), carry the access out
 * on a device the hypervisor maps in its own stage 1 (a load's value goes
 * into the guest's register, a store takes it from there; the guest then
 * resumes after the instruction), or refuse it by making the guest take
 * a data abort of its own at EL1, as if the bus had answered with an
 * external abort. Values from the Arm Architecture Reference Manual
 * (Armv8-A, AArch64; ESR_EL2 ISS encoding for a Data Abort; exception
 * entry to EL1 and the vector offsets of VBAR_EL1).
 *
 * The frame is the one the EL2 vectors saved (exc.h): frame->elr and
 * frame->spsr are ELR_EL2 and SPSR_EL2, the guest's PC and PSTATE.
 */
#ifndef ARMMAP_ARCH_AARCH64_MMIO_TRAP_H
#define ARMMAP_ARCH_AARCH64_MMIO_TRAP_H

#include <stdbool.h>
#include <stdint.h>

#include "tests/qemu/aarch64/exc.h"

/* DFSC of a synchronous External abort, not on a translation table walk. */
#define AM_FSC_SYNC_EXT 0x10u

/* One trapped access, decoded. */
struct am_aarch64_mmio_access {
	uint64_t ipa;	  /* the address it was made to (stage-2 fault IPA) */
	uint8_t size;	  /* bytes: 1, 2, 4 or 8 (ISS.SAS) */
	uint8_t reg;	  /* the register transferred (ISS.SRT); 31: the zero register */
	bool write;	  /* ISS.WnR */
	bool sign_extend; /* ISS.SSE: a load sign-extends */
	bool reg64;	  /* ISS.SF: the register is Xn (else Wn) */
	bool acq_rel;	  /* ISS.AR: acquire / release semantics */
};

/*
 * am_aarch64_mmio_decode() - the access of a data abort taken to EL2 from
 * a lower level, at @ipa. Returns false (and leaves *@a alone) when @esr
 * is not such an abort or carries no instruction syndrome (ISV clear: a
 * load/store pair, a writeback form, SIMD...), which a hypervisor cannot
 * emulate from the syndrome alone.
 */
bool am_aarch64_mmio_decode(uint64_t esr, uint64_t ipa, struct am_aarch64_mmio_access *a);

/*
 * am_aarch64_mmio_emulate() - carry @a out at @va, the device as the
 * current level maps it (Device memory), with a single access of its size:
 * a store writes the low @a->size bytes of the guest's register, a load
 * fills the register (sign- or zero-extended as the syndrome says, a Wn
 * target clearing the upper 32 bits; nothing for the zero register). The
 * guest resumes after the instruction (frame->elr += 4). Returns the value
 * that went over the bus.
 */
uint64_t am_aarch64_mmio_emulate(struct am_aarch64_frame *f, const struct am_aarch64_mmio_access *a,
				 uint64_t va);

/*
 * am_aarch64_vm_inject_dabt() - instead of resuming the guest (AArch64, at
 * EL1 or EL0) at the instruction that trapped, make it take a synchronous
 * Data Abort at EL1 there: ESR_EL1 (EC 0x25 from EL1, 0x24 from EL0; IL;
 * WnR = @write; DFSC = @dfsc, e.g. AM_FSC_SYNC_EXT), FAR_EL1 = @far (the
 * guest's VA, FAR_EL2), ELR_EL1 / SPSR_EL1 = its PC and PSTATE; it resumes
 * at VBAR_EL1 + 0x000 (from EL1t), 0x200 (EL1h) or 0x400 (EL0), in EL1h
 * with D, A, I, F masked.
 */
void am_aarch64_vm_inject_dabt(struct am_aarch64_frame *f, uint64_t far, bool write,
			       unsigned int dfsc);

#endif
