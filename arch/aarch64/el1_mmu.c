/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * AArch64 EL1: owns the order in which the EL1&0 stage-1 registers, the
 * TLB and instruction cache invalidation and SCTLR_EL1 are written to turn
 * the MMU on; the AT S1E1R / S1E1W queries; data cache maintenance by
 * address range.
 */
#include <armmap/errors.h>

#include <armmap/arch/aarch64/el1_mmu.h>

#include "arch/aarch64/mmu.h"

int am_aarch64_el1_mmu_enable(uint64_t mair, uint64_t tcr, uint64_t ttbr)
{
	if (am_current_el() != 1)
		return AM_EPERM;
	AM_MMU_ENABLE(el1, AM_MMU_LOCAL_EL1, mair, tcr, ttbr,
		      AM_SCTLR_A | AM_SCTLR_WXN | AM_SCTLR_EE | AM_SCTLR_E0E,
		      AM_SCTLR_EL1_RES1 | AM_SCTLR_M | AM_SCTLR_C | AM_SCTLR_I | AM_SCTLR_SA |
			      AM_SCTLR_SA0);
	return 0;
}

int am_aarch64_el1_mmu_enable_pt(const struct am_pt *pt)
{
	if (!pt)
		return AM_EINVAL;
	return am_aarch64_el1_mmu_enable(am_pt_mair(pt), am_pt_tcr(pt), am_pt_ttbr(pt));
}

bool am_aarch64_el1_mmu_is_on(void)
{
	return (am_read_sysreg(sctlr_el1) & AM_SCTLR_M) != 0;
}

uint64_t am_aarch64_at_s1e1r(uint64_t va)
{
	return AM_AT(s1e1r, va);
}

uint64_t am_aarch64_at_s1e1w(uint64_t va)
{
	return AM_AT(s1e1w, va);
}

void am_aarch64_dcache_civac(uint64_t va, uint64_t size)
{
	/* CTR_EL0.DminLine, bits [19:16]: log2 of the smallest line, in words */
	uint64_t line = 4ull << ((am_read_sysreg(ctr_el0) >> 16) & 0xfu);
	uint64_t a = va & ~(line - 1), end = va + size;

	for (; a < end; a += line)
		__asm__ volatile("dc civac, %0" : : "r"(a) : "memory");
	am_dsb_sy();
}
