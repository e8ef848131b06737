/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * AArch64 bare metal: running an EL1 guest under a stage-2 table, from EL2
 * (no HCR_EL2.E2H), and the guest's side of the hypercall. The register
 * fields a hypervisor sets to enter the guest (HCR_EL2, SPSR_EL2,
 * SCTLR_EL1) and reads when it traps (HPFAR_EL2, the data abort syndrome).
 * Values from the Arm Architecture Reference Manual (Armv8-A, AArch64).
 *
 * The model is the simplest one: the EL2 code calls am_aarch64_vm_run(),
 * which enters the guest with ERET; from then on the guest's HVCs and
 * stage-2 aborts arrive at the EL2 vectors (exc.h, slot AM_EXC_LOW_A64 |
 * AM_EXC_SYNC), whose handler resumes the guest by returning, or ends the
 * run with am_aarch64_vm_exit(), which makes am_aarch64_vm_run() return.
 *
 * Usable from C and from assembly (.S): the C part is guarded.
 */
#ifndef ARMMAP_ARCH_AARCH64_VM_H
#define ARMMAP_ARCH_AARCH64_VM_H

#include <armmap/arch/aarch64/sysreg.h>

/* HCR_EL2 (the bits a simple hypervisor sets or must keep clear). */
#define AM_HCR_VM (AM_U64(1) << 0)   /* stage 2 translation for EL1&0 */
#define AM_HCR_SWIO (AM_U64(1) << 1) /* set/way invalidate -> clean+invalidate */
#define AM_HCR_FMO (AM_U64(1) << 3)  /* FIQs to EL2 */
#define AM_HCR_IMO (AM_U64(1) << 4)  /* IRQs to EL2 */
#define AM_HCR_AMO (AM_U64(1) << 5)  /* SErrors to EL2 */
#define AM_HCR_DC (AM_U64(1) << 12)  /* default cacheable: EL1&0 stage 1 off is Normal WB */
#define AM_HCR_TSC (AM_U64(1) << 19) /* trap SMC */
#define AM_HCR_TVM (AM_U64(1) << 26) /* trap writes of the EL1 VM registers */
#define AM_HCR_TGE (AM_U64(1) << 27) /* trap general exceptions (host at EL0) */
#define AM_HCR_HCD (AM_U64(1) << 29) /* HVC disabled */
#define AM_HCR_RW (AM_U64(1) << 31)  /* EL1 is AArch64 */
#define AM_HCR_E2H (AM_U64(1) << 34) /* EL2 host (VHE) */

/* SPSR_ELx: the mode field M[3:0] and the masks. */
#define AM_SPSR_M_MASK AM_U64(0xf)
#define AM_SPSR_M_EL0T AM_U64(0x0)
#define AM_SPSR_M_EL1T AM_U64(0x4)
#define AM_SPSR_M_EL1H AM_U64(0x5)
#define AM_SPSR_M_EL2H AM_U64(0x9)
#define AM_SPSR_F (AM_U64(1) << 6)
#define AM_SPSR_I (AM_U64(1) << 7)
#define AM_SPSR_A (AM_U64(1) << 8)
#define AM_SPSR_D (AM_U64(1) << 9)
#define AM_SPSR_DAIF (AM_SPSR_D | AM_SPSR_A | AM_SPSR_I | AM_SPSR_F)

/*
 * HPFAR_EL2: for a stage-2 fault (translation, access flag, permission,
 * also on a stage-1 walk) the faulting IPA's page number: FIPA, IPA[n:12]
 * in bits [n-8:4] (bits [39:4] for 48-bit IPAs, up to [47:4]); the page
 * offset comes from FAR_EL2, which holds the VA.
 */
#define AM_HPFAR_FIPA_SHIFT 4
#define AM_HPFAR_FIPA_MASK AM_U64(0x00000fffffffffff) /* 44 bits: IPA[55:12] */

