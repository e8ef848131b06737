/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Suite unit-pt_desc: VMSAv8-64 descriptor encodings (4 KiB granule) and
 * the register values of a table. Known descriptors are written out bit by
 * bit from the architecture for each regime; then every attribute, level,
 * hint and software value is round-tripped, every refusal is checked with
 * its code, and decode is shown never to invent what encode would refuse.
 */
#include "tests/unit/harness.h"

#include <string.h>

#include <armmap/errors.h>
#include <armmap/pt.h>
#include "src/core/internal.h"

#define R AM_PERM_R
#define W AM_PERM_W
#define X AM_PERM_X
#define U AM_PERM_USER

/* Descriptor bits, spelled out from the architecture for the tests. */
#define B_BLOCK 0x1ull
#define B_PAGE 0x3ull /* also table */
#define B_ATTRINDX(i) ((uint64_t)(i) << 2)
#define B_MEMATTR(m) ((uint64_t)(m) << 2)
#define B_NS (1ull << 5)
#define B_AP1 (1ull << 6) /* EL0 access; RES1 at EL2; S2AP read */
#define B_AP2 (1ull << 7) /* read-only; S2AP write */
#define B_SH(s) ((uint64_t)(s) << 8)
#define B_AF (1ull << 10)
#define B_NG (1ull << 11)
#define B_CONTIG (1ull << 52)
#define B_PXN (1ull << 53)
#define B_XN (1ull << 54) /* UXN at EL1&0 */
#define B_SW(s) ((uint64_t)(s) << 55)

static const enum am_pt_regime regimes[] = {AM_PT_S1_EL2, AM_PT_S1_EL10, AM_PT_S2, AM_PT_S1_EL3,
					    AM_PT_S1_EL20};
/* the EL1&0 descriptor format: EL1&0, and EL2&0 (VHE) */
#define EL10_FORMAT(r) ((r) == AM_PT_S1_EL10 || (r) == AM_PT_S1_EL20)
#define NREGIMES (sizeof(regimes) / sizeof(regimes[0]))

static struct am_pt_desc leaf(uint8_t type, am_paddr_t oa, uint8_t perm, uint8_t mtype, uint8_t sh)
{
	struct am_pt_desc d = {.type = type, .af = 1, .oa = oa};

	d.attr.perm = perm;
	d.attr.mtype = mtype;
	d.attr.sh = sh;
	return d;
}

static am_pte_t enc(enum am_pt_regime r, unsigned int level, const struct am_pt_desc *d)
{
	am_pte_t pte = 0xdeadull;

	assert_int_equal(am_pt_desc_encode(r, level, d, NULL, &pte), 0);
	return pte;
}

static void assert_desc_equal(const struct am_pt_desc *a, const struct am_pt_desc *b)
{
	assert_int_equal(a->type, b->type);
	assert_int_equal(a->contig, b->contig);
	assert_int_equal(a->ng, b->ng);
	assert_int_equal(a->af, b->af);
	assert_int_equal(a->sw, b->sw);
	assert_int_equal(a->ns, b->ns);
	assert_int_equal(a->attr.perm, b->attr.perm);
	assert_int_equal(a->attr.mtype, b->attr.mtype);
	assert_int_equal(a->attr.sh, b->attr.sh);
	assert_int_equal(am_pa_val(a->oa), am_pa_val(b->oa));
}

/* decode(pte) == *want, and encode of that gives pte back */
static void assert_round_trip(enum am_pt_regime r, unsigned int level, am_pte_t pte,
			      const uint8_t *idx, const struct am_pt_desc *want)
{
	struct am_pt_desc got;
	am_pte_t again = 0;

	assert_int_equal(am_pt_desc_decode(r, level, pte, idx, &got), 0);
	assert_desc_equal(&got, want);
	assert_int_equal(am_pt_desc_encode(r, level, &got, idx, &again), 0);
	assert_int_equal(again, pte);
}

/* ------------------------------------------------------------------------ */
/* Known values                                                              */
/* ------------------------------------------------------------------------ */

/* Stage 1 EL2: AttrIndx [4:2], AP[2] 7 (AP[1] 6 RES1), SH [9:8], AF 10, XN 54 */
static void el2_known_values(void **state)
{
	struct am_pt_desc d;
	(void)state;

	/* RW normal WB inner-shareable page: AttrIndx 4, AP = 01, SH 11, AF, XN */
	d = leaf(AM_PT_PAGE, am_pa(0x80001000), R | W, AM_MT_NORMAL_WB, AM_SH_INNER);
	assert_int_equal(enc(AM_PT_S1_EL2, 3, &d),
			 0x80001000ull | B_PAGE | B_ATTRINDX(4) | B_AP1 | B_SH(3) | B_AF | B_XN);
	assert_int_equal(enc(AM_PT_S1_EL2, 3, &d), 0x0040000080001753ull);
	assert_round_trip(AM_PT_S1_EL2, 3, 0x0040000080001753ull, NULL, &d);

	/* RO data, 2 MiB block: AP = 11 */
	d = leaf(AM_PT_BLOCK, am_pa(0x40200000), R, AM_MT_NORMAL_WB, AM_SH_INNER);
	assert_int_equal(enc(AM_PT_S1_EL2, 2, &d), 0x00400000402007d1ull);
	assert_round_trip(AM_PT_S1_EL2, 2, 0x00400000402007d1ull, NULL, &d);

	/* RX text, 1 GiB block, contiguous, software bits 0b1010: XN clear */
	d = leaf(AM_PT_BLOCK, am_pa(0x40000000), R | X, AM_MT_NORMAL_WB, AM_SH_INNER);
	d.contig = 1;
	d.sw = 0xa;
	assert_int_equal(enc(AM_PT_S1_EL2, 1, &d), 0x40000000ull | B_BLOCK | B_ATTRINDX(4) | B_AP1 |
							   B_AP2 | B_SH(3) | B_AF | B_CONTIG |
							   B_SW(0xa));
	assert_int_equal(enc(AM_PT_S1_EL2, 1, &d), 0x05100000400007d1ull);
	assert_round_trip(AM_PT_S1_EL2, 1, 0x05100000400007d1ull, NULL, &d);

	/* RW device nGnRE outer-shareable page, no access flag: AttrIndx 1, SH 10 */
	d = leaf(AM_PT_PAGE, am_pa(0x09000000), R | W, AM_MT_DEVICE_nGnRE, AM_SH_OUTER);
	d.af = 0;
	assert_int_equal(enc(AM_PT_S1_EL2, 3, &d), 0x0040000009000247ull);
}

