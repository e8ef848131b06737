/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * VMSAv8-64 descriptor encodings, 4 KiB granule: the one place where a
 * struct am_pt_desc becomes the bits of a table, block or page descriptor
 * of stage 1 EL2 (non-VHE), stage 1 EL1&0 or stage 2, and back.
 *
 * Layout of a block or page descriptor (bits not listed are written 0):
 *   [1:0]   01 block (levels 1-2), 11 page (level 3) or table (levels 0-2)
 *   [4:2]   stage 1: AttrIndx            [5:2] stage 2: MemAttr
 *   [5]     stage 1: NS (0)
 *   [7:6]   stage 1: AP[2:1]             stage 2: S2AP (6 read, 7 write)
 *   [9:8]   SH      [10] AF      [11] nG (stage 1 EL1&0)
 *   [47:12] output address       [52] contiguous
 *   [53]    PXN (stage 1 EL1&0; RES0 elsewhere)
 *   [54]    UXN (stage 1 EL1&0), XN (stage 1 EL2, stage 2)
 *   [58:55] software
 * Stage 2 assumes HCR_EL2.FWB = 0 (MemAttr is the stage-2 memory type).
 */
#include <armmap/errors.h>
#include <armmap/pt.h>

#include "pt_internal.h"

#define PTE_TYPE_MASK 3ull
#define PTE_TYPE_BLOCK 1ull
#define PTE_TYPE_TABLE 3ull    /* a page at level 3 */
#define PTE_ATTR_SHIFT 2       /* AttrIndx [4:2], MemAttr [5:2] */
#define PTE_AP_EL0 (1ull << 6) /* AP[1]: EL0 access (EL1&0), RES1 (EL2) */
#define PTE_AP_RO (1ull << 7)  /* AP[2]: read-only */
#define PTE_S2AP_R (1ull << 6)
#define PTE_S2AP_W (1ull << 7)
#define PTE_SH_SHIFT 8
#define PTE_SH_MASK (3ull << PTE_SH_SHIFT)
#define PTE_PXN (1ull << 53)
#define PTE_XN (1ull << 54) /* UXN in the EL1&0 regime */

/* Stage-2 MemAttr[3:0] of each memory type (FWB = 0). */
#define MA_DEV_nGnRnE 0x0
#define MA_DEV_nGnRE 0x1
#define MA_NORMAL_NC 0x5
#define MA_NORMAL_WT 0xa
#define MA_NORMAL_WB 0xf
const uint8_t pt_s2_memattr[AM_MT_COUNT] = {
	[AM_MT_DEVICE_nGnRnE] = MA_DEV_nGnRnE, [AM_MT_DEVICE_nGnRE] = MA_DEV_nGnRE,
	[AM_MT_NORMAL_NC] = MA_NORMAL_NC,      [AM_MT_NORMAL_WT] = MA_NORMAL_WT,
	[AM_MT_NORMAL_WB] = MA_NORMAL_WB,
};
/* The other way: the memory type of each MemAttr, -1 for none. */
#define S2_MT(v)                                     \
	((v) == MA_DEV_nGnRnE  ? AM_MT_DEVICE_nGnRnE \
	 : (v) == MA_DEV_nGnRE ? AM_MT_DEVICE_nGnRE  \
	 : (v) == MA_NORMAL_NC ? AM_MT_NORMAL_NC     \
	 : (v) == MA_NORMAL_WT ? AM_MT_NORMAL_WT     \
	 : (v) == MA_NORMAL_WB ? AM_MT_NORMAL_WB     \
			       : -1)
static const int8_t s2_mtype[16] = {
	S2_MT(0), S2_MT(1), S2_MT(2),  S2_MT(3),  S2_MT(4),  S2_MT(5),	S2_MT(6),  S2_MT(7),
	S2_MT(8), S2_MT(9), S2_MT(10), S2_MT(11), S2_MT(12), S2_MT(13), S2_MT(14), S2_MT(15),
};

static uint64_t entry_mask(unsigned int level)
{
	return (1ull << am_pt_level_shift(level)) - 1;
}