/* ISS of a data abort with ISV set: the access that faulted. */
#define AM_ISS_SAS_SHIFT 22 /* size: 0 byte .. 3 doubleword */
#define AM_ISS_SAS_MASK 0x3u
#define AM_ISS_SSE (1u << 21) /* sign extended */
#define AM_ISS_SRT_SHIFT 16   /* the register transferred */
#define AM_ISS_SRT_MASK 0x1fu
#define AM_ISS_SF (1u << 15) /* 64-bit register */
#define AM_ISS_AR (1u << 14) /* acquire / release */
/* ISS of an HVC / SMC: the immediate. */
#define AM_ISS_IMM16_MASK 0xffffu

#ifndef __ASSEMBLER__

#include <armmap/arch/aarch64/smccc.h>

#include <stdbool.h>
#include <stdint.h>

/* am_aarch64_s2_fault_ipa() - the faulting IPA of a stage-2 abort, byte exact. */
static inline uint64_t am_aarch64_s2_fault_ipa(uint64_t hpfar, uint64_t far)
{
	return ((hpfar >> AM_HPFAR_FIPA_SHIFT) & AM_HPFAR_FIPA_MASK) << 12 | (far & 0xfffu);
}

/* ---------------------------------------------------------------------- */
/* EL2: enter the guest, leave it                                          */
/* ---------------------------------------------------------------------- */

/* How the guest starts. */
struct am_aarch64_vm_entry {
	uint64_t hcr;	    /* HCR_EL2: AM_HCR_VM | AM_HCR_RW at least */
	uint64_t vtcr;	    /* VTCR_EL2: am_pt_tcr() of the stage-2 table */
	uint64_t vttbr;	    /* VTTBR_EL2: am_pt_ttbr() (root and VMID) */
	uint64_t sctlr_el1; /* the guest's SCTLR_EL1 (the RES1 bits are added) */
	uint64_t vbar_el1;  /* its vectors (an IPA) */
	uint64_t sp_el1;    /* its stack (an IPA) */
	uint64_t pc;	    /* where it starts (an IPA) */
	uint64_t spsr;	    /* the PSTATE it starts with, e.g. AM_SPSR_M_EL1H | AM_SPSR_DAIF */
	uint64_t x[4];	    /* x0..x3; every other general register starts at 0 */
};

/*
 * am_aarch64_vm_run() - program VTCR_EL2, VTTBR_EL2, invalidate the VMID's
 * stage 1 and stage 2 TLB entries (TLBI VMALLS12E1IS: a VMID may have been
 * used by another table before), program HCR_EL2 and the guest's EL1
 * registers, and enter it with ERET. Returns once an EL2 exception handler
 * calls am_aarch64_vm_exit(), with its value in *@exit_value; the guest's
 * registers stay as they are (VTTBR_EL2 loaded, HCR_EL2 the guest's).
 * Runs on the caller's stack: the exceptions the guest takes use SP_EL2
 * below it. One guest at a time.
 * Returns 0, or AM_EPERM (not at EL2), AM_EINVAL (NULL, HCR without VM
 * and RW or with E2H or TGE, a SPSR that is not EL1 or EL0 AArch64).
 */
int am_aarch64_vm_run(const struct am_aarch64_vm_entry *e, uint64_t *exit_value);

/*
 * am_aarch64_vm_exit() - from an EL2 handler of an exception the guest
 * took: drop the guest (its state is not saved) and return from
 * am_aarch64_vm_run() with @value. The handler's stack is discarded; DAIF
 * is restored to what am_aarch64_vm_run() found.
 */
void am_aarch64_vm_exit(uint64_t value) __attribute__((noreturn));

/* vm_entry.S: saves the caller's context, loads x0..x3 from @x, ERET. */
uint64_t am_aarch64_vm_switch(const uint64_t x[4]);

/* ---------------------------------------------------------------------- */
/* EL1: the guest's hypercall                                              */
/* ---------------------------------------------------------------------- */

#endif /* !__ASSEMBLER__ */

#endif