/* Stage 1 EL1&0: AP[2:1] [7:6], nG 11, PXN 53, UXN 54 */
static void el10_known_values(void **state)
{
	struct am_pt_desc d;
	const am_pte_t base = 0x1234000ull | B_PAGE | B_ATTRINDX(4) | B_SH(3) | B_AF;
	(void)state;

	/* user RX, not global: AP = 11, UXN = PXN = 0 */
	d = leaf(AM_PT_PAGE, am_pa(0x1234000), U | R | X, AM_MT_NORMAL_WB, AM_SH_INNER);
	d.ng = 1;
	assert_int_equal(enc(AM_PT_S1_EL10, 3, &d), base | B_AP2 | B_AP1 | B_NG);
	assert_int_equal(enc(AM_PT_S1_EL10, 3, &d), 0x0000000001234fd3ull);
	assert_round_trip(AM_PT_S1_EL10, 3, 0x0000000001234fd3ull, NULL, &d);

	/* privileged RW: AP = 00, UXN, PXN */
	d = leaf(AM_PT_PAGE, am_pa(0x1234000), R | W, AM_MT_NORMAL_WB, AM_SH_INNER);
	assert_int_equal(enc(AM_PT_S1_EL10, 3, &d), base | B_PXN | B_XN);
	assert_int_equal(enc(AM_PT_S1_EL10, 3, &d), 0x0060000001234713ull);
	/* user RW: AP = 01, UXN, PXN */
	d.attr.perm = U | R | W;
	assert_int_equal(enc(AM_PT_S1_EL10, 3, &d), base | B_AP1 | B_PXN | B_XN);
	/* privileged RO: AP = 10, UXN, PXN */
	d.attr.perm = R;
	assert_int_equal(enc(AM_PT_S1_EL10, 3, &d), base | B_AP2 | B_PXN | B_XN);
	/* user RO: AP = 11, UXN, PXN */
	d.attr.perm = U | R;
	assert_int_equal(enc(AM_PT_S1_EL10, 3, &d), base | B_AP2 | B_AP1 | B_PXN | B_XN);
	/* privileged RX: AP = 10, UXN only (EL0 has no access at all) */
	d.attr.perm = R | X;
	assert_int_equal(enc(AM_PT_S1_EL10, 3, &d), base | B_AP2 | B_XN);
	assert_int_equal(enc(AM_PT_S1_EL10, 3, &d), 0x0040000001234793ull);
	assert_round_trip(AM_PT_S1_EL10, 3, 0x0040000001234793ull, NULL, &d);

	/* Normal NC 2 MiB block, non-shareable, global: AttrIndx 2, SH 00 */
	d = leaf(AM_PT_BLOCK, am_pa(0x200000), R | W, AM_MT_NORMAL_NC, AM_SH_NONE);
	assert_int_equal(enc(AM_PT_S1_EL10, 2, &d),
			 0x200000ull | B_BLOCK | B_ATTRINDX(2) | B_AF | B_PXN | B_XN);
}

/* Stage 2: MemAttr [5:2], S2AP [7:6] (6 read, 7 write), SH, AF, XN 54 */
static void s2_known_values(void **state)
{
	struct am_pt_desc d;
	(void)state;

	/* device nGnRE RW 2 MiB block, outer shareable: MemAttr 0001, S2AP 11 */
	d = leaf(AM_PT_BLOCK, am_pa(0x09000000), R | W, AM_MT_DEVICE_nGnRE, AM_SH_OUTER);
	assert_int_equal(enc(AM_PT_S2, 2, &d), 0x09000000ull | B_BLOCK | B_MEMATTR(1) | B_AP1 |
						       B_AP2 | B_SH(2) | B_AF | B_XN);
	assert_int_equal(enc(AM_PT_S2, 2, &d), 0x00400000090006c5ull);
	assert_round_trip(AM_PT_S2, 2, 0x00400000090006c5ull, NULL, &d);

	/* normal WB RX page: MemAttr 1111, S2AP 01, XN clear */
	d = leaf(AM_PT_PAGE, am_pa(0x80000000), R | X, AM_MT_NORMAL_WB, AM_SH_INNER);
	assert_int_equal(enc(AM_PT_S2, 3, &d), 0x000000008000077full);
	assert_round_trip(AM_PT_S2, 3, 0x000000008000077full, NULL, &d);

	/* every memory type */
	d = leaf(AM_PT_PAGE, am_pa(0), R, AM_MT_DEVICE_nGnRnE, AM_SH_NONE);
	assert_int_equal(enc(AM_PT_S2, 3, &d), B_PAGE | B_MEMATTR(0) | B_AP1 | B_AF | B_XN);
	d.attr.mtype = AM_MT_NORMAL_NC;
	assert_int_equal(enc(AM_PT_S2, 3, &d), B_PAGE | B_MEMATTR(5) | B_AP1 | B_AF | B_XN);
	d.attr.mtype = AM_MT_NORMAL_WT;
	assert_int_equal(enc(AM_PT_S2, 3, &d), B_PAGE | B_MEMATTR(0xa) | B_AP1 | B_AF | B_XN);

	/* what stage 1 cannot say: no access, write-only, execute-only */
	d = leaf(AM_PT_PAGE, am_pa(0x1000), 0, AM_MT_NORMAL_WB, AM_SH_INNER);
	assert_int_equal(enc(AM_PT_S2, 3, &d),
			 0x1000ull | B_PAGE | B_MEMATTR(0xf) | B_SH(3) | B_AF | B_XN);
	d.attr.perm = W;
	assert_int_equal(enc(AM_PT_S2, 3, &d),
			 0x1000ull | B_PAGE | B_MEMATTR(0xf) | B_AP2 | B_SH(3) | B_AF | B_XN);
	d.attr.perm = X;
	assert_int_equal(enc(AM_PT_S2, 3, &d),
			 0x1000ull | B_PAGE | B_MEMATTR(0xf) | B_SH(3) | B_AF);
	assert_round_trip(AM_PT_S2, 3, 0x1000ull | B_PAGE | B_MEMATTR(0xf) | B_SH(3) | B_AF, NULL,
			  &d);
}