/*
 * The permission bits of each AM_PERM_* combination, per regime, or
 * NO_ where the regime cannot express it (AM_ENOTSUP): stage 2 has no
 * user bit; stage 1 cannot grant write or execute without read; stage 1
 * EL2 has one privilege level (AP[1] RES1, PXN RES0); at EL1&0 a page
 * without EL0 access is never executable at EL0 (UXN), and one with it is
 * executable at both levels or neither.
 */
#define P_(p, b) (((p) & (b)) != 0)
#define NO_ (1ull << 63) /* not expressible (packed: PT_PERM_NO) */
#define S2_PERM(p)                                                                             \
	(P_(p, AM_PERM_USER)                                                                   \
		 ? NO_                                                                         \
		 : (P_(p, AM_PERM_R) ? PTE_S2AP_R : 0) | (P_(p, AM_PERM_W) ? PTE_S2AP_W : 0) | \
			   (P_(p, AM_PERM_X) ? 0 : PTE_XN))
#define S1_RO(p) (P_(p, AM_PERM_W) ? 0 : PTE_AP_RO)
#define EL2_PERM(p)                               \
	(!P_(p, AM_PERM_R) || P_(p, AM_PERM_USER) \
		 ? NO_                            \
		 : S1_RO(p) | PTE_AP_EL0 | (P_(p, AM_PERM_X) ? 0 : PTE_XN))
#define EL10_PERM(p)                                                                               \
	(!P_(p, AM_PERM_R)     ? NO_                                                               \
	 : P_(p, AM_PERM_USER) ? S1_RO(p) | PTE_AP_EL0 | (P_(p, AM_PERM_X) ? 0 : PTE_XN | PTE_PXN) \
			       : S1_RO(p) | PTE_XN | (P_(p, AM_PERM_X) ? 0 : PTE_PXN))
#define PERM_ROW(f)                                                                              \
	{                                                                                        \
		f(0), f(1), f(2), f(3), f(4), f(5), f(6), f(7), f(8), f(9), f(10), f(11), f(12), \
			f(13), f(14), f(15)                                                      \
	}
/*
 * Kept in a byte each (a table of descriptors would be 8 times as large):
 * bits 6 and 7 as they are in bits 0-1, PXN and XN in bits 2-3 (the order
 * of pt_perm_index()), PT_PERM_NO as bit 4, and PT_PERM_WX, bit 5, on
 * stage 1's write+execute (which am_attr_validate() refuses there), so
 * that pt_leaf_tmpl() decides the common case from this table alone.
 */
#define WX_(p) (P_(p, AM_PERM_W) && P_(p, AM_PERM_X) ? PT_PERM_WX : 0u)
#define PERM_PACK(x) ((((x)&NO_) ? PT_PERM_NO : 0u) | (((x) >> 6) & 3u) | (((x) >> 51) & 0xcu))
#define EL2_PERM_P(p) (PERM_PACK(EL2_PERM(p)) | WX_(p))
#define EL10_PERM_P(p) (PERM_PACK(EL10_PERM(p)) | WX_(p))
#define S2_PERM_P(p) PERM_PACK(S2_PERM(p))
const uint8_t pt_perm_bits[AM_PT_REGIME_COUNT][AM_PERM_MASK + 1] = {
	[AM_PT_S1_EL2] = PERM_ROW(EL2_PERM_P),
	[AM_PT_S1_EL10] = PERM_ROW(EL10_PERM_P),
	[AM_PT_S2] = PERM_ROW(S2_PERM_P),
	[AM_PT_S1_EL3] = PERM_ROW(EL2_PERM_P),	 /* the EL2 format: one privilege level */
	[AM_PT_S1_EL20] = PERM_ROW(EL10_PERM_P), /* the EL1&0 format at EL2 (VHE) */
};

/*
 * The permissions of a leaf, from its bits 6, 7, 53 and 54 (AP[1] / S2AP
 * read, AP[2] / S2AP write, PXN, XN / UXN: perm_index()), per regime. What
 * the two privilege levels of EL1&0 do not share is dropped: with EL0
 * access, X means both levels may execute (and a region writable at EL0 is
 * never executable at EL1). Stage 2: XN[1:0] = 00 (FEAT_XNX) is executable
 * at EL1 and EL0.
 */
