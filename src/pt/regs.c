/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * System register values for a translation table: TTBR0_EL2 / TTBR0_EL1 /
 * VTTBR_EL2, TCR_EL2 (non-VHE) / TCR_EL1 / VTCR_EL2, and MAIR.
 *
 * Every regime walks with the table's granule (TG0, or TG1 for the upper
 * range) through inner-shareable, write-back read/write-allocate tables. ASIDs and VMIDs are 8 bits wide
 * (TCR_EL1.AS = 0, VTCR_EL2.VS = 0): 16-bit ones need FEAT_ASID16 /
 * FEAT_VMID16, which not every core has, so only bits [7:0] of the
 * configured ASID / VMID are significant to the hardware.
 */
#include <armmap/pt.h>

#include "pt_internal.h"

#define TCR_IRGN0_WBWA (1ull << 8)
#define TCR_ORGN0_WBWA (1ull << 10)
#define TCR_SH0_INNER (3ull << 12)
#define TCR_TG0_SHIFT 14
#define TCR_WALK (TCR_IRGN0_WBWA | TCR_ORGN0_WBWA | TCR_SH0_INNER)
#define TCR_EL2_PS_SHIFT 16
#define TCR_EL2_RES1 ((1ull << 31) | (1ull << 23))
#define TCR_EL1_T1SZ_SHIFT 16
#define TCR_EL1_EPD1 (1ull << 23)
#define TCR_EL1_EPD0 (1ull << 7)
#define TCR_EL1_WALK1_SHIFT 16 /* IRGN1, ORGN1, SH1: those of TTBR0, 16 bits up */
#define TCR_EL1_HALF1 (0x3full << 16 | 0x3full << 24 | 3ull << 30) /* T1SZ, walk, TG1 */
#define TCR_EL1_TG1_SHIFT 30
#define TCR_EL1_IPS_SHIFT 32
#define VTCR_SL0_SHIFT 6
#define VTCR_PS_SHIFT 16
#define VTCR_RES1 (1ull << 31)
#define TTBR_ID_SHIFT 48 /* ASID or VMID */

/* TG0: 0b00 4 KiB, 0b01 64 KiB, 0b10 16 KiB. */
static uint64_t tg0(const struct am_pt *pt)
{
	unsigned int g = pt_gs(pt);

	return (uint64_t)(g == 12u ? 0u : g == 16u ? 1u : 2u) << TCR_TG0_SHIFT;
}

#if AM_PT_BUILT_S1_EL10 || AM_PT_BUILT_S1_EL20
/* TG1, another encoding: 0b01 16 KiB, 0b10 4 KiB, 0b11 64 KiB (0b00 reserved). */
static uint64_t tg1(const struct am_pt *pt)
{
	unsigned int g = pt_gs(pt);

	return (uint64_t)(g == 12u ? 2u : g == 16u ? 3u : 1u) << TCR_EL1_TG1_SHIFT;
}
#endif

/* T0SZ: the input address size. */
static uint64_t t0sz(const struct am_pt *pt)
{
	return (64u - pt->ia_bits) & 0x3fu;
}

/* PS / IPS: the smallest physical address size that covers oa_bits. */
static uint64_t pa_size(const struct am_pt *pt)
{
	static const uint8_t sizes[] = {32, 36, 40, 42, 44, 48, 52};
	unsigned int oa = pt->oa_bits ? pt->oa_bits : 48u;
	uint64_t ps = 0;

	while (ps < sizeof(sizes) - 1 && sizes[ps] < oa)
		ps++;
	return ps;
}

#if AM_PT_BUILT_S2
/* VTCR_EL2.SL0: 4 KiB: 2 = root at level 0, 1 = level 1, 0 = level 2;
 * 16 and 64 KiB: 2 = level 1, 1 = level 2 (0 would be level 3). */
static uint64_t sl0(const struct am_pt *pt)
{
	unsigned int top = pt_gs(pt) == 12u ? 2u : 3u;

	return pt->root_level <= top ? top - pt->root_level : 0u;
}
#endif