static void table_descriptors(void **state)
{
	struct am_pt_desc d = {.type = AM_PT_TABLE, .oa = {0xfffffffff000ull}}, got;
	struct am_pt_desc junk = d;
	am_pte_t pte;
	(void)state;

	/* only bits [1:0] and the next table's address */
	junk.contig = 1;
	junk.ng = 1;
	junk.af = 1;
	junk.sw = 15;
	junk.attr = AM_ATTR_RX_TEXT;
	for (size_t r = 0; r < NREGIMES; r++)
		for (unsigned int level = 0; level < 3; level++) {
			assert_int_equal(enc(regimes[r], level, &d), 0xfffffffff003ull);
			assert_int_equal(enc(regimes[r], level, &junk), 0xfffffffff003ull);
			assert_round_trip(regimes[r], level, 0xfffffffff003ull, NULL, &d);
			/* attribute bits of a table descriptor are not decoded */
			assert_int_equal(am_pt_desc_decode(regimes[r], level, 0xfff0000040003fffull,
							   NULL, &got),
					 0);
			assert_int_equal(got.type, AM_PT_TABLE);
			assert_int_equal(am_pa_val(got.oa), 0x40003000ull);
			assert_int_equal(got.af | got.sw | got.contig | got.ng | got.attr.perm, 0);
			/* not 4 KiB aligned, wider than 48 bits */
			d.oa = am_pa(0x40000800);
			assert_int_equal(am_pt_desc_encode(regimes[r], level, &d, NULL, &pte),
					 AM_EINVAL);
			d.oa = am_pa(1ull << 48);
			assert_int_equal(am_pt_desc_encode(regimes[r], level, &d, NULL, &pte),
					 AM_EINVAL);
			d.oa = am_pa(0xfffffffff000ull);
		}
	/* no table at level 3: bits 11 there are a page */
	assert_int_equal(am_pt_desc_encode(AM_PT_S2, 3, &d, NULL, &pte), AM_EINVAL);
	assert_int_equal(am_pt_desc_decode(AM_PT_S2, 3, 0xfffffffff003ull, NULL, &got), 0);
	assert_int_equal(got.type, AM_PT_PAGE);
}

static void invalid_descriptors(void **state)
{
	struct am_pt_desc d = leaf(AM_PT_INVALID, am_pa(0x1234000), R | W | X, 7, 1), got;
	am_pte_t pte = 0xdead;
	(void)state;

	/* invalid encodes as 0 whatever the other fields say */
	d.sw = 0xff;
	d.contig = 9;
	for (size_t r = 0; r < NREGIMES; r++)
		for (unsigned int level = 0; level <= 3; level++) {
			pte = 0xdead;
			assert_int_equal(am_pt_desc_encode(regimes[r], level, &d, NULL, &pte), 0);
			assert_int_equal(pte, 0);
			/* bit 0 clear: everything else is ignored and zero */
			memset(&got, 0xa5, sizeof(got));
			assert_int_equal(am_pt_desc_decode(regimes[r], level, 0xfffffffffffffffeull,
							   NULL, &got),
					 0);
			assert_int_equal(got.type, AM_PT_INVALID);
			assert_int_equal(got.contig | got.ng | got.af | got.sw, 0);
			assert_int_equal(got.attr.perm | got.attr.mtype | got.attr.sh, 0);
			assert_int_equal(am_pa_val(got.oa), 0);
		}
}

/* ------------------------------------------------------------------------ */
/* Exhaustive round trip                                                     */
/* ------------------------------------------------------------------------ */

/* What encode must answer, from the rules of the header. */
static int expected(enum am_pt_regime r, const struct am_pt_desc *d)
{
	unsigned int p = d->attr.perm;

	if ((p & X) && d->attr.mtype <= AM_MT_DEVICE_nGnRE)
		return AM_EPERM;
	if ((p & W) && (p & X) && r != AM_PT_S2) /* stage 2 allows RWX guest RAM */
		return AM_EPERM;
	if (d->ng && !EL10_FORMAT(r))
		return AM_ENOTSUP;
	if (d->ns && r == AM_PT_S2)
		return AM_ENOTSUP;
	if (r != AM_PT_S2 && !(p & R))
		return AM_ENOTSUP;
	if ((p & U) && !EL10_FORMAT(r))
		return AM_ENOTSUP;
	return 0;
}

/* The fields every regime places alike, checked on the raw bits. */
static void check_common_bits(enum am_pt_regime r, unsigned int level, const struct am_pt_desc *d,
			      am_pte_t pte)
{
	assert_int_equal(pte & 3, level == 3 ? 3 : 1);
	assert_int_equal(pte & AM_PTE_OA_MASK, am_pa_val(d->oa));
	assert_int_equal((pte >> 8) & 3, d->attr.sh);
	assert_int_equal((pte >> 10) & 1, d->af);
	assert_int_equal((pte >> 11) & 1, d->ng);
	if (r != AM_PT_S2)
		assert_int_equal((pte >> 5) & 1, d->ns);
	assert_int_equal((pte >> 52) & 1, d->contig);
	assert_int_equal((pte >> 55) & 0xf, d->sw);
	/* bits [51:48] and [63:59] are never written; NS only when asked */
	assert_int_equal(pte & 0xf80f000000000000ull, 0);
	if (r != AM_PT_S2) {
		assert_int_equal((pte >> 2) & 7, d->attr.mtype);
		assert_int_equal(pte & B_NS, d->ns ? B_NS : 0);
	}
	if (!EL10_FORMAT(r))
		assert_int_equal(pte & B_PXN, 0);
	if (r == AM_PT_S1_EL2 || r == AM_PT_S1_EL3)
		assert_int_equal(pte & B_AP1, B_AP1);
}

static const struct {
	uint8_t level, type;
	am_paddr_t oa[2];
} shapes[] = {
	{1, AM_PT_BLOCK, {{0x40000000ull}, {0xffffc0000000ull}}},
	{2, AM_PT_BLOCK, {{0x200000ull}, {0xffffffe00000ull}}},
	{3, AM_PT_PAGE, {{0}, {0xfffffffff000ull}}},
};

static void round_trip_regime(enum am_pt_regime r)
{
	static const uint8_t shs[] = {AM_SH_NONE, AM_SH_OUTER, AM_SH_INNER};
	unsigned int ok = 0, refused = 0;

	for (unsigned int perm = 0; perm < 16; perm++)
		for (unsigned int mt = 0; mt < AM_MT_COUNT; mt++)
			for (size_t sh = 0; sh < 3; sh++)
				for (size_t s = 0; s < 3; s++)
					for (unsigned int bits = 0; bits < 16 * 16; bits++) {
						struct am_pt_desc d =
							leaf(shapes[s].type,
							     shapes[s].oa[(bits ^ (bits >> 3)) & 1],
							     (uint8_t)perm, (uint8_t)mt, shs[sh]);
						am_pte_t pte = 0x5a5a;
						int want;

						d.contig = bits & 1;
						d.af = (bits >> 1) & 1;
						d.ng = (bits >> 2) & 1;
						d.sw = (uint8_t)((bits >> 3) & 0xf);
						d.ns = (uint8_t)(bits >> 7);
						want = expected(r, &d);
						assert_int_equal(am_pt_desc_encode(r,
										   shapes[s].level,
										   &d, NULL, &pte),
								 want);
						if (want) {
							assert_int_equal(pte,
									 0x5a5a); /* untouched */
							refused++;
							continue;
						}
						check_common_bits(r, shapes[s].level, &d, pte);
						assert_round_trip(r, shapes[s].level, pte, NULL,
								  &d);
						ok++;
					}
	/* 16 perms x 5 types x 3 sh x 3 shapes x 256 */
	assert_int_equal(ok + refused, 16 * 5 * 3 * 3 * 256);
	assert_true(ok > 0);
}