#define B_(i, n) (((i) >> (n)) & 1) /* n: 0 bit 6, 1 bit 7, 2 PXN, 3 XN */
#define S2_PERM_OF(i)                                              \
	((B_(i, 0) ? AM_PERM_R : 0) | (B_(i, 1) ? AM_PERM_W : 0) | \
	 (!B_(i, 2) && !B_(i, 3) ? AM_PERM_X : 0))
#define EL2_PERM_OF(i) (AM_PERM_R | (B_(i, 1) ? 0 : AM_PERM_W) | (B_(i, 3) ? 0 : AM_PERM_X))
#define EL10_PERM_OF(i)                                                                  \
	(AM_PERM_R | (B_(i, 1) ? 0 : AM_PERM_W) |                                        \
	 (B_(i, 0) ? AM_PERM_USER | (!B_(i, 2) && !B_(i, 3) && B_(i, 1) ? AM_PERM_X : 0) \
		   : (!B_(i, 2) ? AM_PERM_X : 0)))
const uint8_t pt_perm_of[AM_PT_REGIME_COUNT][16] = {
	[AM_PT_S1_EL2] = PERM_ROW(EL2_PERM_OF),	  [AM_PT_S1_EL10] = PERM_ROW(EL10_PERM_OF),
	[AM_PT_S2] = PERM_ROW(S2_PERM_OF),	  [AM_PT_S1_EL3] = PERM_ROW(EL2_PERM_OF),
	[AM_PT_S1_EL20] = PERM_ROW(EL10_PERM_OF),
};

/* The memory type of a leaf, or AM_ENOTSUP. */
static inline int decode_mtype(enum am_pt_regime regime, am_pte_t pte, const uint8_t *attr_index)
{
	unsigned int v;

	if (IS_S2(regime)) {
		int t = s2_mtype[(pte >> PTE_ATTR_SHIFT) & 0xf];

		return t < 0 ? AM_ENOTSUP : t;
	}
	v = (pte >> PTE_ATTR_SHIFT) & 7;
	if (!attr_index)
		return v < AM_MT_COUNT ? (int)v : AM_ENOTSUP;
	for (unsigned int t = 0; t < AM_MT_COUNT; t++)
		if (attr_index[t] == v)
			return (int)t;
	return AM_ENOTSUP;
}

void pt_mtype_of(enum am_pt_regime regime, const uint8_t *attr_index, uint8_t out[16])
{
	for (unsigned int v = 0; v < 16; v++) {
		int t = decode_mtype(regime, (am_pte_t)v << PTE_ATTR_SHIFT, attr_index);

		out[v] = t < 0 ? 0xff : (uint8_t)t;
	}
}

int pt_leaf_attr_of(enum am_pt_regime regime, am_pte_t pte, const uint8_t *attr_index,
		    struct am_attr *a)
{
	int mtype;

	/* SH = 01 is reserved */
	if ((pte & PTE_SH_MASK) == 1ull << PTE_SH_SHIFT)
		return AM_EINVAL;
	mtype = decode_mtype(regime, pte, attr_index);
	if (mtype < 0)
		return mtype;
	a->perm = pt_perm_of[regime][pt_perm_index(pte)];
	a->mtype = (uint8_t)mtype;
	a->sh = (uint8_t)((pte & PTE_SH_MASK) >> PTE_SH_SHIFT);
	return 0;
}

/* am_attr_validate(), but a guest's RAM may be written and executed at
 * stage 2: its own stage 1 decides W^X there. Executing device memory
 * stays refused. */
static int attr_ok(enum am_pt_regime regime, const struct am_attr *a)
{
	int err = am_attr_validate(a);

	if (err == AM_EPERM && IS_S2(regime) && !am_attr_is_device(a))
		return 0;
	return err;
}