uint64_t am_pt_ttbr(const struct am_pt *pt)
{
	uint64_t ttbr;

	if (!pt_ready(pt))
		return 0;
	/* FEAT_LPA / LPA2: BADDR[51:48] in bits [5:2]; level -1 when there is one */
	{
		uint64_t base = am_pa_val(pt->top ? pt->top_pa : pt->root_pa);

		ttbr = (base & AM_PTE_OA_MASK) | (base >> 46 & 0x3cull);
	}
	if (pt->regime == AM_PT_S1_EL10 || pt->regime == AM_PT_S1_EL20)
		ttbr |= (uint64_t)pt->asid << TTBR_ID_SHIFT;
	else if (pt->regime == AM_PT_S2)
		ttbr |= (uint64_t)pt->vmid << TTBR_ID_SHIFT;
	return ttbr;
}

uint64_t am_pt_tcr(const struct am_pt *pt)
{
	uint64_t tcr, ds;

	if (!pt_ready(pt))
		return 0;
	/* FEAT_LPA2: DS, bit 32 of TCR_EL2 / TCR_EL3 / VTCR_EL2, 59 of TCR_EL1's layout */
	ds = pt_lpa2(pt) ? 1ull << 32 : 0;
	tcr = t0sz(pt) | TCR_WALK | tg0(pt);
	switch (pt->regime) {
#if AM_PT_BUILT_S1_EL2
	case AM_PT_S1_EL2:
		return tcr | pa_size(pt) << TCR_EL2_PS_SHIFT | TCR_EL2_RES1 | ds;
#endif
#if AM_PT_BUILT_S1_EL3
	case AM_PT_S1_EL3: /* TCR_EL3: the layout of TCR_EL2 without E2H */
		return tcr | pa_size(pt) << TCR_EL2_PS_SHIFT | TCR_EL2_RES1 | ds;
#endif
#if AM_PT_BUILT_S1_EL10 || AM_PT_BUILT_S1_EL20
	case AM_PT_S1_EL10:
	case AM_PT_S1_EL20:	 /* TCR_EL2 with E2H = 1: the layout of TCR_EL1 */
		if (pt->va_base) /* the upper range: TTBR1's half, TTBR0 walks disabled */
			return t0sz(pt) | TCR_EL1_EPD0 | t0sz(pt) << TCR_EL1_T1SZ_SHIFT |
			       (uint64_t)TCR_WALK << TCR_EL1_WALK1_SHIFT | tg1(pt) |
			       pa_size(pt) << TCR_EL1_IPS_SHIFT | ds << 27;
		/* TTBR1 walks disabled; T1SZ and TG1 given valid values all the same */
		return tcr | t0sz(pt) << TCR_EL1_T1SZ_SHIFT | TCR_EL1_EPD1 | tg1(pt) |
		       pa_size(pt) << TCR_EL1_IPS_SHIFT | ds << 27;
#endif
#if AM_PT_BUILT_S2
	case AM_PT_S2:
		return tcr | sl0(pt) << VTCR_SL0_SHIFT | pa_size(pt) << VTCR_PS_SHIFT | VTCR_RES1 |
		       ds;
#endif
	default:
		return 0;
	}
}

uint64_t am_pt_tcr_pair(const struct am_pt *lower, const struct am_pt *upper)
{
	/* one DS for both halves: both LPA2, or neither */
	if (!pt_ready(lower) || !pt_ready(upper) || lower->va_base || !upper->va_base ||
	    pt_lpa2(lower) != pt_lpa2(upper) ||
	    lower->regime != upper->regime ||
	    (lower->regime != AM_PT_S1_EL10 && lower->regime != AM_PT_S1_EL20))
		return 0;
	return (am_pt_tcr(lower) & ~(TCR_EL1_HALF1 | TCR_EL1_EPD1)) |
	       (am_pt_tcr(upper) & TCR_EL1_HALF1);
}

uint64_t am_pt_mair(const struct am_pt *pt)
{
	uint64_t mair = 0;

	if (!pt_ready(pt))
		return 0;
	if (pt->regime == AM_PT_S2)
		return 0; /* stage 2 encodes MemAttr in the descriptors */
	for (unsigned int t = 0; t < AM_MT_COUNT; t++) {
		unsigned int shift = 8u * pt->attr_index[t];

		if (pt->attr_index[t] > 7)
			continue;
		mair &= ~(0xffull << shift);
		mair |= (uint64_t)am_mair_byte(t) << shift;
	}
	return mair;
}