static void round_trip_el2(void **state)
{
	(void)state;
	round_trip_regime(AM_PT_S1_EL2);
}

static void round_trip_el20(void **state)
{
	(void)state;
	round_trip_regime(AM_PT_S1_EL20);
}

static void round_trip_el3(void **state)
{
	(void)state;
	round_trip_regime(AM_PT_S1_EL3);
}

static void round_trip_el10(void **state)
{
	(void)state;
	round_trip_regime(AM_PT_S1_EL10);
}

static void round_trip_s2(void **state)
{
	(void)state;
	round_trip_regime(AM_PT_S2);
}

/*
 * The other direction, over every combination of the attribute bits
 * [11:2] and [54:52] at every level: decode either refuses for a stated
 * reason, or gives a descriptor that is stable under encode + decode.
 */
static void decode_never_invents(void **state)
{
	(void)state;
	for (size_t r = 0; r < NREGIMES; r++)
		for (unsigned int level = 0; level <= 3; level++)
			for (unsigned int t = 1; t <= 3; t += 2)
				for (unsigned int b = 0; b < (1u << 13); b++) {
					am_pte_t pte = 0x0000123440000000ull | t |
						       (uint64_t)(b & 0x3ff) << 2 |
						       (uint64_t)(b >> 10) << 52;
					struct am_pt_desc d, d2;
					am_pte_t again;
					int err =
						am_pt_desc_decode(regimes[r], level, pte, NULL, &d);
					unsigned int sh = (b >> 6) & 3;
					unsigned int attr =
						regimes[r] == AM_PT_S2 ? b & 0xf : b & 7;

					if (t == 1 && (level == 0 || level == 3)) {
						assert_int_equal(err, AM_EINVAL);
						continue;
					}
					if (t == 3 && level < 3) {
						assert_int_equal(err, 0);
						assert_int_equal(d.type, AM_PT_TABLE);
						continue;
					}
					if (sh == 1) {
						assert_int_equal(err, AM_EINVAL);
						continue;
					}
					if (regimes[r] == AM_PT_S2
						    ? !(attr == 0 || attr == 1 || attr == 5 ||
							attr == 0xa || attr == 0xf)
						    : attr >= AM_MT_COUNT) {
						assert_int_equal(err, AM_ENOTSUP);
						continue;
					}
					assert_int_equal(err, 0);
					assert_int_equal(am_pa_val(d.oa), 0x0000123440000000ull);
					if (am_pt_desc_encode(regimes[r], level, &d, NULL, &again))
						continue; /* e.g. stage-1 W+X: truthful, not
							     encodable */
					assert_int_equal(am_pt_desc_decode(regimes[r], level, again,
									   NULL, &d2),
							 0);
					assert_desc_equal(&d2, &d);
				}
}

/* ------------------------------------------------------------------------ */
/* Memory types: AttrIndx tables and MemAttr                                 */
/* ------------------------------------------------------------------------ */

static void attr_index_custom_table(void **state)
{
	/* WB at 0, NC at 5, nGnRE at 6, nGnRnE at 7, no WT */
	const uint8_t idx[AM_MT_COUNT] = {7, 6, 5, AM_PT_NO_ATTRIDX, 0};
	struct am_pt_desc d = leaf(AM_PT_PAGE, am_pa(0x5000), R | W, AM_MT_NORMAL_WB, AM_SH_INNER),
			  got;
	am_pte_t pte;
	(void)state;

	for (size_t r = 0; r < 2; r++) {
		for (unsigned int mt = 0; mt < AM_MT_COUNT; mt++) {
			d.attr.mtype = (uint8_t)mt;
			pte = 0x77;
			if (idx[mt] == AM_PT_NO_ATTRIDX) {
				assert_int_equal(am_pt_desc_encode(regimes[r], 3, &d, idx, &pte),
						 AM_ENOTSUP);
				assert_int_equal(pte, 0x77);
				continue;
			}
			assert_int_equal(am_pt_desc_encode(regimes[r], 3, &d, idx, &pte), 0);
			assert_int_equal((pte >> 2) & 7, idx[mt]);
			assert_round_trip(regimes[r], 3, pte, idx, &d);
		}
		/* AttrIndx 1..4 are used by no type of this table */
		for (unsigned int i = 1; i <= 4; i++)
			assert_int_equal(
				am_pt_desc_decode(regimes[r], 3,
						  0x5000ull | B_PAGE | B_ATTRINDX(i) | B_AF, idx,
						  &got),
				AM_ENOTSUP);
		/* the same bits, with the identity table: 4 is WB */
		assert_int_equal(am_pt_desc_decode(regimes[r], 3,
						   0x5000ull | B_PAGE | B_ATTRINDX(4) | B_AF, NULL,
						   &got),
				 0);
		assert_int_equal(got.attr.mtype, AM_MT_NORMAL_WB);
	}
}

static void attr_index_refusals(void **state)
{
	uint8_t idx[AM_MT_COUNT] = {AM_PT_NO_ATTRIDX, AM_PT_NO_ATTRIDX, AM_PT_NO_ATTRIDX,
				    AM_PT_NO_ATTRIDX, AM_PT_NO_ATTRIDX};
	struct am_pt_desc d = leaf(AM_PT_PAGE, am_pa(0x5000), R | W, AM_MT_NORMAL_WB, AM_SH_INNER),
			  got;
	am_pte_t pte;
	(void)state;

	/* a memory type without an AttrIndx */
	assert_int_equal(am_pt_desc_encode(AM_PT_S1_EL2, 3, &d, idx, &pte), AM_ENOTSUP);
	assert_int_equal(am_pt_desc_encode(AM_PT_S1_EL10, 3, &d, idx, &pte), AM_ENOTSUP);
	/* stage 2 ignores the table */
	assert_int_equal(am_pt_desc_encode(AM_PT_S2, 3, &d, idx, &pte), 0);
	assert_int_equal(am_pt_desc_decode(AM_PT_S2, 3, pte, idx, &got), 0);
	assert_int_equal(got.attr.mtype, AM_MT_NORMAL_WB);
	/* an index beyond 7 that is not AM_PT_NO_ATTRIDX is malformed */
	idx[AM_MT_NORMAL_WB] = 8;
	assert_int_equal(am_pt_desc_encode(AM_PT_S1_EL2, 3, &d, idx, &pte), AM_EINVAL);
	/* identity table: AttrIndx 5..7 are no armmap type */
	for (unsigned int i = 5; i < 8; i++) {
		assert_int_equal(am_pt_desc_decode(AM_PT_S1_EL2, 3,
						   B_PAGE | B_ATTRINDX(i) | B_AP1 | B_AF, NULL,
						   &got),
				 AM_ENOTSUP);
		assert_int_equal(am_pt_desc_decode(AM_PT_S1_EL10, 2, B_BLOCK | B_ATTRINDX(i) | B_AF,
						   NULL, &got),
				 AM_ENOTSUP);
	}
}