/* The memory type, shareability and permission bits of valid @a. */
static inline int leaf_bits(enum am_pt_regime regime, const struct am_attr *a,
			    const uint8_t *attr_index, am_pte_t *out)
{
	am_pte_t perm, mt;
	unsigned int idx;

	if (IS_S2(regime)) {
		mt = (am_pte_t)pt_s2_memattr[a->mtype] << PTE_ATTR_SHIFT;
	} else {
		idx = attr_index ? attr_index[a->mtype] : a->mtype;
		if (idx == AM_PT_NO_ATTRIDX)
			return AM_ENOTSUP;
		if (idx > 7)
			return AM_EINVAL;
		mt = (am_pte_t)idx << PTE_ATTR_SHIFT;
	}
	perm = pt_perm_bits[regime][a->perm];
	if (perm & PT_PERM_NO)
		return AM_ENOTSUP;
	perm = pt_perm_expand((unsigned int)perm);
	*out = perm | mt | (am_pte_t)a->sh << PTE_SH_SHIFT;
	return 0;
}

int pt_leaf_attr(enum am_pt_regime regime, const struct am_attr *a, const uint8_t *attr_index,
		 am_pte_t *out)
{
	int err = attr_ok(regime, a);

	return err ? err : leaf_bits(regime, a, attr_index, out);
}

static int encode_leaf(enum am_pt_regime regime, unsigned int level, const struct am_pt_desc *d,
		       const uint8_t *attr_index, am_pte_t *out)
{
	am_pte_t pte;
	int err;

	if (d->sw > 15 || d->af > 1 || d->contig > 1 || d->ng > 1 || d->ns > 1)
		return AM_EINVAL;
	err = attr_ok(regime, &d->attr);
	if (err)
		return err;
	if ((d->ng && !IS_EL10(regime)) || (d->ns && IS_S2(regime)))
		return AM_ENOTSUP; /* nG: EL1&0 only; NS: stage 1 (bit 5 is MemAttr[3] at stage 2)
				    */
	err = leaf_bits(regime, &d->attr, attr_index, &pte);
	if (err)
		return err;
	pte |= am_pa_val(d->oa) | (am_pte_t)d->sw << AM_PTE_SW_SHIFT;
	pte |= level == AM_PT_MAX_LEVEL ? PTE_TYPE_TABLE : PTE_TYPE_BLOCK;
	if (d->af)
		pte |= AM_PTE_AF;
	if (d->ng)
		pte |= AM_PTE_NG;
	if (d->ns)
		pte |= AM_PTE_NS;
	if (d->contig)
		pte |= AM_PTE_CONTIG;
	*out = pte;
	return 0;
}

int pt_desc_encode(enum am_pt_regime regime, unsigned int level, const struct am_pt_desc *d,
		   const uint8_t *attr_index, am_pte_t *out)
{
	if (!d || !out || (unsigned int)regime >= AM_PT_REGIME_COUNT || level > AM_PT_MAX_LEVEL)
		return AM_EINVAL;
	if (!PT_BUILT(regime))
		return AM_ENOTSUP;

	switch (d->type) {
	case AM_PT_INVALID:
		*out = 0;
		return 0;
	case AM_PT_TABLE:
		if (level == AM_PT_MAX_LEVEL || (am_pa_val(d->oa) & ~AM_PTE_OA_MASK))
			return AM_EINVAL;
		*out = am_pa_val(d->oa) | PTE_TYPE_TABLE;
		return 0;
	case AM_PT_BLOCK:
		if (level == 0 || level == AM_PT_MAX_LEVEL)
			return AM_EINVAL;
		break;
	case AM_PT_PAGE:
		if (level != AM_PT_MAX_LEVEL)
			return AM_EINVAL;
		break;
	default:
		return AM_EINVAL;
	}
	/* the entry's size and 48 bits */
	if (am_pa_val(d->oa) & (entry_mask(level) | ~AM_PTE_OA_MASK))
		return AM_EINVAL;
	return encode_leaf(regime, level, d, attr_index, out);
}

