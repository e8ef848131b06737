/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * AArch64 bare metal, for a hypervisor at EL2 with the Virtualization Host
 * Extensions (FEAT_VHE): turn on HCR_EL2.E2H and TGE (the EL2&0 regime:
 * EL2 and the host's EL0 share one address space with ASIDs), turn the
 * EL2&0 stage-1 MMU on with a table built by armmap (#AM_PT_S1_EL20), and
 * ask the hardware what an address translates to for EL2 or for EL0 (AT
 * S1E2R / S1E2W, S1E0R / S1E0W). The table's TLB maintenance is the
 * backend's (pt_ops.h: VALE2IS / VAE2IS by VA and ASID, their range forms,
 * ALLE2IS for "all"). Values from the Arm Architecture Reference Manual
 * (Armv8.1-A and later, AArch64): with E2H = 1, SCTLR_EL2 and TCR_EL2 have
 * the layout of SCTLR_EL1 and TCR_EL1.
 */
#ifndef ARMMAP_ARCH_AARCH64_VHE_H
#define ARMMAP_ARCH_AARCH64_VHE_H

#include <stdbool.h>
#include <stdint.h>

#include <armmap/pt.h>

#ifdef __cplusplus
extern "C" {
#endif

/**
 * Whether the CPU has FEAT_VHE (ID_AA64MMFR1_EL1.VH).
 *
 * @return true when it has.
 */
bool am_aarch64_has_vhe(void);

/**
 * At EL2: set HCR_EL2.E2H and TGE (EL2&0 from now on; the caller's EL1
 * state is no longer used), with the EL2 stage-1 MMU off.
 *
 * @return 0, #AM_EPERM when not at EL2 or with the EL2 MMU on (its table
 *         would change meaning under it), #AM_ENOTSUP without FEAT_VHE.
 */
int am_aarch64_vhe_enable(void);

/**
 * At EL2 with E2H set: write MAIR_EL2, TCR_EL2 and TTBR0_EL2, invalidate
 * this CPU's EL2&0 TLB entries (TLBI ALLE2) and its instruction cache, then
 * set SCTLR_EL2.M, C, I, SA and SA0 (A, WXN, EE and E0E cleared, the RES1
 * bits of the SCTLR_EL1 layout set).
 *
 * The calling code must be mapped executable at EL2 at its current address
 * (identity). No data cache maintenance is done.
 *
 * @param mair  the value for MAIR_EL2
 * @param tcr   the value for TCR_EL2 (the TCR_EL1 layout)
 * @param ttbr  the value for TTBR0_EL2 (with the ASID)
 * @return 0, or #AM_EPERM when not at EL2 with HCR_EL2.E2H set.
 */
int am_aarch64_el20_mmu_enable(uint64_t mair, uint64_t tcr, uint64_t ttbr);

/**
 * am_aarch64_el20_mmu_enable() with am_pt_mair(), am_pt_tcr() and
 * am_pt_ttbr() of @p pt.
 *
 * @param pt  the table (#AM_PT_S1_EL20)
 * @return as am_aarch64_el20_mmu_enable(), or #AM_EINVAL for a NULL @p pt
 *         or one of another regime.
 */
int am_aarch64_el20_mmu_enable_pt(const struct am_pt *pt);

/**
 * At EL2 with E2H set and the EL2&0 MMU on with @p lower: add @p upper for
 * the upper VA range, TTBR1_EL2 = am_pt_ttbr(@p upper), TCR_EL2 =
 * am_pt_tcr_pair(@p lower, @p upper), then invalidate this CPU's EL2&0 TLB
 * entries (TLBI ALLE2).
 *
 * @param lower  the table in TTBR0_EL2
 * @param upper  a table of the upper range (am_pt_config.upper)
 * @return 0, #AM_EINVAL when the two are no such pair, or #AM_EPERM when
 *         not at EL2 with HCR_EL2.E2H set.
 */
int am_aarch64_el20_ttbr1(const struct am_pt *lower, const struct am_pt *upper);

/**
 * The hardware's EL2&0 translation of @p va for an EL0 read: PAR_EL1 after
 * AT S1E0R at EL2 with E2H and TGE set (AM_PAR_* in sysreg.h). A
 * privileged-only page gives F = 1 with a permission fault.
 *
 * @param va  the virtual address
 * @return PAR_EL1.
 */
uint64_t am_aarch64_at_s1e0r(uint64_t va);

/**
 * As am_aarch64_at_s1e0r(), for an EL0 write (AT S1E0W).
 *
 * @param va  the virtual address
 * @return PAR_EL1.
 */
uint64_t am_aarch64_at_s1e0w(uint64_t va);

#ifdef __cplusplus
}
#endif

#endif