static void s2_memattr_decode(void **state)
{
	struct am_pt_desc got;
	(void)state;

	for (unsigned int m = 0; m < 16; m++) {
		int want = -1;

		switch (m) {
		case 0x0:
			want = AM_MT_DEVICE_nGnRnE;
			break;
		case 0x1:
			want = AM_MT_DEVICE_nGnRE;
			break;
		case 0x5:
			want = AM_MT_NORMAL_NC;
			break;
		case 0xa:
			want = AM_MT_NORMAL_WT;
			break;
		case 0xf:
			want = AM_MT_NORMAL_WB;
			break;
		}
		/* e.g. Device-nGRE 0010, Device-GRE 0011, mixed inner/outer 0110 */
		if (want < 0) {
			assert_int_equal(
				am_pt_desc_decode(AM_PT_S2, 3, B_PAGE | B_MEMATTR(m), NULL, &got),
				AM_ENOTSUP);
			continue;
		}
		assert_int_equal(am_pt_desc_decode(AM_PT_S2, 3, B_PAGE | B_MEMATTR(m), NULL, &got),
				 0);
		assert_int_equal(got.attr.mtype, want);
	}
}

/* ------------------------------------------------------------------------ */
/* Refusals                                                                  */
/* ------------------------------------------------------------------------ */

static void encode_refuses_structure(void **state)
{
	const struct am_pt_desc good =
		leaf(AM_PT_PAGE, am_pa(0x1000), R, AM_MT_NORMAL_WB, AM_SH_INNER);
	struct am_pt_desc d;
	am_pte_t pte = 0x1234;
	(void)state;

	for (size_t r = 0; r < NREGIMES; r++) {
		enum am_pt_regime rg = regimes[r];

		assert_int_equal(am_pt_desc_encode(rg, 3, NULL, NULL, &pte), AM_EINVAL);
		assert_int_equal(am_pt_desc_encode(rg, 3, &good, NULL, NULL), AM_EINVAL);
		assert_int_equal(am_pt_desc_encode(rg, 4, &good, NULL, &pte), AM_EINVAL);
		d = good;
		d.type = 4;
		assert_int_equal(am_pt_desc_encode(rg, 3, &d, NULL, &pte), AM_EINVAL);
		/* a page off level 3 */
		for (unsigned int level = 0; level < 3; level++)
			assert_int_equal(am_pt_desc_encode(rg, level, &good, NULL, &pte),
					 AM_EINVAL);
		/* a block at level 0 or 3 */
		d = good;
		d.type = AM_PT_BLOCK;
		d.oa = am_pa(0);
		assert_int_equal(am_pt_desc_encode(rg, 0, &d, NULL, &pte), AM_EINVAL);
		assert_int_equal(am_pt_desc_encode(rg, 3, &d, NULL, &pte), AM_EINVAL);
		/* OA not aligned to the entry's size */
		d.oa = am_pa(0x40200000); /* 2 MiB, not 1 GiB */
		assert_int_equal(am_pt_desc_encode(rg, 1, &d, NULL, &pte), AM_EINVAL);
		d.oa = am_pa(0x40001000); /* 4 KiB, not 2 MiB */
		assert_int_equal(am_pt_desc_encode(rg, 2, &d, NULL, &pte), AM_EINVAL);
		d = good;
		d.oa = am_pa(0x1800);
		assert_int_equal(am_pt_desc_encode(rg, 3, &d, NULL, &pte), AM_EINVAL);
		/* OA wider than 48 bits */
		d.oa = am_pa(1ull << 48);
		assert_int_equal(am_pt_desc_encode(rg, 3, &d, NULL, &pte), AM_EINVAL);
		d.oa = am_pa(0xffff000000000000ull);
		assert_int_equal(am_pt_desc_encode(rg, 3, &d, NULL, &pte), AM_EINVAL);
		/* out-of-range fields */
		d = good;
		d.sw = 16;
		assert_int_equal(am_pt_desc_encode(rg, 3, &d, NULL, &pte), AM_EINVAL);
		d = good;
		d.af = 2;
		assert_int_equal(am_pt_desc_encode(rg, 3, &d, NULL, &pte), AM_EINVAL);
		d = good;
		d.contig = 2;
		assert_int_equal(am_pt_desc_encode(rg, 3, &d, NULL, &pte), AM_EINVAL);
		d = good;
		d.ng = 2;
		assert_int_equal(am_pt_desc_encode(rg, 3, &d, NULL, &pte), AM_EINVAL);
		/* malformed attributes: am_attr_check() */
		d = good;
		d.attr.perm = 0x10;
		assert_int_equal(am_pt_desc_encode(rg, 3, &d, NULL, &pte), AM_EINVAL);
		d = good;
		d.attr.mtype = AM_MT_COUNT;
		assert_int_equal(am_pt_desc_encode(rg, 3, &d, NULL, &pte), AM_EINVAL);
		d = good;
		d.attr.sh = 1;
		assert_int_equal(am_pt_desc_encode(rg, 3, &d, NULL, &pte), AM_EINVAL);
		d.attr.sh = 4;
		assert_int_equal(am_pt_desc_encode(rg, 3, &d, NULL, &pte), AM_EINVAL);
		/* nothing written on failure */
		assert_int_equal(pte, 0x1234);
	}
	assert_int_equal(am_pt_desc_encode(AM_PT_REGIME_COUNT, 3, &good, NULL, &pte), AM_EINVAL);
	assert_int_equal(am_pt_desc_encode((enum am_pt_regime) - 1, 3, &good, NULL, &pte),
			 AM_EINVAL);
	assert_int_equal(pte, 0x1234);
}