int pt_desc_decode(enum am_pt_regime regime, unsigned int level, am_pte_t pte,
		   const uint8_t *attr_index, struct am_pt_desc *d)
{
	struct am_pt_desc r = {0};
	int err;

	if (!d || (unsigned int)regime >= AM_PT_REGIME_COUNT || level > AM_PT_MAX_LEVEL)
		return AM_EINVAL;
	if (!PT_BUILT(regime))
		return AM_ENOTSUP;
	if (!(pte & AM_PTE_VALID)) {
		*d = r;
		return 0;
	}
	if ((pte & PTE_TYPE_MASK) == PTE_TYPE_TABLE && level < AM_PT_MAX_LEVEL) {
		r.type = AM_PT_TABLE;
		r.oa = am_pa(pte & AM_PTE_OA_MASK);
		*d = r;
		return 0;
	}
	if ((pte & PTE_TYPE_MASK) == PTE_TYPE_BLOCK && (level == 0 || level == AM_PT_MAX_LEVEL))
		return AM_EINVAL;
	err = pt_leaf_attr_of(regime, pte, attr_index, &r.attr);
	if (err)
		return err;
	r.type = level == AM_PT_MAX_LEVEL ? AM_PT_PAGE : AM_PT_BLOCK;
	r.contig = (pte & AM_PTE_CONTIG) != 0;
	r.ng = IS_EL10(regime) && (pte & AM_PTE_NG);
	r.ns = !IS_S2(regime) && (pte & AM_PTE_NS);
	r.af = (pte & AM_PTE_AF) != 0;
	r.sw = (uint8_t)((pte & AM_PTE_SW_MASK) >> AM_PTE_SW_SHIFT);
	/* block: bits below the block size are not address (RES0, nT) */
	r.oa = am_pa(pte & AM_PTE_OA_MASK & ~entry_mask(level));
	*d = r;
	return 0;
}

/* A regime not built: AM_ENOTSUP and its record (0 for the others). */
static int regime_not_built(enum am_pt_regime regime)
{
	if ((unsigned int)regime >= AM_PT_REGIME_COUNT || PT_BUILT(regime))
		return 0;
	am_log_fallback(AM_LOG_ERR, AM_EV_BAD_ARG, "pt: regime not built (AM_CONFIG_PT_*)",
			(unsigned int)regime, AM_PT_BUILT_MASK, 0);
	return AM_ENOTSUP;
}

/* The public calls: the same, with one record to the fallback hook on refusal. */
int am_pt_desc_encode(enum am_pt_regime regime, unsigned int level, const struct am_pt_desc *d,
		      const uint8_t *attr_index, am_pte_t *out)
{
	int rc = regime_not_built(regime);

	if (rc)
		return rc;
	rc = pt_desc_encode(regime, level, d, attr_index, out);
	if (rc == AM_EINVAL)
		am_log_fallback(AM_LOG_ERR, AM_EV_BAD_ARG,
				"pt encode: NULL, unknown regime or type, bad level, OA, sw, af "
				"or attributes",
				(unsigned int)regime, level, d ? am_pa_val(d->oa) : 0);
	else if (rc == AM_EPERM)
		am_log_fallback(AM_LOG_ERR, AM_EV_WRITE_EXEC,
				"pt encode: write+execute (stage 1) or execute from device memory",
				d->attr.perm, d->attr.mtype, (unsigned int)regime);
	else if (rc == AM_ENOTSUP)
		am_log_fallback(AM_LOG_ERR, AM_EV_NOT_EXPRESSIBLE,
				"pt encode: attributes the regime cannot express", d->attr.perm,
				d->attr.mtype, (unsigned int)regime);
	return rc;
}

int am_pt_desc_decode(enum am_pt_regime regime, unsigned int level, am_pte_t pte,
		      const uint8_t *attr_index, struct am_pt_desc *d)
{
	int rc = regime_not_built(regime);

	if (rc)
		return rc;
	rc = pt_desc_decode(regime, level, pte, attr_index, d);
	if (rc == AM_EINVAL)
		am_log_fallback(AM_LOG_ERR, AM_EV_BAD_ARG,
				"pt decode: NULL, unknown regime, bad level or a reserved encoding",
				(unsigned int)regime, level, pte);
	else if (rc)
		am_log_fallback(AM_LOG_ERR, AM_EV_NOT_EXPRESSIBLE,
				"pt decode: a memory attribute armmap has no type for",
				(unsigned int)regime, level, pte);
	return rc;
}
