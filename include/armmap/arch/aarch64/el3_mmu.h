/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * AArch64 bare metal, for code running at EL3 (a secure monitor, TF-A's
 * BL31 and the like): turn the EL3 stage-1 MMU on with a table built by
 * armmap (#AM_PT_S1_EL3), and ask the hardware what an address translates
 * to (AT S1E3R / S1E3W: PAR_EL1, whose NS bit, #AM_PAR_NS, tells a
 * Non-secure output). The table's TLB maintenance is the backend's
 * (pt_ops.h: VALE3IS / VAE3IS, RVALE3IS / RVAE3IS with FEAT_TLBIRANGE,
 * ALLE3IS for "all"). Values from the Arm Architecture Reference Manual
 * (Armv8-A, AArch64): SCTLR_EL3 and TCR_EL3 have the layout and the RES1
 * bits of SCTLR_EL2 and TCR_EL2 without E2H.
 */
#ifndef ARMMAP_ARCH_AARCH64_EL3_MMU_H
#define ARMMAP_ARCH_AARCH64_EL3_MMU_H

#include <stdbool.h>
#include <stdint.h>

#include <armmap/pt.h>

#ifdef __cplusplus
extern "C" {
#endif

/**
 * At EL3: write MAIR_EL3, TCR_EL3 (its RES1 bits added) and TTBR0_EL3,
 * invalidate this CPU's EL3 TLB entries (TLBI ALLE3) and its instruction
 * cache, then set SCTLR_EL3.M, C, I and SA (A, WXN and EE cleared, the RES1
 * bits set).
 *
 * The calling code must be mapped executable at its current address
 * (identity). No data cache maintenance is done: the tables and what was
 * written with the MMU off must have no stale lines in the data cache.
 *
 * @param mair  the value for MAIR_EL3
 * @param tcr   the value for TCR_EL3
 * @param ttbr  the value for TTBR0_EL3
 * @return 0, or #AM_EPERM when not running at EL3.
 */
int am_aarch64_el3_mmu_enable(uint64_t mair, uint64_t tcr, uint64_t ttbr);

/**
 * am_aarch64_el3_mmu_enable() with am_pt_mair(), am_pt_tcr() and
 * am_pt_ttbr() of @p pt.
 *
 * @param pt  the table (#AM_PT_S1_EL3)
 * @return as am_aarch64_el3_mmu_enable(), or #AM_EINVAL for a NULL @p pt
 *         or one of another regime.
 */
int am_aarch64_el3_mmu_enable_pt(const struct am_pt *pt);

/**
 * Whether the EL3 stage-1 MMU is on (call at EL3).
 *
 * @return true when SCTLR_EL3.M is set.
 */
bool am_aarch64_el3_mmu_is_on(void);

/**
 * The hardware's EL3 stage-1 translation of @p va for a read: PAR_EL1 after
 * AT S1E3R (AM_PAR_* in sysreg.h; #AM_PAR_NS set for a Non-secure output).
 *
 * A walk that faults gives F = 1 and the fault status in FST; it raises no
 * exception.
 *
 * @param va  the virtual address
 * @return PAR_EL1.
 */
uint64_t am_aarch64_at_s1e3r(uint64_t va);

/**
 * As am_aarch64_at_s1e3r(), for a write (AT S1E3W).
 *
 * @param va  the virtual address
 * @return PAR_EL1.
 */
uint64_t am_aarch64_at_s1e3w(uint64_t va);

#ifdef __cplusplus
}
#endif

#endif