static void encode_refuses_attributes(void **state)
{
	struct am_pt_desc d = leaf(AM_PT_PAGE, am_pa(0x1000), R, AM_MT_NORMAL_WB, AM_SH_INNER);
	am_pte_t pte = 0x1234;
	(void)state;

	for (size_t r = 0; r < NREGIMES; r++) {
		enum am_pt_regime rg = regimes[r];

		/* AM_EPERM: write+execute (stage 1), execute from device memory */
		d.attr = (struct am_attr){R | W | X, AM_MT_NORMAL_WB, AM_SH_INNER};
		assert_int_equal(am_pt_desc_encode(rg, 3, &d, NULL, &pte),
				 rg == AM_PT_S2 ? 0 : AM_EPERM);
		d.attr = (struct am_attr){W | X, AM_MT_NORMAL_WB, AM_SH_INNER};
		assert_int_equal(am_pt_desc_encode(rg, 3, &d, NULL, &pte),
				 rg == AM_PT_S2 ? 0 : AM_EPERM);
		d.attr = (struct am_attr){R | X, AM_MT_DEVICE_nGnRnE, AM_SH_OUTER};
		assert_int_equal(am_pt_desc_encode(rg, 3, &d, NULL, &pte), AM_EPERM);
		d.attr = (struct am_attr){R | X, AM_MT_DEVICE_nGnRE, AM_SH_OUTER};
		assert_int_equal(am_pt_desc_encode(rg, 3, &d, NULL, &pte), AM_EPERM);
		/* the EPERM rules stand before what the regime can express */
		d.attr = (struct am_attr){U | W | X, AM_MT_NORMAL_WB, AM_SH_INNER};
		assert_int_equal(am_pt_desc_encode(rg, 3, &d, NULL, &pte),
				 rg == AM_PT_S2 ? AM_ENOTSUP : AM_EPERM);
	}
	/* AM_ENOTSUP: no read access on stage 1 */
	for (unsigned int p = 0; p < 16; p++) {
		if (p & R || ((p & W) && (p & X)))
			continue;
		d.attr = (struct am_attr){(uint8_t)p, AM_MT_NORMAL_WB, AM_SH_INNER};
		assert_int_equal(am_pt_desc_encode(AM_PT_S1_EL2, 3, &d, NULL, &pte), AM_ENOTSUP);
		assert_int_equal(am_pt_desc_encode(AM_PT_S1_EL10, 3, &d, NULL, &pte), AM_ENOTSUP);
	}
	/* AM_ENOTSUP: AM_PERM_USER on stage 1 EL2 and stage 2 */
	d.attr = (struct am_attr){U | R, AM_MT_NORMAL_WB, AM_SH_INNER};
	assert_int_equal(am_pt_desc_encode(AM_PT_S1_EL2, 3, &d, NULL, &pte), AM_ENOTSUP);
	assert_int_equal(am_pt_desc_encode(AM_PT_S2, 3, &d, NULL, &pte), AM_ENOTSUP);
	/* AM_ENOTSUP: nG off stage 1 EL1&0; nothing written on a refusal */
	d.attr = AM_ATTR_RW_DATA;
	d.ng = 1;
	pte = 0x1234;
	assert_int_equal(am_pt_desc_encode(AM_PT_S1_EL2, 3, &d, NULL, &pte), AM_ENOTSUP);
	assert_int_equal(am_pt_desc_encode(AM_PT_S2, 3, &d, NULL, &pte), AM_ENOTSUP);
	assert_int_equal(pte, 0x1234);
	assert_int_equal(am_pt_desc_encode(AM_PT_S1_EL10, 3, &d, NULL, &pte), 0);
	assert_int_equal(pte & B_NG, B_NG);
}

static void decode_refusals(void **state)
{
	struct am_pt_desc got = {.sw = 9};
	(void)state;

	for (size_t r = 0; r < NREGIMES; r++) {
		enum am_pt_regime rg = regimes[r];

		/* bits [1:0] = 01 at level 0 or 3 is reserved */
		assert_int_equal(
			am_pt_desc_decode(rg, 0, 0x40000000ull | B_BLOCK | B_AF, NULL, &got),
			AM_EINVAL);
		assert_int_equal(
			am_pt_desc_decode(rg, 3, 0x40000000ull | B_BLOCK | B_AF, NULL, &got),
			AM_EINVAL);
		/* SH = 01 is reserved */
		assert_int_equal(am_pt_desc_decode(rg, 3, B_PAGE | B_SH(1) | B_AF, NULL, &got),
				 AM_EINVAL);
		assert_int_equal(am_pt_desc_decode(rg, 4, B_PAGE, NULL, &got), AM_EINVAL);
		assert_int_equal(am_pt_desc_decode(rg, 3, B_PAGE, NULL, NULL), AM_EINVAL);
	}
	assert_int_equal(am_pt_desc_decode(AM_PT_REGIME_COUNT, 3, B_PAGE, NULL, &got), AM_EINVAL);
	/* nothing written on failure */
	assert_int_equal(got.sw, 9);
	assert_int_equal(got.type, 0);
}

/* ------------------------------------------------------------------------ */
/* Decoding what armmap would not have written                               */
/* ------------------------------------------------------------------------ */

static void decode_foreign_descriptors(void **state)
{
	const am_pte_t wb = B_PAGE | B_ATTRINDX(4) | B_SH(3) | B_AF;
	struct am_pt_desc got;
	(void)state;

	/* EL2: AP[1] = 0 and PXN are ignored (RES1 / RES0) */
	assert_int_equal(am_pt_desc_decode(AM_PT_S1_EL2, 3, wb | B_PXN, NULL, &got), 0);
	assert_int_equal(got.attr.perm, R | W | X);
	/* EL2 and stage 2: nG is not a field there */
	assert_int_equal(am_pt_desc_decode(AM_PT_S1_EL2, 3, wb | B_AP1 | B_NG, NULL, &got), 0);
	assert_int_equal(got.ng, 0);
	assert_int_equal(am_pt_desc_decode(AM_PT_S2, 3, B_PAGE | B_MEMATTR(0xf) | B_NG, NULL, &got),
			 0);
	assert_int_equal(got.ng, 0);

	/* EL1&0: with EL0 access, X only when both levels may execute */
	assert_int_equal(
		am_pt_desc_decode(AM_PT_S1_EL10, 3, wb | B_AP2 | B_AP1 | B_PXN, NULL, &got), 0);
	assert_int_equal(got.attr.perm, U | R);
	assert_int_equal(am_pt_desc_decode(AM_PT_S1_EL10, 3, wb | B_AP2 | B_AP1 | B_XN, NULL, &got),
			 0);
	assert_int_equal(got.attr.perm, U | R);
	/* writable at EL0: never executable at EL1, whatever PXN says */
	assert_int_equal(am_pt_desc_decode(AM_PT_S1_EL10, 3, wb | B_AP1, NULL, &got), 0);
	assert_int_equal(got.attr.perm, U | R | W);
	/* privileged only: UXN = 0 (EL0 execute-only) is not a permission of ours */
	assert_int_equal(am_pt_desc_decode(AM_PT_S1_EL10, 3, wb | B_AP2, NULL, &got), 0);
	assert_int_equal(got.attr.perm, R | X);
	/* privileged RW with PXN clear: truthfully R|W|X, which encode refuses */
	assert_int_equal(am_pt_desc_decode(AM_PT_S1_EL10, 3, wb | B_XN, NULL, &got), 0);
	assert_int_equal(got.attr.perm, R | W | X);

	/* stage 2, FEAT_XNX: XN[1:0] = 01 or 11 is not "executable" */
	assert_int_equal(
		am_pt_desc_decode(AM_PT_S2, 3, B_PAGE | B_MEMATTR(0xf) | B_AP1 | B_PXN, NULL, &got),
		0);
	assert_int_equal(got.attr.perm, R);
	assert_int_equal(am_pt_desc_decode(AM_PT_S2, 3,
					   B_PAGE | B_MEMATTR(0xf) | B_AP1 | B_PXN | B_XN, NULL,
					   &got),
			 0);
	assert_int_equal(got.attr.perm, R);

	/* a block's address bits below its size are not address (nT, RES0) */
	assert_int_equal(am_pt_desc_decode(AM_PT_S1_EL2, 1,
					   0x80000000ull | (1ull << 16) | 0x1000 | B_BLOCK | B_AP1,
					   NULL, &got),
			 0);
	assert_int_equal(am_pa_val(got.oa), 0x80000000ull);
	assert_int_equal(
		am_pt_desc_decode(AM_PT_S1_EL2, 2, 0x80300000ull | 0x1ff000 | B_BLOCK, NULL, &got),
		0);
	assert_int_equal(am_pa_val(got.oa), 0x80200000ull);
	/* bits beyond 48 (PBHA, GP, DBM, ...) do not leak into the address */
	assert_int_equal(am_pt_desc_decode(AM_PT_S1_EL2, 3, 0xf80f000000001003ull, NULL, &got), 0);
	assert_int_equal(am_pa_val(got.oa), 0x1000ull);
}

