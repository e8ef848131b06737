/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * AArch64 bare metal at EL3: the EL3 stage-1 MMU enable and the AT helpers
 * (include/armmap/arch/aarch64/el3_mmu.h).
 */
#include <armmap/errors.h>

#include <armmap/arch/aarch64/el3_mmu.h>
#include <armmap/arch/aarch64/sysreg.h>

#include "arch/aarch64/mmu.h"

int am_aarch64_el3_mmu_enable(uint64_t mair, uint64_t tcr, uint64_t ttbr)
{
	if (am_current_el() != 3)
		return AM_EPERM;
	/* TCR_EL3 and SCTLR_EL3: the RES1 bits of TCR_EL2 and SCTLR_EL2 */
	AM_MMU_ENABLE(el3, AM_MMU_LOCAL_EL3, mair, tcr | AM_TCR_EL2_RES1, ttbr,
		      AM_SCTLR_A | AM_SCTLR_WXN | AM_SCTLR_EE,
		      AM_SCTLR_EL2_RES1 | AM_SCTLR_M | AM_SCTLR_C | AM_SCTLR_I | AM_SCTLR_SA);
	return 0;
}

int am_aarch64_el3_mmu_enable_pt(const struct am_pt *pt)
{
	if (!pt || pt->regime != AM_PT_S1_EL3)
		return AM_EINVAL;
	return am_aarch64_el3_mmu_enable(am_pt_mair(pt), am_pt_tcr(pt), am_pt_ttbr(pt));
}

bool am_aarch64_el3_mmu_is_on(void)
{
	return (am_read_sysreg(sctlr_el3) & AM_SCTLR_M) != 0;
}

uint64_t am_aarch64_at_s1e3r(uint64_t va)
{
	return AM_AT(s1e3r, va);
}

uint64_t am_aarch64_at_s1e3w(uint64_t va)
{
	return AM_AT(s1e3w, va);
}
