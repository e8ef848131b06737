/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * AArch64 bare metal at EL2 with FEAT_VHE: E2H and TGE, the EL2&0 MMU
 * enable, the EL0 AT helpers (include/armmap/arch/aarch64/vhe.h).
 */
#include <armmap/errors.h>

#include <armmap/arch/aarch64/sysreg.h>
#include <armmap/arch/aarch64/vhe.h>

#include "arch/aarch64/mmu.h"

#define HCR_E2H (AM_U64(1) << 34)
#define HCR_TGE (AM_U64(1) << 27)
#define SCTLR_SA0 (AM_U64(1) << 4)
#define SCTLR_E0E (AM_U64(1) << 24)

bool am_aarch64_has_vhe(void)
{
	/* ID_AA64MMFR1_EL1.VH, bits [11:8] */
	return ((am_read_sysreg(id_aa64mmfr1_el1) >> 8) & 0xfu) != 0;
}

int am_aarch64_vhe_enable(void)
{
	if (am_current_el() != 2 || (am_read_sysreg(sctlr_el2) & AM_SCTLR_M))
		return AM_EPERM;
	if (!am_aarch64_has_vhe())
		return AM_ENOTSUP;
	am_write_sysreg(hcr_el2, am_read_sysreg(hcr_el2) | HCR_E2H | HCR_TGE);
	am_isb();
	return 0;
}

int am_aarch64_el20_mmu_enable(uint64_t mair, uint64_t tcr, uint64_t ttbr)
{
	if (am_current_el() != 2 || !(am_read_sysreg(hcr_el2) & HCR_E2H))
		return AM_EPERM;
	/* with E2H: TCR_EL2 in the TCR_EL1 layout (no RES1 bits), SCTLR_EL2 in SCTLR_EL1's */
	AM_MMU_ENABLE(el2, AM_MMU_LOCAL_EL2, mair, tcr, ttbr,
		      AM_SCTLR_A | AM_SCTLR_WXN | AM_SCTLR_EE | SCTLR_E0E,
		      AM_SCTLR_EL1_RES1 | AM_SCTLR_M | AM_SCTLR_C | AM_SCTLR_I | AM_SCTLR_SA |
			      SCTLR_SA0);
	return 0;
}

int am_aarch64_el20_mmu_enable_pt(const struct am_pt *pt)
{
	if (!pt || pt->regime != AM_PT_S1_EL20)
		return AM_EINVAL;
	return am_aarch64_el20_mmu_enable(am_pt_mair(pt), am_pt_tcr(pt), am_pt_ttbr(pt));
}

int am_aarch64_el20_ttbr1(const struct am_pt *lower, const struct am_pt *upper)
{
	uint64_t tcr = am_pt_tcr_pair(lower, upper);

	if (!tcr || upper->regime != AM_PT_S1_EL20)
		return AM_EINVAL;
	if (am_current_el() != 2 || !(am_read_sysreg(hcr_el2) & HCR_E2H))
		return AM_EPERM;
	am_dsb_ish(); /* the table is written */
	/* TTBR1_EL2 (Armv8.1) by its encoding: op0 3, op1 4, CRn 2, CRm 0, op2 1 */
	am_write_sysreg(s3_4_c2_c0_1, am_pt_ttbr(upper));
	am_write_sysreg(tcr_el2, tcr);
	am_isb();
	__asm__ volatile("tlbi alle2\n\t"
			 "dsb ish\n\t"
			 "isb"
			 :
			 :
			 : "memory");
	return 0;
}

uint64_t am_aarch64_at_s1e0r(uint64_t va)
{
	return AM_AT(s1e0r, va);
}

uint64_t am_aarch64_at_s1e0w(uint64_t va)
{
	return AM_AT(s1e0w, va);
}