/* ------------------------------------------------------------------------ */
/* Register values                                                           */
/* ------------------------------------------------------------------------ */

static struct am_pt table(enum am_pt_regime r, unsigned int ia_bits, unsigned int oa_bits)
{
	struct am_pt pt = {0};

	pt.ready = AM_READY_PT; /* made by hand: the register values read only these */
	pt.regime = (uint8_t)r;
	pt.ia_bits = (uint8_t)ia_bits;
	pt.oa_bits = (uint8_t)oa_bits;
	pt.root_level = ia_bits > 39 ? 0 : ia_bits > 30 ? 1 : 2;
	pt.gshift = 12; /* the 4 KiB granule */
	pt.root_pa = am_pa(0x80000000ull);
	pt.asid = 0x5a;
	pt.vmid = 0x21;
	for (unsigned int t = 0; t < AM_MT_COUNT; t++)
		pt.attr_index[t] = (uint8_t)t;
	return pt;
}

/* TCR_EL2: T0SZ [5:0], IRGN0 [9:8], ORGN0 [11:10], SH0 [13:12], TG0 [15:14],
 * PS [18:16], RES1 23 and 31 */
static void regs_el2(void **state)
{
	struct am_pt pt = table(AM_PT_S1_EL2, 39, 40);
	(void)state;

	assert_int_equal(am_pt_tcr(&pt), 25u | 1u << 8 | 1u << 10 | 3u << 12 | 0u << 14 | 2u << 16 |
						 1u << 23 | 1u << 31);
	assert_int_equal(am_pt_tcr(&pt), 0x80823519ull);
	assert_int_equal(am_pt_ttbr(&pt), 0x80000000ull); /* no ASID */
	assert_int_equal(am_pt_mair(&pt), 0x000000ffbb440400ull);

	pt = table(AM_PT_S1_EL2, 48, 48);
	assert_int_equal(am_pt_tcr(&pt), 0x80853510ull);
	assert_int_equal(am_pt_ttbr(&pt), 0x80000000ull);
}

/*
 * Stage 1 EL3: the EL2 descriptor format, the NS bit (5) for a Non-secure
 * output; TCR_EL3 the layout of TCR_EL2 (RES1 bits 31 and 23), no ASID.
 */
static void el3_known_values(void **state)
{
	struct am_pt_desc d, got;
	struct am_pt pt = table(AM_PT_S1_EL3, 39, 40);
	am_pte_t pte = 0;
	(void)state;

	d = leaf(AM_PT_PAGE, am_pa(0x80001000), R | W, AM_MT_NORMAL_WB, AM_SH_INNER);
	assert_int_equal(enc(AM_PT_S1_EL3, 3, &d), 0x0040000080001753ull); /* as at EL2 */
	d.ns = 1;
	assert_int_equal(enc(AM_PT_S1_EL3, 3, &d), 0x0040000080001773ull);
	assert_round_trip(AM_PT_S1_EL3, 3, 0x0040000080001773ull, NULL, &d);
	/* a 2 MiB block of Non-secure device memory */
	d = leaf(AM_PT_BLOCK, am_pa(0x09000000), R | W, AM_MT_DEVICE_nGnRE, AM_SH_OUTER);
	d.ns = 1;
	assert_int_equal(enc(AM_PT_S1_EL3, 2, &d), 0x09000000ull | B_BLOCK | B_ATTRINDX(1) | B_AP1 |
							   B_SH(2) | B_AF | B_XN | 1u << 5);
	/* NS is stage 1's: at stage 2 bit 5 is MemAttr[3] */
	d.attr.perm = R;
	assert_int_equal(am_pt_desc_encode(AM_PT_S2, 2, &d, NULL, &pte), AM_ENOTSUP);
	assert_int_equal(pte, 0);
	/* a stage-2 page of normal WB memory (MemAttr 0xf: bit 5 set) */
	assert_int_equal(am_pt_desc_decode(AM_PT_S2, 3, 0x00000000800017ffull, NULL, &got), 0);
	assert_int_equal(got.ns, 0);
	/* the registers */
	assert_int_equal(am_pt_tcr(&pt), 0x80823519ull); /* TCR_EL2's value for the same sizes */
	assert_int_equal(am_pt_ttbr(&pt), 0x80000000ull);
	assert_int_equal(am_pt_mair(&pt), 0x000000ffbb440400ull);
}

/* TCR_EL1: as above, T1SZ [21:16], EPD1 23, TG1 [31:30] = 10 (4K), IPS [34:32], AS 36 = 0 */
static void regs_el10(void **state)
{
	struct am_pt pt = table(AM_PT_S1_EL10, 39, 40);
	(void)state;

	assert_int_equal(am_pt_tcr(&pt), 25ull | 1ull << 8 | 1ull << 10 | 3ull << 12 | 25ull << 16 |
						 1ull << 23 | 2ull << 30 | 2ull << 32);
	assert_int_equal(am_pt_tcr(&pt), 0x280993519ull);
	assert_int_equal(am_pt_ttbr(&pt), 0x005a000080000000ull); /* ASID [63:48] */
	assert_int_equal(am_pt_mair(&pt), 0x000000ffbb440400ull);

	pt = table(AM_PT_S1_EL10, 48, 48);
	assert_int_equal(am_pt_tcr(&pt), 0x580903510ull);
	assert_int_equal(am_pt_tcr(&pt) & (1ull << 36), 0); /* 8-bit ASIDs */
	pt.asid = 0xffff;
	assert_int_equal(am_pt_ttbr(&pt), 0xffff000080000000ull);
}

