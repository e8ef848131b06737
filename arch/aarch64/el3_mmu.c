/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * AArch64 bare metal at EL3: the EL3 stage-1 MMU enable and the AT helpers
 * (include/armmap/arch/aarch64/el3_mmu.h).
 */
#include <armmap/errors.h>

#include <armmap/arch/aarch64/el3_mmu.h>
#include <armmap/arch/aarch64/sysreg.h>

int am_aarch64_el3_mmu_enable(uint64_t mair, uint64_t tcr, uint64_t ttbr)
{
	uint64_t sctlr;

	if (am_current_el() != 3)
		return AM_EPERM;
	am_dsb_ish(); /* the tables are written */
	am_write_sysreg(mair_el3, mair);
	am_write_sysreg(tcr_el3, tcr | AM_TCR_EL2_RES1); /* TCR_EL3: the same RES1 bits */
	am_write_sysreg(ttbr0_el3, ttbr);
	am_isb();
	__asm__ volatile("tlbi alle3\n\t"
			 "dsb ish\n\t"
			 "ic iallu\n\t"
			 "dsb ish\n\t"
			 "isb"
			 :
			 :
			 : "memory");
	sctlr = am_read_sysreg(sctlr_el3);
	sctlr &= ~(AM_SCTLR_A | AM_SCTLR_WXN | AM_SCTLR_EE);
	/* SCTLR_EL3: the RES1 bits of SCTLR_EL2 */
	sctlr |= AM_SCTLR_EL2_RES1 | AM_SCTLR_M | AM_SCTLR_C | AM_SCTLR_I | AM_SCTLR_SA;
	am_write_sysreg(sctlr_el3, sctlr);
	am_isb();
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
	uint64_t par;

	__asm__ volatile("at s1e3r, %1\n\t"
			 "isb\n\t"
			 "mrs %0, par_el1"
			 : "=r"(par)
			 : "r"(va)
			 : "memory");
	return par;
}

uint64_t am_aarch64_at_s1e3w(uint64_t va)
{
	uint64_t par;

	__asm__ volatile("at s1e3w, %1\n\t"
			 "isb\n\t"
			 "mrs %0, par_el1"
			 : "=r"(par)
			 : "r"(va)
			 : "memory");
	return par;
}
