/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * AArch64 bare metal, for code running at EL1 (VM firmware, a kernel):
 * turn the EL1&0 stage-1 MMU on with a table built by armmap
 * (AM_PT_S1_EL10), ask the hardware what an address translates to
 * (AT S1E1R / S1E1W), and clean and invalidate data cache lines by address
 * (usable at EL1 and EL2). Values from the Arm Architecture Reference
 * Manual (Armv8-A, AArch64).
 *
 * Under a hypervisor (HCR_EL2.VM set) the output of the EL1&0 stage 1 is
 * an IPA: AT S1E1R / S1E1W then report the IPA (stage 1 only), and the
 * TLB maintenance the armmap backend issues for the table (pt_ops.h,
 * VALE1IS / VAE1IS / VMALLE1IS) acts on the guest's own VMID.
 */
#ifndef ARMMAP_ARCH_AARCH64_EL1_MMU_H
#define ARMMAP_ARCH_AARCH64_EL1_MMU_H

#include <armmap/pt.h>

#include <armmap/arch/aarch64/sysreg.h>

#ifdef __cplusplus
extern "C" {
#endif

/**
 * @name SCTLR_EL1 fields
 * SCTLR_EL1 fields beyond those SCTLR_EL2 shares (sysreg.h: M, A, C, SA, I, WXN, EE).
 * @{
 */
#define AM_SCTLR_SA0 (AM_U64(1) << 4)  /**< SP alignment check at EL0 */
#define AM_SCTLR_E0E (AM_U64(1) << 24) /**< big-endian data at EL0 */
/** @} */

/**
 * At EL1: write MAIR_EL1, TCR_EL1 and TTBR0_EL1, invalidate this CPU's
 * EL1&0 TLB entries (TLBI VMALLE1) and its instruction cache, then set
 * SCTLR_EL1.M, C, I, SA and SA0 (A, WXN, EE and E0E cleared, the Armv8.0
 * RES1 bits set).
 *
 * The calling code must be mapped executable at its current address
 * (identity) and its stack and data writable. Data written with the MMU
 * off must not have stale lines in the data cache (see
 * am_aarch64_dcache_civac()).
 *
 * @param mair  the value for MAIR_EL1
 * @param tcr   the value for TCR_EL1
 * @param ttbr  the value for TTBR0_EL1
 * @return 0, or #AM_EPERM when not running at EL1.
 */
int am_aarch64_el1_mmu_enable(uint64_t mair, uint64_t tcr, uint64_t ttbr);

/**
 * am_aarch64_el1_mmu_enable() with am_pt_mair(), am_pt_tcr() and
 * am_pt_ttbr() of @p pt.
 *
 * @param pt  the table
 * @return as am_aarch64_el1_mmu_enable(), or #AM_EINVAL for a NULL @p pt.
 */
int am_aarch64_el1_mmu_enable_pt(const struct am_pt *pt);

/**
 * Whether the EL1&0 stage-1 MMU is on.
 *
 * @return true when SCTLR_EL1.M is set.
 */
bool am_aarch64_el1_mmu_is_on(void);

/**
 * The hardware's EL1&0 stage-1 translation of @p va for a privileged read:
 * PAR_EL1 after AT S1E1R (AM_PAR_* in sysreg.h).
 *
 * A walk that faults gives F = 1 and the fault status in FST; it raises no
 * exception.
 *
 * @param va  the virtual address
 * @return PAR_EL1.
 */
uint64_t am_aarch64_at_s1e1r(uint64_t va);
/**
 * The hardware's EL1&0 stage-1 translation of @p va for a privileged
 * write: PAR_EL1 after AT S1E1W (AM_PAR_* in sysreg.h).
 *
 * A walk that faults gives F = 1 and the fault status in FST; it raises no
 * exception.
 *
 * @param va  the virtual address
 * @return PAR_EL1.
 */
uint64_t am_aarch64_at_s1e1w(uint64_t va);

/**
 * DC CIVAC (clean and invalidate to the point of coherency) on every data
 * cache line that holds part of [va, va + size), in the line size
 * CTR_EL0.DminLine gives, then DSB SY.
 *
 * At EL1 under a hypervisor, the invalidation of DC IVAC would be upgraded
 * to this anyway.
 *
 * @param va    the range's start
 * @param size  the range's size in bytes
 */
void am_aarch64_dcache_civac(uint64_t va, uint64_t size);

#ifdef __cplusplus
}
#endif

#endif