/* VTCR_EL2: T0SZ, SL0 [7:6], IRGN0, ORGN0, SH0, TG0, PS [18:16], RES1 31 */
/*
 * Stage 1 EL2&0 (VHE): the EL1&0 descriptor format (a user page, nG), and
 * TCR_EL2 with E2H = 1 in the layout of TCR_EL1; TTBR0_EL2 carries the ASID.
 */
static void regs_el20(void **state)
{
	struct am_pt el20 = table(AM_PT_S1_EL20, 39, 40), el10 = table(AM_PT_S1_EL10, 39, 40);
	struct am_pt_desc d =
		leaf(AM_PT_PAGE, am_pa(0x1234000), R | W | U, AM_MT_NORMAL_WB, AM_SH_INNER);
	(void)state;

	d.ng = 1;
	assert_int_equal(enc(AM_PT_S1_EL20, 3, &d), enc(AM_PT_S1_EL10, 3, &d));
	assert_int_equal(am_pt_tcr(&el20), am_pt_tcr(&el10));
	assert_int_equal(am_pt_ttbr(&el20), 0x80000000ull | 0x5aull << 48);
	assert_int_equal(am_pt_mair(&el20), am_pt_mair(&el10));
}

static void regs_s2(void **state)
{
	struct am_pt pt = table(AM_PT_S2, 39, 40);
	(void)state;

	/* root level 1: SL0 = 01 */
	assert_int_equal(am_pt_tcr(&pt),
			 25u | 1u << 6 | 1u << 8 | 1u << 10 | 3u << 12 | 2u << 16 | 1u << 31);
	assert_int_equal(am_pt_tcr(&pt), 0x80023559ull);
	assert_int_equal(am_pt_ttbr(&pt), 0x0021000080000000ull); /* VMID [63:48] */
	assert_int_equal(am_pt_mair(&pt), 0);			  /* stage 2: MemAttr */

	/* root level 0: SL0 = 10 */
	pt = table(AM_PT_S2, 48, 48);
	assert_int_equal(am_pt_tcr(&pt), 0x80053590ull);
	/* 40 bits: level 0, T0SZ 24; 32 bits: level 1; 30 bits: level 2, SL0 = 00 */
	pt = table(AM_PT_S2, 40, 40);
	assert_int_equal(am_pt_tcr(&pt), 0x80023598ull);
	pt = table(AM_PT_S2, 32, 32);
	assert_int_equal(am_pt_tcr(&pt), 0x80003560ull);
	pt = table(AM_PT_S2, 30, 32);
	assert_int_equal(am_pt_tcr(&pt), 0x80003522ull);
}

static void regs_output_size(void **state)
{
	static const struct {
		uint8_t oa_bits, ps;
	} cases[] = {{32, 0}, {33, 1}, {36, 1}, {38, 2}, {40, 2}, {41, 3},
		     {42, 3}, {44, 4}, {46, 5}, {48, 5}, {0, 5}};
	(void)state;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct am_pt el2 = table(AM_PT_S1_EL2, 39, cases[i].oa_bits);
		struct am_pt el10 = table(AM_PT_S1_EL10, 39, cases[i].oa_bits);
		struct am_pt s2 = table(AM_PT_S2, 39, cases[i].oa_bits);

		assert_int_equal((am_pt_tcr(&el2) >> 16) & 7, cases[i].ps);
		assert_int_equal((am_pt_tcr(&el10) >> 32) & 7, cases[i].ps);
		assert_int_equal((am_pt_tcr(&s2) >> 16) & 7, cases[i].ps);
	}
}

static void regs_mair_custom(void **state)
{
	struct am_pt pt = table(AM_PT_S1_EL10, 39, 40);
	const uint8_t idx[AM_MT_COUNT] = {7, 6, 5, AM_PT_NO_ATTRIDX, 0};
	(void)state;

	memcpy(pt.attr_index, idx, sizeof(idx));
	/* byte 0 WB 0xff, byte 5 NC 0x44, byte 6 nGnRE 0x04, byte 7 nGnRnE 0x00 */
	assert_int_equal(am_pt_mair(&pt), 0x00044400000000ffull);
	/* each type's byte sits at the index its descriptors carry */
	for (unsigned int t = 0; t < AM_MT_COUNT; t++)
		if (idx[t] != AM_PT_NO_ATTRIDX)
			assert_int_equal((am_pt_mair(&pt) >> (8 * idx[t])) & 0xff, am_mair_byte(t));
	pt.regime = AM_PT_S1_EL2;
	assert_int_equal(am_pt_mair(&pt), 0x00044400000000ffull);
	/* the root's PA only: low bits never reach the TTBR's other fields */
	pt.root_pa = am_pa(0x0000fffffffff000ull);
	assert_int_equal(am_pt_ttbr(&pt), 0x0000fffffffff000ull);
}

int main(void)
{
	struct CMUnitTest tests[] = {
		cmocka_unit_test(el2_known_values),
		cmocka_unit_test(el10_known_values),
		cmocka_unit_test(s2_known_values),
		cmocka_unit_test(table_descriptors),
		cmocka_unit_test(invalid_descriptors),
		cmocka_unit_test(round_trip_el2),
		cmocka_unit_test(round_trip_el10),
		cmocka_unit_test(round_trip_el3),
		cmocka_unit_test(round_trip_el20),
		cmocka_unit_test(regs_el20),
		cmocka_unit_test(el3_known_values),
		cmocka_unit_test(round_trip_s2),
		cmocka_unit_test(decode_never_invents),
		cmocka_unit_test(attr_index_custom_table),
		cmocka_unit_test(attr_index_refusals),
		cmocka_unit_test(s2_memattr_decode),
		cmocka_unit_test(encode_refuses_structure),
		cmocka_unit_test(encode_refuses_attributes),
		cmocka_unit_test(decode_refusals),
		cmocka_unit_test(decode_foreign_descriptors),
		cmocka_unit_test(regs_el2),
		cmocka_unit_test(regs_el10),
		cmocka_unit_test(regs_s2),
		cmocka_unit_test(regs_output_size),
		cmocka_unit_test(regs_mair_custom),
	};
	AM_RUN_SUITE("unit-pt_desc", tests);
}
