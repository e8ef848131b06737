/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The operands of the FEAT_TLBIRANGE invalidations (TLBI RVAE2IS, RVALE2IS,
 * RVAE1IS, RVALE1IS, RIPAS2E1IS, RIPAS2LE1IS) for the 4, 16 and 64 KiB
 * granules, and how a range of pages (granules) is cut into them. Plain C with no register access, so
 * that the host backend (arch/host/pt_host.c) hands the TLB model exactly
 * the operands the aarch64 backend issues.
 *
 * The operand (Arm ARM, "TLBI RVAE1IS" and friends):
 *   [63:48] ASID (stage 1 EL1&0; RES0 for EL2 and by IPA, where
 *           VTTBR_EL2.VMID gives the VMID)
 *   [47:46] TG, the granule of the range: 0b01 = 4 KiB, 0b10 = 16 KiB,
 *           0b11 = 64 KiB; the pages below are granules
 *   [45:44] SCALE, [43:39] NUM: the range is (NUM + 1) * 2^(5 * SCALE + 1)
 *           pages, 2 to 2^21 (8 GiB)
 *   [38:37] TTL: level of the leaf entries in the range, 0b00 any level
 *   [36:0]  BaseADDR: VA[48:12] (IPA[48:12] for RIPAS2*) with 4 KiB, the
 *           address in granules ([50:14], [52:16]) with the others; with
 *           FEAT_LPA2 in use (TCR.DS = 1) always in 64 KiB units (VA[52:16]),
 *           so that a range must start 64 KiB aligned: before that, plain
 *           TLBIs page by page
 * A range is an even number of pages; an odd one is covered by one plain
 * TLBI (VAE2IS / VALE2IS ..., no TTL hint) on its first page.
 */
#ifndef ARMMAP_ARCH_AARCH64_TLBI_RANGE_H
#define ARMMAP_ARCH_AARCH64_TLBI_RANGE_H

#include <stdbool.h>
#include <stdint.h>

#define AM_TLBIR_ASID_SHIFT 48
#define AM_TLBIR_TG_SHIFT 46
#define AM_TLBIR_SCALE_SHIFT 44
#define AM_TLBIR_NUM_SHIFT 39
#define AM_TLBIR_TTL_SHIFT 37
#define AM_TLBIR_BADDR_MASK ((1ull << 37) - 1u)
#define AM_TLBIR_MAX_PAGES (32ull << 16) /* NUM 31, SCALE 3 */

/* The pages one range operand with @scale and @num covers. */
static inline uint64_t am_tlbir_pages(unsigned int scale, unsigned int num)
{
	return (uint64_t)(num + 1u) << (5u * scale + 1u);
}

/*
 * The first instruction for the @pages (>= 1) granules (of 2^@gshift bytes:
 * 12, 14, 16) from @addr: sets *@op
 * to its operand and *@range to whether it is a range form (false: the
 * plain form, operand VA[55:12] / IPA[51:12] in [43:0] with the ASID in
 * [63:48]); returns the pages it covers. The caller goes on from @addr +
 * that many pages until none is left: the largest range first, so a range
 * of up to 2^21 pages takes at most five instructions.
 */
static inline uint64_t am_tlbir_step(uint64_t addr, uint64_t pages, unsigned int gshift,
				     unsigned int ttl, uint16_t asid, bool ds, uint64_t *op,
				     bool *range)
{
	unsigned int scale = 3;
	uint64_t unit, n;

	if (pages < 2 || (ds && (addr & 0xffffu))) {
		*op = ((addr >> 12) & 0x00000fffffffffffull) | (uint64_t)asid
								       << AM_TLBIR_ASID_SHIFT;
		*range = false;
		return 1;
	}
	while (scale && pages < am_tlbir_pages(scale, 0))
		scale--;
	unit = am_tlbir_pages(scale, 0);
	n = pages / unit;
	if (n > 32)
		n = 32;
	*op = (uint64_t)asid << AM_TLBIR_ASID_SHIFT |
	      (uint64_t)((gshift - 10u) / 2u) << AM_TLBIR_TG_SHIFT |
	      (uint64_t)scale << AM_TLBIR_SCALE_SHIFT | (n - 1u) << AM_TLBIR_NUM_SHIFT |
	      (uint64_t)(ttl & 3u) << AM_TLBIR_TTL_SHIFT |
	      ((addr >> (ds ? 16u : gshift)) & AM_TLBIR_BADDR_MASK);
	*range = true;
	return n * unit;
}

#endif
