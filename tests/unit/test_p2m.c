/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Suite unit-p2m: the frame table (a xenheap frame's GFN in its type_info)
 * and the P2M (a guest's stage-2 table with the physmap calls), checked
 * through the models.
 *
 * Tables live in the host backend's page pool; the P2M's ops are those of
 * arch/host/p2m_host (a counting P2M lock, every table op checked to run
 * under it, a foreign_put counter). After each call check() asserts: the
 * lock was taken and released in pairs and never nested, no table op ran
 * outside it, the TLB model saw no break-before-make violation and holds
 * nothing stale, every TLBI was completed. Translations are asked of the
 * walker model, not only of the library. A refused call must leave every
 * table page byte for byte, every page_info word and every reference count
 * as they were, and issue no TLB maintenance.
 *
 * The put path is watched as it runs: at each TLB event, no frame whose
 * translation the TLB model may still hold has lost its GFN or its
 * reference yet; at each foreign put, the invalidation has completed and
 * both the walker and the TLB model already fault at the old IPA.
 *
 * These checks are the P2M oracle (tests/oracle/p2m_oracle.c), which the fuzzer
 * (tests/fuzz/fuzz_p2m.c) calls as well.
 */
#include <pthread.h>
#include <sched.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tests/unit/harness.h"
#include "tests/unit/threads.h"

#include <armmap/errors.h>
#include <armmap/p2m.h>

#include "arch/host/p2m_host.h"
#include "model/tlb.h"
#include "model/vmsa.h"
#include "tests/oracle/p2m_oracle.h"

#define K4 0x1000ull
#define M2 0x200000ull
#define POOL_PAGES 512u
#define IPA(g) ((uint64_t)(g) << 12)

/* The frame table: FT_NR frames from MFN FT_FIRST (2 MiB aligned). */
#define FT_FIRST 0x100000ull
#define FT_NR 4096u
#define F_RAM 0u       /* 512 domheap frames, 2 MiB aligned */
#define F_XRUN 512u    /* 512 xenheap frames, 2 MiB aligned */
#define F_SHARED 1024u /* the shared-info frame (xenheap) */
#define F_GNT 1025u    /* NR_GNT grant-table shared frames (xenheap) */
#define NR_GNT 8u
#define F_STS 1033u /* NR_STS grant-table status frames (xenheap) */
#define NR_STS 4u
#define F_XEXTRA 1040u	/* 8 more xenheap frames, no domain frame */
#define F_FOREIGN 1056u /* 16 frames of another guest (one reference each) */
#define F_DOM 1100u	/* domheap frames, no reference */
#define F_FRUN 1536u	/* 512 frames of another guest, 2 MiB aligned */
#define F_RAM2 2048u	/* domheap up to the end, 2 MiB aligned */
#define MFN(i) (FT_FIRST + (uint64_t)(i))

static struct am_host_p2m HP;
static struct am_p2m P2M;
static bool P2M_LIVE;
static struct am_page_info PG[FT_NR];
static struct am_frame_table FT;
static uint64_t GNT[NR_GNT], STS[NR_STS];
static am_mfn_t GNT_M[NR_GNT], STS_M[NR_STS]; /* the same, for the config */
static struct oracle_p2m O;		      /* the oracle watching P2M */
static char WHY[384];			      /* why it failed */

/* One snapshot at a time; its buffers are kept for the next (a failed assertion leaks nothing). */
static struct oracle_p2m_snap SNAP;
static struct am_page_info SNAP_PG[FT_NR];

static bool is_xenheap(unsigned int i)
{
	return (i >= F_XRUN && i < F_STS + NR_STS) || (i >= F_XEXTRA && i < F_XEXTRA + 8);
}

static bool is_foreign(unsigned int i)
{
	return (i >= F_FOREIGN && i < F_FOREIGN + 16) || (i >= F_FRUN && i < F_FRUN + 512);
}

static unsigned long refs(unsigned int i)
{
	return PG[i].count_info & AM_PGC_COUNT_MASK;
}

static uint64_t gfn_of(unsigned int i)
{
	uint64_t g = 0x5a5a;

	assert_int_equal(t_frame_get_gfn(&PG[i], &g), 0);
	return g;
}

static void frames_reset(void)
{
	assert_int_equal(am_frame_table_init(&FT, PG, am_mfn(FT_FIRST), FT_NR), 0);
	for (unsigned int i = 0; i < FT_NR; i++) {
		memset(&PG[i], 0xa5, sizeof(PG[i]));
		am_frame_init(&PG[i], is_xenheap(i));
		if (is_foreign(i))
			PG[i].count_info = AM_PGC_ALLOCATED | 1ul;
	}
	for (unsigned int i = 0; i < NR_GNT; i++) {
		GNT[i] = MFN(F_GNT + i);
		GNT_M[i] = am_mfn(GNT[i]);
	}
	for (unsigned int i = 0; i < NR_STS; i++) {
		STS[i] = MFN(F_STS + i);
		STS_M[i] = am_mfn(STS[i]);
	}
}

static struct am_p2m_config dflt_cfg(void)
{
	return (struct am_p2m_config){
		.ipa_bits = 40,
		.pa_bits = 48,
		.vmid = 7,
		.frames = &FT,
		.dom = {.shared_info = am_mfn(MFN(F_SHARED)),
			.gnttab_shared = GNT_M,
			.nr_gnttab_shared = NR_GNT,
			.gnttab_status = STS_M,
			.nr_gnttab_status = NR_STS},
	};
}

/* ----------------------------------------------- watching the put path -- */

/* Follow @n pages mapped at @gfn from @mfn; the TLB may cache each of them. */
static void track(uint64_t gfn, uint64_t mfn, unsigned int n)
{
	for (unsigned int i = 0; i < n; i++) {
		assert_non_null(am_frame_of(&FT, am_mfn(mfn + i)));
		assert_true(oracle_p2m_track(&O, gfn + i, mfn + i, 1,
					     is_foreign((unsigned int)(mfn + i - FT_FIRST))));
	}
	tlbm_watch(&HP.pt.tlb, IPA(gfn), n * K4, 0);
	tlbm_fill(&HP.pt.tlb);
}

/* The oracle's verdict, as a test failure. */
static void ok(bool good)
{
	if (!good)
		fail_msg("%s", WHY);
}

/* ------------------------------------------------------ setup, checks -- */

static void p2m_down(void)
{
	if (!P2M_LIVE)
		return;
	oracle_p2m_detach(&O);
	am_p2m_destroy(&P2M);
	P2M_LIVE = false;
}

static void host_reset(void)
{
	p2m_down();
	am_host_p2m_fini(&HP);
	assert_int_equal(am_host_p2m_init(&HP, POOL_PAGES, true, false), 0);
}

static struct am_p2m *setup_cfg(const struct am_p2m_config *cfg)
{
	host_reset();
	frames_reset();
	memset(&P2M, 0x5a, sizeof(P2M));
	assert_int_equal(am_p2m_init(&P2M, cfg, &HP.ops, &HP), 0);
	P2M_LIVE = true;
	oracle_p2m_attach(&O, &HP, &P2M, &FT, cfg->ipa_bits, cfg->pa_bits, cfg->vmid);
	return &P2M;
}

static struct am_p2m *setup(void)
{
	struct am_p2m_config cfg = dflt_cfg();

	return setup_cfg(&cfg);
}

static int teardown(void **state)
{
	(void)state;
	p2m_down();
	am_host_p2m_fini(&HP);
	oracle_pt_snap_free(&SNAP.t);
	return 0;
}

static void check(void)
{
	ok(oracle_p2m_check(&O, WHY, sizeof(WHY)));
}

/* -------------------------------------------------- the walker's view -- */

static struct vmsa_result xlate(uint64_t g, unsigned int acc)
{
	return oracle_p2m_xlate(&O, g, 0x18, acc);
}

static void expect_map(uint64_t g, uint64_t mfn, unsigned int acc)
{
	struct vmsa_result r = xlate(g, acc);

	if (r.fault != VMSA_OK)
		fail_msg("gfn %#llx acc %u: %s at level %u", (unsigned long long)g, acc,
			 vmsa_fault_name(r.fault), r.level);
	if (r.pa != IPA(mfn) + 0x18)
		fail_msg("gfn %#llx: pa %#llx, expected mfn %#llx", (unsigned long long)g,
			 (unsigned long long)r.pa, (unsigned long long)mfn);
	assert_int_equal(r.res_bits, 0);
}

static void expect_fault(uint64_t g, unsigned int acc, enum vmsa_fault f)
{
	struct vmsa_result r = xlate(g, acc);

	if (r.fault != f)
		fail_msg("gfn %#llx acc %u: %s, expected %s", (unsigned long long)g, acc,
			 vmsa_fault_name(r.fault), vmsa_fault_name(f));
}

/* Lookup and walker: @g maps @mfn with type @t and its attributes. */
static void expect_lookup(uint64_t g, uint64_t mfn, enum am_p2m_type t)
{
	ok(oracle_p2m_expect(&O, g, mfn, t, WHY, sizeof(WHY)));
}

static void expect_nothing(uint64_t g)
{
	ok(oracle_p2m_expect(&O, g, MFN_NONE, AM_P2M_NONE, WHY, sizeof(WHY)));
}

/* ------------------------------------------------ snapshots: unchanged -- */

static void snap(void)
{
	SNAP.pg = SNAP_PG;
	oracle_p2m_snap(&SNAP, &O);
}

/* Tables, frame words, references as at snap(); no maintenance; no put. */
static void unchanged_(int line)
{
	if (!oracle_p2m_unchanged(&SNAP, &O, WHY, sizeof(WHY)))
		fail_msg("line %d: %s", line, WHY);
}
#define unchanged() unchanged_(__LINE__)

/* A refused call: its code, nothing changed, the lock balanced. */
#define REFUSED(call, err)                       \
	do {                                     \
		snap();                          \
		assert_int_equal((call), (err)); \
		unchanged();                     \
		check();                         \
	} while (0)

/* Map @n frames of another guest: the caller's reference goes to the P2M. */
static void map_foreign(uint64_t g, unsigned int idx, unsigned int n)
{
	for (unsigned int i = 0; i < n; i++)
		assert_int_equal(am_frame_get(&PG[idx + i]), 0);
	assert_int_equal(am_p2m_map(&P2M, am_gfn(g), am_mfn(MFN(idx)), n, AM_P2M_FOREIGN), 0);
	check();
	track(g, MFN(idx), n);
}

/* ====================================================== frame table ===== */

/* type_info: type bit, two count bits, then a 61-bit GFN field. */
static void test_frame_layout(void **state)
{
	(void)state;
	assert_int_equal(sizeof(unsigned long), 8);
	assert_int_equal(AM_BITS_PER_LONG, 64);
	assert_int_equal(AM_PGT_GFN_WIDTH, 61);
	assert_true(AM_PGT_GFN_MASK == (1ull << 61) - 1);
	assert_true(AM_PGT_WRITABLE == 1ull << 63);
	assert_true(AM_PGT_COUNT_MASK == 3ull << 61);
	assert_true((AM_PGT_WRITABLE & AM_PGT_COUNT_MASK) == 0);
	assert_true((AM_PGT_COUNT_MASK & AM_PGT_GFN_MASK) == 0);
	assert_true((AM_PGT_WRITABLE | AM_PGT_COUNT_MASK | AM_PGT_GFN_MASK) == ~0ul);
	assert_true(AM_PGT_TYPE_INFO_INIT == AM_PGT_GFN_MASK);
	assert_true(GFN_NONE == ~0ull);
	/* a 52-bit IPA's GFN (40 bits) fits with room for "none" */
	assert_true((1ull << 40) - 1 < AM_PGT_GFN_MASK);
	assert_true((AM_PGC_XEN_HEAP & AM_PGC_COUNT_MASK) == 0);
	assert_true((AM_PGC_ALLOCATED & AM_PGC_COUNT_MASK) == 0);
	assert_true(AM_PGC_XEN_HEAP != AM_PGC_ALLOCATED);
}

/* A frame as the allocator hands it out has no GFN, whatever was there. */
static void test_frame_init(void **state)
{
	struct am_page_info pg;
	uint64_t g = 0;

	(void)state;
	memset(&pg, 0x5a, sizeof(pg));
	am_frame_init(&pg, true);
	assert_true(pg.type_info == AM_PGT_TYPE_INFO_INIT);
	assert_true(pg.count_info & AM_PGC_XEN_HEAP);
	assert_int_equal(t_frame_get_gfn(&pg, &g), 0);
	assert_true(g == GFN_NONE);

	memset(&pg, 0xff, sizeof(pg));
	am_frame_init(&pg, false);
	assert_true(pg.type_info == AM_PGT_TYPE_INFO_INIT);
	assert_false(pg.count_info & AM_PGC_XEN_HEAP);
	assert_int_equal(t_frame_get_gfn(&pg, &g), AM_EINVAL);

	/* the all-ones field reads as "no GFN" whatever the type and count */
	am_frame_init(&pg, true);
	pg.type_info = AM_PGT_WRITABLE | AM_PGT_COUNT_MASK | AM_PGT_GFN_MASK;
	assert_int_equal(t_frame_get_gfn(&pg, &g), 0);
	assert_true(g == GFN_NONE);
	pg.type_info = AM_PGT_WRITABLE | (1ul << AM_PGT_COUNT_SHIFT) | 0x1234;
	assert_int_equal(t_frame_get_gfn(&pg, &g), 0);
	assert_true(g == 0x1234);
}

/* set then get round-trips; the type and count bits are never touched. */
static void test_frame_roundtrip(void **state)
{
	const unsigned long tops[] = {0, AM_PGT_WRITABLE, AM_PGT_COUNT_MASK,
				      AM_PGT_WRITABLE | (1ul << AM_PGT_COUNT_SHIFT),
				      AM_PGT_WRITABLE | AM_PGT_COUNT_MASK};
	const uint64_t vals[] = {0,
				 1,
				 0x12345,
				 (1ull << 40) - 1,
				 AM_PGT_GFN_MASK - 1, /* the largest GFN: 2^61 - 2 */
				 GFN_NONE,
				 AM_PGT_GFN_MASK - 1,
				 0,
				 GFN_NONE};

	(void)state;
	for (unsigned int t = 0; t < sizeof(tops) / sizeof(tops[0]); t++) {
		struct am_page_info pg;

		am_frame_init(&pg, true);
		pg.count_info |= AM_PGC_ALLOCATED | 3ul;
		pg.type_info = tops[t] | AM_PGT_GFN_MASK;
		for (unsigned int v = 0; v < sizeof(vals) / sizeof(vals[0]); v++) {
			unsigned long ci = pg.count_info;
			uint64_t g = 0x5a5a;

			assert_int_equal(am_frame_set_gfn(&pg, am_gfn(vals[v])), 0);
			assert_true((pg.type_info & ~AM_PGT_GFN_MASK) == tops[t]);
			assert_true((pg.type_info & AM_PGT_GFN_MASK) ==
				    (vals[v] == GFN_NONE ? AM_PGT_GFN_MASK : vals[v]));
			assert_true(pg.count_info == ci);
			assert_int_equal(t_frame_get_gfn(&pg, &g), 0);
			assert_true(g == vals[v]);
		}
	}
}

/* NULL, a domheap frame, a GFN wider than the field: refused, untouched. */
static void test_frame_refusals(void **state)
{
	struct am_page_info pg, was;
	uint64_t g = 0;
	/* the all-ones field is "none": 2^61 - 1 is no GFN either */
	const uint64_t wide[] = {AM_PGT_GFN_MASK, 1ull << 61, (1ull << 61) + 5, 1ull << 62,
				 GFN_NONE - 1};

	(void)state;
	assert_int_equal(t_frame_get_gfn(NULL, &g), AM_EINVAL);
	assert_int_equal(am_frame_set_gfn(NULL, am_gfn(5)), AM_EINVAL);
	am_frame_init(&pg, true);
	assert_int_equal(t_frame_get_gfn(&pg, NULL), AM_EINVAL);

	am_frame_init(&pg, false);
	pg.type_info = AM_PGT_WRITABLE | 7;
	was = pg;
	assert_int_equal(t_frame_get_gfn(&pg, &g), AM_EINVAL);
	assert_int_equal(am_frame_set_gfn(&pg, am_gfn(9)), AM_EINVAL);
	assert_int_equal(am_frame_set_gfn(&pg, AM_GFN_INVALID), AM_EINVAL);
	assert_memory_equal(&pg, &was, sizeof(pg));

	am_frame_init(&pg, true);
	pg.type_info = (2ul << AM_PGT_COUNT_SHIFT) | 42;
	was = pg;
	for (unsigned int i = 0; i < sizeof(wide) / sizeof(wide[0]); i++) {
		assert_int_equal(am_frame_set_gfn(&pg, am_gfn(wide[i])), AM_ERANGE);
		assert_memory_equal(&pg, &was, sizeof(pg));
	}
	assert_int_equal(t_frame_get_gfn(&pg, &g), 0);
	assert_true(g == 42);
}

/* am_frame_of() bounds; references go up and down below the flags. */
static void test_frame_of_and_refs(void **state)
{
	struct am_page_info pages[4];
	struct am_frame_table top;
	struct am_page_info pg;

	(void)state;
	assert_int_equal(am_frame_table_init(&top, pages, am_mfn(MFN_NONE - 9), 4), 0);
	frames_reset();
	assert_null(am_frame_of(&FT, am_mfn(FT_FIRST - 1)));
	assert_ptr_equal(am_frame_of(&FT, am_mfn(FT_FIRST)), &PG[0]);
	assert_ptr_equal(am_frame_of(&FT, am_mfn(FT_FIRST + 77)), &PG[77]);
	assert_ptr_equal(am_frame_of(&FT, am_mfn(FT_FIRST + FT_NR - 1)), &PG[FT_NR - 1]);
	assert_null(am_frame_of(&FT, am_mfn(FT_FIRST + FT_NR)));
	assert_null(am_frame_of(&FT, am_mfn(0)));
	assert_null(am_frame_of(&FT, AM_MFN_INVALID));
	assert_null(am_frame_of(&FT, am_mfn(FT_FIRST + (1ull << 63)))); /* no wrap in mfn - first */
	assert_ptr_equal(am_frame_of(&top, am_mfn(MFN_NONE - 6)), &pages[3]);
	assert_null(am_frame_of(&top, am_mfn(MFN_NONE - 5)));
	assert_null(am_frame_of(&top, am_mfn(1)));

	am_frame_init(&pg, false);
	pg.count_info = AM_PGC_ALLOCATED | 1ul;
	pg.type_info = AM_PGT_WRITABLE | 3;
	assert_int_equal(am_frame_get(&pg), 0);
	assert_true(pg.count_info == (AM_PGC_ALLOCATED | 2ul));
	am_frame_put(&pg);
	am_frame_put(&pg);
	assert_true(pg.count_info == AM_PGC_ALLOCATED);
	assert_true(pg.type_info == (AM_PGT_WRITABLE | 3));
	am_frame_init(&pg, true);
	assert_int_equal(am_frame_get(&pg), 0);
	assert_true(pg.count_info & AM_PGC_XEN_HEAP);
	assert_true((pg.count_info & AM_PGC_COUNT_MASK) == 1);
	assert_true(pg.type_info == AM_PGT_TYPE_INFO_INIT);
	/* a saturated count is refused, not wrapped into the flags */
	pg.count_info = AM_PGC_ALLOCATED | AM_PGC_COUNT_MASK;
	assert_true(am_frame_get(&pg) < 0);
	assert_true(pg.count_info == (AM_PGC_ALLOCATED | AM_PGC_COUNT_MASK));
	assert_true(am_frame_get(NULL) < 0);
}

/* ============================================================ the P2M ==== */

static void expect_init(const struct am_p2m_config *cfg, const struct am_p2m_ops *ops, int want,
			int line)
{
	struct am_page_info *was = SNAP_PG;
	struct am_p2m p;
	int rc;

	memcpy(was, PG, sizeof(PG));
	rc = am_p2m_init(&p, cfg, ops, &HP);
	if (rc != want)
		fail_msg("line %d: am_p2m_init %d, expected %d", line, rc, want);
	if (!rc)
		am_p2m_destroy(&p);
	if (HP.pt.in_use)
		fail_msg("line %d: %zu table pages left", line, HP.pt.in_use);
	assert_int_equal(HP.locks, HP.unlocks);
	assert_int_equal(HP.lock_depth, 0);
	if (memcmp(was, PG, sizeof(PG)))
		fail_msg("line %d: the frame table changed", line);
}
#define EXPECT_INIT(cfg, ops, want) expect_init((cfg), (ops), (want), __LINE__)

static void test_p2m_init_errors(void **state)
{
	struct am_p2m_config cfg = dflt_cfg();
	struct am_p2m_ops ops;
	struct am_pt_ops pt_no_tlbi;
	am_mfn_t gnt[NR_GNT], sts[NR_STS];
	struct am_p2m p;

	(void)state;
	host_reset();
	frames_reset();
	ops = HP.ops;
	pt_no_tlbi = HP.pt_ops;
	pt_no_tlbi.flush = NULL;
	memcpy(gnt, GNT_M, sizeof(gnt));
	memcpy(sts, STS_M, sizeof(sts));

	assert_int_equal(am_p2m_init(NULL, &cfg, &HP.ops, &HP), AM_EINVAL);
	assert_int_equal(am_p2m_init(&p, NULL, &HP.ops, &HP), AM_EINVAL);
	assert_int_equal(am_p2m_init(&p, &cfg, NULL, &HP), AM_EINVAL);
	ops.pt = NULL;
	EXPECT_INIT(&cfg, &ops, AM_EINVAL);
	ops.pt = &pt_no_tlbi;
	EXPECT_INIT(&cfg, &ops, AM_EINVAL);
	ops = HP.ops;

	cfg.vmid = 256;
	EXPECT_INIT(&cfg, &ops, AM_EINVAL);
	cfg.vmid = 255;
	EXPECT_INIT(&cfg, &ops, 0);
	cfg = dflt_cfg();
	cfg.ipa_bits = 31;
	EXPECT_INIT(&cfg, &ops, AM_EINVAL);
	cfg.ipa_bits = 49;
	EXPECT_INIT(&cfg, &ops, AM_EINVAL);
	cfg.ipa_bits = 32;
	EXPECT_INIT(&cfg, &ops, 0);
	cfg.ipa_bits = 48;
	EXPECT_INIT(&cfg, &ops, 0);
	cfg = dflt_cfg();
	cfg.pa_bits = 31;
	EXPECT_INIT(&cfg, &ops, AM_EINVAL);
	cfg.pa_bits = 49;
	EXPECT_INIT(&cfg, &ops, AM_EINVAL);

	/* domain frames: outside the table, or not xenheap */
	cfg = dflt_cfg();
	cfg.frames = NULL;
	EXPECT_INIT(&cfg, &ops, AM_EINVAL);
	cfg = dflt_cfg();
	cfg.dom.shared_info = am_mfn(FT_FIRST - 1);
	EXPECT_INIT(&cfg, &ops, AM_EINVAL);
	cfg.dom.shared_info = am_mfn(FT_FIRST + FT_NR);
	EXPECT_INIT(&cfg, &ops, AM_EINVAL);
	cfg.dom.shared_info = am_mfn(MFN(F_RAM));
	EXPECT_INIT(&cfg, &ops, AM_EINVAL);
	cfg = dflt_cfg();
	cfg.dom.gnttab_shared = gnt;
	gnt[NR_GNT - 1] = am_mfn(MFN(F_DOM));
	EXPECT_INIT(&cfg, &ops, AM_EINVAL);
	gnt[NR_GNT - 1] = am_mfn(FT_FIRST + FT_NR + 3);
	EXPECT_INIT(&cfg, &ops, AM_EINVAL);
	gnt[NR_GNT - 1] = GNT_M[NR_GNT - 1];
	EXPECT_INIT(&cfg, &ops, 0);
	cfg.dom.gnttab_status = sts;
	sts[1] = am_mfn(MFN(F_FOREIGN));
	EXPECT_INIT(&cfg, &ops, AM_EINVAL);
	sts[1] = am_mfn(5);
	EXPECT_INIT(&cfg, &ops, AM_EINVAL);
	cfg = dflt_cfg();
	cfg.dom.gnttab_shared = NULL;
	EXPECT_INIT(&cfg, &ops, AM_EINVAL);
	cfg = dflt_cfg();
	cfg.dom.gnttab_status = NULL;
	EXPECT_INIT(&cfg, &ops, AM_EINVAL);
	/* no grant frames at all is fine */
	cfg.dom.nr_gnttab_status = 0;
	cfg.dom.gnttab_shared = NULL;
	cfg.dom.nr_gnttab_shared = 0;
	EXPECT_INIT(&cfg, &ops, 0);

	/* no page for the root */
	cfg = dflt_cfg();
	am_host_pt_fail_at(&HP.pt, 0);
	EXPECT_INIT(&cfg, &ops, AM_ENOMEM);
	am_host_pt_fail_at(&HP.pt, -1);
	assert_int_equal(HP.pt.in_use, 0);
}

static void a_lock(void *ctx)
{
	(void)ctx;
	fail_msg("the table ops' own lock was taken");
}

/*
 * Table ops that carry a lock are refused: the table calls run under the
 * P2M lock. AM_EINVAL, one record that says why, nothing allocated, the
 * P2M not ready.
 */
static void test_p2m_init_locked_table_ops(void **state)
{
	struct am_p2m_config cfg = dflt_cfg();
	struct am_p2m_ops ops;
	struct am_pt_ops locked;
	unsigned long logs, allocs;

	(void)state;
	host_reset();
	frames_reset();
	for (int which = 0; which < 2; which++) {
		ops = HP.ops;
		locked = HP.pt_ops;
		if (which)
			locked.env.unlock = a_lock;
		else
			locked.env.lock = a_lock;
		ops.pt = &locked;
		logs = HP.pt.nlog_total;
		allocs = HP.pt.allocs;
		memset(&P2M, 0x5a, sizeof(P2M));
		assert_int_equal(am_p2m_init(&P2M, &cfg, &ops, &HP), AM_EINVAL);
		assert_int_equal(HP.pt.nlog_total - logs, 1);
		assert_int_equal(HP.pt.log[HP.pt.nlog - 1].event, AM_EV_BAD_CONFIG);
		assert_non_null(strstr(HP.pt.log[HP.pt.nlog - 1].msg, "lock"));
		assert_int_equal(HP.pt.allocs, allocs);
		assert_int_equal(HP.pt.in_use, 0);
		assert_int_equal(HP.locks, 0);
		assert_int_equal(
			am_p2m_map(&P2M, am_gfn(0x1000), am_mfn(MFN(F_RAM)), 1, AM_P2M_RAM_RW),
			AM_EINVAL);
	}
	/* the table ops' log hook is not a lock: accepted (and not used) */
	locked = HP.pt_ops;
	locked.env.log = am_host_pt_ops.env.log;
	ops = HP.ops;
	ops.pt = &locked;
	EXPECT_INIT(&cfg, &ops, 0);
}

/* The P2M's own hooks: its ctx, a lock, a log; what its table's hook records. */
struct seam_env {
	int held;
	unsigned long locks, logs, unlocked_logs;
	struct am_log_rec last;
};

static void seam_lock(void *ctx)
{
	struct seam_env *e = ctx;

	assert_int_equal(e->held, 0);
	e->held = 1;
	e->locks++;
}

static void seam_unlock(void *ctx)
{
	struct seam_env *e = ctx;

	assert_int_equal(e->held, 1);
	e->held = 0;
}

static void seam_log(void *ctx, const struct am_log_rec *rec)
{
	struct seam_env *e = ctx;

	e->logs++;
	e->unlocked_logs += !e->held;
	e->last = *rec;
}

/*
 * The seam: the table ops get their own ctx (cfg.pt_ctx: a host table
 * backend of their own), the P2M's hooks the P2M's ctx, and the table
 * engine's records reach the P2M's log hook with the P2M's ctx, under the
 * P2M lock.
 */
static void test_p2m_own_table_ctx(void **state)
{
	static struct am_host_pt tb;
	struct am_p2m_config cfg = dflt_cfg();
	struct am_pt_ops tops = am_host_pt_ops;
	struct am_p2m_ops ops = {.env = {seam_lock, seam_unlock, seam_log}, .pt = &tops};
	struct seam_env e;
	struct am_p2m p;

	(void)state;
	host_reset();
	frames_reset();
	memset(&e, 0, sizeof(e));
	assert_int_equal(am_host_pt_init(&tb, 64), 0);
	tops.env = (struct am_env){0}; /* the host backend's counting lock is a lock */
	cfg.pt_ctx = &tb;
	assert_int_equal(am_p2m_init(&p, &cfg, &ops, &e), 0);
	assert_int_equal(tb.allocs, 1); /* the root, from the table backend's own ctx */
	assert_int_equal(am_p2m_map(&p, am_gfn(0x2000), am_mfn(MFN(F_RAM)), 512, AM_P2M_RAM_RW), 0);
	assert_int_equal(am_p2m_add_physmap(&p, AM_SPACE_SHARED_INFO, 0, am_gfn(0x1000)), 0);
	assert_true(tb.in_use > 1);
	/* a refusal of the table engine: through the P2M's hook, under its lock */
	assert_int_equal(am_p2m_map(&p, am_gfn(0x2003), am_mfn(MFN(F_RAM2)), 1, AM_P2M_RAM_RW),
			 AM_EEXIST);
	assert_int_equal(e.logs, 1);
	assert_int_equal(e.last.event, AM_EV_PT_MAPPED);
	assert_int_equal(e.unlocked_logs, 0);
	assert_int_equal(am_p2m_remove_physmap(&p, am_gfn(0x1000), am_mfn(MFN(F_SHARED))), 0);
	assert_true(gfn_of(F_SHARED) == GFN_NONE);
	am_p2m_destroy(&p);
	assert_int_equal(tb.in_use, 0);
	assert_int_equal(tb.bad_frees, 0);
	assert_int_equal(e.held, 0);
	assert_true(e.locks >= 5);
	/* nothing went to the fixture's backend */
	assert_int_equal(HP.pt.allocs, 0);
	assert_int_equal(HP.locks, 0);
	am_host_pt_fini(&tb);
}

/* ipa_bits / pa_bits 0 mean 40 / 48; the VMID reaches VTTBR and every TLBI. */
static void test_p2m_defaults(void **state)
{
	struct am_p2m_config cfg = dflt_cfg();
	struct am_p2m *p;

	(void)state;
	cfg.ipa_bits = 0;
	cfg.pa_bits = 0;
	cfg.vmid = 200;
	p = setup_cfg(&cfg);
	assert_int_equal(
		am_p2m_map(p, am_gfn((1ull << 28) - 1), am_mfn(MFN(F_RAM2)), 1, AM_P2M_RAM_RW), 0);
	REFUSED(am_p2m_map(p, am_gfn(1ull << 28), am_mfn(MFN(F_RAM2 + 1)), 1, AM_P2M_RAM_RW),
		AM_ERANGE);
	assert_int_equal(am_p2m_map(p, am_gfn(0x100), am_mfn((1ull << 36) - 1), 1, AM_P2M_MMIO_DEV),
			 0);
	REFUSED(am_p2m_map(p, am_gfn(0x101), am_mfn(1ull << 36), 1, AM_P2M_MMIO_DEV), AM_ERANGE);
	check();
	expect_map((1ull << 28) - 1, MFN(F_RAM2), VMSA_ACC_R);
	expect_map(0x100, (1ull << 36) - 1, VMSA_ACC_R);
	assert_true(am_pt_ttbr(&p->pt) >> 48 == 200);
	assert_int_equal(am_p2m_unmap(p, am_gfn(0x100), 1, AM_MFN_INVALID), 0);
	check();
	assert_int_equal(HP.pt.last_tlbi.regime, AM_PT_S2);
	assert_int_equal(HP.pt.last_tlbi.vmid, 200);
	assert_int_equal(HP.pt.last_scope.vmid, 200);
}

/* Each type: its stage-2 attributes, as the walker sees them, and lookup. */
static void test_p2m_types(void **state)
{
	struct am_p2m *p = setup();
	const uint64_t g = 0x40000;
	const struct {
		enum am_p2m_type t;
		uint64_t mfn;
	} m[] = {
		{AM_P2M_RAM_RW, MFN(F_RAM2)},	  {AM_P2M_RAM_RO, MFN(F_RAM2 + 1)},
		{AM_P2M_MMIO_DEV, 0x9000},	  {AM_P2M_MMIO_NC, 0x9001},
		{AM_P2M_GRANT_RW, MFN(F_DOM)},	  {AM_P2M_GRANT_RO, MFN(F_DOM + 1)},
		{AM_P2M_FOREIGN, MFN(F_FOREIGN)},
	};
	const unsigned int n = sizeof(m) / sizeof(m[0]);
	struct am_attr a;

	(void)state;
	assert_int_equal(am_frame_get(&PG[F_FOREIGN]), 0);
	for (unsigned int i = 0; i < n; i++) {
		assert_int_equal(am_p2m_map(p, am_gfn(g + 2 * i), am_mfn(m[i].mfn), 1, m[i].t), 0);
		check();
	}
	track(g + 12, MFN(F_FOREIGN), 1);
	for (unsigned int i = 0; i < n; i++) {
		expect_lookup(g + 2 * i, m[i].mfn, m[i].t);
		expect_map(g + 2 * i, m[i].mfn, VMSA_ACC_R);
		expect_nothing(g + 2 * i + 1);
		assert_int_equal(xlate(g + 2 * i, VMSA_ACC_R).level, 3);
	}
	/* RAM RW: read, write, execute; Normal write-back, inner shareable */
	expect_map(g, MFN(F_RAM2), VMSA_ACC_R | VMSA_ACC_W | VMSA_ACC_X);
	assert_int_equal(xlate(g, VMSA_ACC_R).mem, 0xf);
	assert_int_equal(xlate(g, VMSA_ACC_R).sh, 3);
	/* RAM RO: write faults */
	expect_map(g + 2, MFN(F_RAM2 + 1), VMSA_ACC_R | VMSA_ACC_X);
	expect_fault(g + 2, VMSA_ACC_W, VMSA_F_PERMISSION);
	assert_int_equal(xlate(g + 2, VMSA_ACC_R).mem, 0xf);
	/* MMIO: Device-nGnRE (MemAttr 0b0001), never executable */
	expect_map(g + 4, 0x9000, VMSA_ACC_R | VMSA_ACC_W);
	assert_int_equal(xlate(g + 4, VMSA_ACC_R).mem, 0x1);
	expect_fault(g + 4, VMSA_ACC_X, VMSA_F_PERMISSION);
	/* MMIO NC: Normal non-cacheable (MemAttr 0b0101), read/write */
	expect_map(g + 6, 0x9001, VMSA_ACC_R | VMSA_ACC_W);
	assert_int_equal(xlate(g + 6, VMSA_ACC_R).mem, 0x5);
	expect_fault(g + 6, VMSA_ACC_X, VMSA_F_PERMISSION);
	/* grants and foreign frames: data, never code (docs/p2m.md) */
	expect_map(g + 8, MFN(F_DOM), VMSA_ACC_R | VMSA_ACC_W);
	expect_fault(g + 8, VMSA_ACC_X, VMSA_F_PERMISSION);
	expect_map(g + 10, MFN(F_DOM + 1), VMSA_ACC_R);
	expect_fault(g + 10, VMSA_ACC_W, VMSA_F_PERMISSION);
	expect_fault(g + 10, VMSA_ACC_X, VMSA_F_PERMISSION);
	expect_map(g + 12, MFN(F_FOREIGN), VMSA_ACC_R | VMSA_ACC_W);
	expect_fault(g + 12, VMSA_ACC_X, VMSA_F_PERMISSION);
	/* normal write-back memory the guest shares: inner shareable */
	for (unsigned int i = 0; i < n; i++)
		if (m[i].t != AM_P2M_MMIO_DEV && m[i].t != AM_P2M_MMIO_NC)
			assert_int_equal(xlate(g + 2 * i, VMSA_ACC_R).sh, 3);

	/* am_p2m_type_attr() says the same */
	assert_int_equal(am_p2m_type_attr(AM_P2M_RAM_RW, &a), 0);
	assert_int_equal(a.perm, AM_PERM_R | AM_PERM_W | AM_PERM_X);
	assert_int_equal(a.mtype, AM_MT_NORMAL_WB);
	assert_int_equal(am_p2m_type_attr(AM_P2M_RAM_RO, &a), 0);
	assert_int_equal(a.perm, AM_PERM_R | AM_PERM_X);
	assert_int_equal(am_p2m_type_attr(AM_P2M_MMIO_DEV, &a), 0);
	assert_int_equal(a.mtype, AM_MT_DEVICE_nGnRE);
	assert_int_equal(a.perm, AM_PERM_R | AM_PERM_W);
	assert_int_equal(am_p2m_type_attr(AM_P2M_MMIO_NC, &a), 0);
	assert_int_equal(a.mtype, AM_MT_NORMAL_NC);
	assert_false(a.perm & AM_PERM_X);
	assert_int_equal(am_p2m_type_attr(AM_P2M_GRANT_RO, &a), 0);
	assert_false(a.perm & AM_PERM_W);
	assert_int_equal(am_p2m_type_attr(AM_P2M_TYPE_COUNT, &a), AM_EINVAL);
	assert_int_equal(am_p2m_type_attr((enum am_p2m_type)99, &a), AM_EINVAL);
	assert_int_equal(am_p2m_type_attr(AM_P2M_RAM_RW, NULL), AM_EINVAL);
}

/* A 2 MiB aligned RAM range is one block; lookup anywhere inside it. */
static void test_p2m_lookup_block(void **state)
{
	struct am_p2m *p = setup();
	const uint64_t g = 0x80000; /* 2 GiB, 2 MiB aligned */
	uint64_t m;
	enum am_p2m_type t;

	(void)state;
	assert_int_equal(am_p2m_map(p, am_gfn(g), am_mfn(MFN(F_RAM)), 512, AM_P2M_RAM_RW), 0);
	check();
	assert_true(xlate(g + 100, VMSA_ACC_R).leaf_size == M2);
	assert_int_equal(xlate(g + 100, VMSA_ACC_R).level, 2);
	for (unsigned int i = 0; i < 512; i += 37)
		expect_lookup(g + i, MFN(F_RAM + i), AM_P2M_RAM_RW);
	expect_lookup(g + 511, MFN(F_RAM + 511), AM_P2M_RAM_RW);
	expect_map(g + 511, MFN(F_RAM + 511), VMSA_ACC_R | VMSA_ACC_W | VMSA_ACC_X);
	expect_nothing(g + 512);
	expect_nothing(g - 1);
	/* misaligned: pages */
	assert_int_equal(
		am_p2m_map(p, am_gfn(g + 1024 + 1), am_mfn(MFN(F_RAM2)), 512, AM_P2M_RAM_RW), 0);
	check();
	assert_true(xlate(g + 1024 + 1, VMSA_ACC_R).leaf_size == K4);
	expect_lookup(g + 1024 + 300, MFN(F_RAM2 + 299), AM_P2M_RAM_RW);

	assert_int_equal(t_p2m_lookup(p, am_gfn(1ull << 28), &m, &t), AM_ERANGE);
	assert_int_equal(t_p2m_lookup(p, am_gfn(1ull << 52), &m, &t),
			 AM_ERANGE); /* IPA would wrap */
	assert_int_equal(t_p2m_lookup(p, am_gfn(GFN_NONE), &m, &t), AM_ERANGE);
	assert_int_equal(t_p2m_lookup(NULL, am_gfn(g), &m, &t), AM_EINVAL);
	check();
}

/* Every refusal of map, each leaving everything as it was. */
static void test_p2m_map_refusals(void **state)
{
	struct am_p2m *p = setup();
	const uint64_t g = 0x80000;

	(void)state;
	assert_int_equal(am_p2m_map(p, am_gfn(g), am_mfn(MFN(F_RAM)), 512, AM_P2M_RAM_RW), 0);
	assert_int_equal(am_p2m_map(p, am_gfn(g + 1024), am_mfn(MFN(F_RAM2)), 4, AM_P2M_RAM_RW), 0);
	assert_int_equal(
		am_p2m_map(p, am_gfn(g + 2048), am_mfn(MFN(F_XEXTRA + 1)), 1, AM_P2M_RAM_RW), 0);
	assert_int_equal(am_p2m_add_physmap(p, AM_SPACE_SHARED_INFO, 0, am_gfn(g + 3000)), 0);
	check();
	assert_true(gfn_of(F_XEXTRA + 1) == g + 2048);

	REFUSED(am_p2m_map(NULL, am_gfn(g + 4000), am_mfn(MFN(F_RAM2)), 1, AM_P2M_RAM_RW),
		AM_EINVAL);
	REFUSED(am_p2m_map(p, am_gfn(g + 4000), am_mfn(MFN(F_RAM2)), 0, AM_P2M_RAM_RW), AM_EINVAL);
	REFUSED(am_p2m_map(p, am_gfn(g + 4000), am_mfn(MFN(F_RAM2)), 1, AM_P2M_NONE), AM_EINVAL);
	REFUSED(am_p2m_map(p, am_gfn(g + 4000), am_mfn(MFN(F_RAM2)), 1, AM_P2M_TYPE_COUNT),
		AM_EINVAL);
	REFUSED(am_p2m_map(p, am_gfn(g + 4000), am_mfn(MFN(F_RAM2)), 1, (enum am_p2m_type)99),
		AM_EINVAL);
	/* wrap-around of gfn + nr or mfn + nr */
	REFUSED(am_p2m_map(p, am_gfn(GFN_NONE - 1), am_mfn(MFN(F_RAM2)), 4, AM_P2M_RAM_RW),
		AM_EOVERFLOW);
	REFUSED(am_p2m_map(p, am_gfn(g + 4000), am_mfn(MFN_NONE - 1), 4, AM_P2M_RAM_RW),
		AM_EOVERFLOW);
	/* beyond the IPA size (40 bits) or the PA size (48 bits) */
	REFUSED(am_p2m_map(p, am_gfn(1ull << 28), am_mfn(MFN(F_RAM2)), 1, AM_P2M_RAM_RW),
		AM_ERANGE);
	REFUSED(am_p2m_map(p, am_gfn((1ull << 28) - 1), am_mfn(MFN(F_RAM2)), 2, AM_P2M_RAM_RW),
		AM_ERANGE);
	REFUSED(am_p2m_map(p, am_gfn(1ull << 52), am_mfn(MFN(F_RAM2)), 1, AM_P2M_RAM_RW),
		AM_ERANGE);
	REFUSED(am_p2m_map(p, am_gfn(1ull << 60), am_mfn(MFN(F_RAM2)), 1, AM_P2M_RAM_RW),
		AM_ERANGE);
	REFUSED(am_p2m_map(p, am_gfn(0), am_mfn(MFN(F_RAM2)), 1ull << 52, AM_P2M_RAM_RW),
		AM_ERANGE);
	REFUSED(am_p2m_map(p, am_gfn(g + 4000), am_mfn(1ull << 36), 1, AM_P2M_MMIO_DEV), AM_ERANGE);
	REFUSED(am_p2m_map(p, am_gfn(g + 4000), am_mfn((1ull << 36) - 1), 2, AM_P2M_MMIO_DEV),
		AM_ERANGE);
	REFUSED(am_p2m_map(p, am_gfn(g + 4000), am_mfn(1ull << 52), 1, AM_P2M_MMIO_DEV), AM_ERANGE);
	/* something is mapped: a page, inside a block, the last page of a range */
	REFUSED(am_p2m_map(p, am_gfn(g + 1026), am_mfn(MFN(F_RAM2 + 100)), 1, AM_P2M_RAM_RW),
		AM_EEXIST);
	REFUSED(am_p2m_map(p, am_gfn(g + 7), am_mfn(MFN(F_RAM2 + 100)), 1, AM_P2M_RAM_RW),
		AM_EEXIST);
	REFUSED(am_p2m_map(p, am_gfn(g - 3), am_mfn(MFN(F_RAM2 + 100)), 4, AM_P2M_RAM_RW),
		AM_EEXIST);
	REFUSED(am_p2m_map(p, am_gfn(g + 1020), am_mfn(MFN(F_RAM2 + 100)), 5, AM_P2M_RAM_RW),
		AM_EEXIST);
	REFUSED(am_p2m_map(p, am_gfn(g + 2048), am_mfn(MFN(F_RAM2 + 100)), 1, AM_P2M_RAM_RW),
		AM_EEXIST);
	REFUSED(am_p2m_map(p, am_gfn(g + 3000), am_mfn(MFN(F_RAM2 + 100)), 1, AM_P2M_MMIO_DEV),
		AM_EEXIST);
	/* a xenheap frame with a GFN: alone, or the second of a range */
	REFUSED(am_p2m_map(p, am_gfn(g + 4000), am_mfn(MFN(F_XEXTRA + 1)), 1, AM_P2M_RAM_RW),
		AM_EBUSY);
	REFUSED(am_p2m_map(p, am_gfn(g + 4000), am_mfn(MFN(F_XEXTRA)), 2, AM_P2M_RAM_RW), AM_EBUSY);
	REFUSED(am_p2m_map(p, am_gfn(g + 4000), am_mfn(MFN(F_SHARED)), 1, AM_P2M_RAM_RW), AM_EBUSY);
	REFUSED(am_p2m_map(p, am_gfn(g + 4000), am_mfn(MFN(F_SHARED)), 1, AM_P2M_RAM_RO), AM_EBUSY);
	assert_true(gfn_of(F_XEXTRA) == GFN_NONE);
	assert_true(gfn_of(F_SHARED) == g + 3000);
	expect_nothing(g + 4000);
	expect_lookup(g + 2048, MFN(F_XEXTRA + 1), AM_P2M_RAM_RW);
}

/* Xenheap frames are mapped by page, each recording its GFN. */
static void test_xenheap_by_page(void **state)
{
	struct am_p2m *p = setup();
	const uint64_t g = 0x80000;

	(void)state;
	assert_int_equal(am_p2m_map(p, am_gfn(g), am_mfn(MFN(F_XRUN)), 512, AM_P2M_RAM_RW), 0);
	check();
	for (unsigned int i = 0; i < 512; i++) {
		assert_true(gfn_of(F_XRUN + i) == g + i);
		if (i % 61 == 0 || i == 511) {
			assert_true(xlate(g + i, VMSA_ACC_R).leaf_size == K4);
			expect_map(g + i, MFN(F_XRUN + i), VMSA_ACC_R | VMSA_ACC_W);
			expect_lookup(g + i, MFN(F_XRUN + i), AM_P2M_RAM_RW);
		}
	}
	track(g, MFN(F_XRUN), 512);
	assert_int_equal(am_p2m_unmap(p, am_gfn(g), 512, am_mfn(MFN(F_XRUN))), 0);
	check();
	for (unsigned int i = 0; i < 512; i++)
		assert_true(gfn_of(F_XRUN + i) == GFN_NONE);
	expect_nothing(g);
	expect_nothing(g + 511);
	/* mapped again elsewhere: the frames are free to be */
	assert_int_equal(am_p2m_map(p, am_gfn(g + 7), am_mfn(MFN(F_XRUN)), 3, AM_P2M_RAM_RO), 0);
	check();
	assert_true(gfn_of(F_XRUN + 2) == g + 9);
}

/* Every way out of the P2M clears a xenheap frame's GFN, after the TLBI. */
static void test_put_clears_gfn(void **state)
{
	struct am_p2m *p = setup();
	const uint64_t g = 0x20000;
	uint64_t gg;

	(void)state;
	/* am_p2m_unmap() of one page */
	assert_int_equal(am_p2m_map(p, am_gfn(g), am_mfn(MFN(F_XEXTRA)), 1, AM_P2M_RAM_RW), 0);
	check();
	track(g, MFN(F_XEXTRA), 1);
	assert_int_equal(am_p2m_unmap(p, am_gfn(g), 1, am_mfn(MFN(F_XEXTRA))), 0);
	check();
	assert_true(gfn_of(F_XEXTRA) == GFN_NONE);
	expect_nothing(g);

	/* am_p2m_remove_physmap() */
	assert_int_equal(am_p2m_add_physmap(p, AM_SPACE_GRANT_TABLE, 2, am_gfn(g + 1)), 0);
	check();
	track(g + 1, GNT[2], 1);
	assert_int_equal(am_p2m_remove_physmap(p, am_gfn(g + 1), am_mfn(GNT[2])), 0);
	check();
	assert_int_equal(t_p2m_gnttab_gfn(p, 2, &gg), 0);
	assert_true(gg == GFN_NONE);
	assert_true(gfn_of(F_GNT + 2) == GFN_NONE);
	expect_nothing(g + 1);

	/* a range of xenheap and RAM pages, unmapped in one call */
	assert_int_equal(am_p2m_map(p, am_gfn(g + 10), am_mfn(MFN(F_XEXTRA + 2)), 3, AM_P2M_RAM_RW),
			 0);
	assert_int_equal(am_p2m_map(p, am_gfn(g + 13), am_mfn(MFN(F_RAM2)), 2, AM_P2M_RAM_RW), 0);
	assert_int_equal(
		am_p2m_add_physmap(p, AM_SPACE_GRANT_TABLE, AM_GNTTAB_STATUS | 1, am_gfn(g + 15)),
		0);
	check();
	track(g + 10, MFN(F_XEXTRA + 2), 3);
	track(g + 15, STS[1], 1);
	assert_int_equal(am_p2m_unmap(p, am_gfn(g + 10), 6, AM_MFN_INVALID), 0);
	check();
	for (unsigned int i = 2; i < 5; i++)
		assert_true(gfn_of(F_XEXTRA + i) == GFN_NONE);
	assert_true(gfn_of(F_STS + 1) == GFN_NONE);
	for (unsigned int i = 10; i < 16; i++)
		expect_nothing(g + i);

	/* am_p2m_destroy(), with the TLB model still watching */
	assert_int_equal(am_p2m_add_physmap(p, AM_SPACE_SHARED_INFO, 0, am_gfn(g + 20)), 0);
	assert_int_equal(am_p2m_add_physmap(p, AM_SPACE_GRANT_TABLE, 3, am_gfn(g + 21)), 0);
	assert_int_equal(
		am_p2m_add_physmap(p, AM_SPACE_GRANT_TABLE, AM_GNTTAB_STATUS | 0, am_gfn(g + 22)),
		0);
	assert_int_equal(am_p2m_map(p, am_gfn(g + 23), am_mfn(MFN(F_XEXTRA + 5)), 1, AM_P2M_RAM_RW),
			 0);
	check();
	track(g + 20, MFN(F_SHARED), 1);
	track(g + 21, GNT[3], 1);
	track(g + 22, STS[0], 1);
	track(g + 23, MFN(F_XEXTRA + 5), 1);
	am_p2m_destroy(p);
	P2M_LIVE = false;
	if (O.hook_fails)
		fail_msg("destroy: %s", O.hook_msg);
	assert_int_equal(HP.lock_depth, 0);
	assert_int_equal(HP.locks, HP.unlocks);
	assert_int_equal(HP.pt.in_use, 0);
	assert_int_equal(HP.pt.bad_frees, 0);
	assert_int_equal(HP.pt.tlb.freed_in_use, 0);
	assert_true(gfn_of(F_SHARED) == GFN_NONE);
	assert_true(gfn_of(F_GNT + 3) == GFN_NONE);
	assert_true(gfn_of(F_STS) == GFN_NONE);
	assert_true(gfn_of(F_XEXTRA + 5) == GFN_NONE);
}

/* A foreign frame's reference is dropped once per page, after the TLBI. */
static void test_foreign_put(void **state)
{
	struct am_p2m *p = setup();
	const uint64_t g = 0x30000, gb = 0x80000;

	(void)state;
	map_foreign(g, F_FOREIGN, 4);
	for (unsigned int i = 0; i < 4; i++)
		expect_lookup(g + i, MFN(F_FOREIGN + i), AM_P2M_FOREIGN);
	assert_int_equal(HP.foreign_puts, 0);

	/* am_p2m_unmap(): two pages from the middle */
	assert_int_equal(am_p2m_unmap(p, am_gfn(g + 1), 2, am_mfn(MFN(F_FOREIGN + 1))), 0);
	check();
	assert_int_equal(HP.foreign_puts, 2);
	assert_int_equal(refs(F_FOREIGN), 2);
	assert_int_equal(refs(F_FOREIGN + 1), 1);
	assert_int_equal(refs(F_FOREIGN + 2), 1);
	assert_int_equal(refs(F_FOREIGN + 3), 2);
	assert_true(PG[F_FOREIGN + 1].count_info & AM_PGC_ALLOCATED);
	expect_nothing(g + 1);
	expect_map(g + 3, MFN(F_FOREIGN + 3), VMSA_ACC_R);

	/* am_p2m_remove_physmap() */
	assert_int_equal(am_p2m_remove_physmap(p, am_gfn(g), am_mfn(MFN(F_FOREIGN))), 0);
	check();
	assert_int_equal(HP.foreign_puts, 3);
	assert_true(am_mfn_val(HP.last_foreign) == MFN(F_FOREIGN));
	assert_int_equal(refs(F_FOREIGN), 1);

	/* a 2 MiB range of foreign frames: 512 puts, whatever its shape */
	tlbm_watch(&HP.pt.tlb, IPA(gb), M2, 64 * K4);
	map_foreign(gb, F_FRUN, 512);
	assert_int_equal(am_p2m_unmap(p, am_gfn(gb), 512, am_mfn(MFN(F_FRUN))), 0);
	check();
	assert_int_equal(HP.foreign_puts, 3 + 512);
	for (unsigned int i = 0; i < 512; i++)
		assert_int_equal(refs(F_FRUN + i), 1);

	/* again; one page out of the middle, then destroy puts the rest */
	map_foreign(gb, F_FRUN, 512);
	assert_int_equal(am_p2m_unmap(p, am_gfn(gb + 5), 1, am_mfn(MFN(F_FRUN + 5))), 0);
	check();
	assert_int_equal(HP.foreign_puts, 3 + 512 + 1);
	assert_int_equal(refs(F_FRUN + 5), 1);
	assert_int_equal(refs(F_FRUN + 6), 2);
	expect_nothing(gb + 5);
	expect_map(gb + 4, MFN(F_FRUN + 4), VMSA_ACC_R);
	expect_map(gb + 6, MFN(F_FRUN + 6), VMSA_ACC_R);
	expect_lookup(gb + 511, MFN(F_FRUN + 511), AM_P2M_FOREIGN);
	am_p2m_destroy(p);
	P2M_LIVE = false;
	if (O.hook_fails)
		fail_msg("destroy: %s", O.hook_msg);
	assert_int_equal(HP.foreign_puts, 3 + 512 + 1 + 511 + 1);
	for (unsigned int i = 0; i < 512; i++)
		assert_int_equal(refs(F_FRUN + i), 1);
	for (unsigned int i = 0; i < 4; i++)
		assert_int_equal(refs(F_FOREIGN + i), 1);
	assert_int_equal(HP.pt.in_use, 0);
	assert_int_equal(HP.locks, HP.unlocks);
}

/* Unmap refusals: a hole, another frame than expected, a bad range. */
static void test_unmap_refusals(void **state)
{
	struct am_p2m *p = setup();
	const uint64_t g = 0x20000, gb = 0x80000;

	(void)state;
	assert_int_equal(am_p2m_map(p, am_gfn(g), am_mfn(MFN(F_RAM2)), 4, AM_P2M_RAM_RW),
			 0); /* g..g+3 */
	assert_int_equal(am_p2m_map(p, am_gfn(g + 5), am_mfn(MFN(F_RAM2 + 5)), 1, AM_P2M_RAM_RW),
			 0);
	assert_int_equal(am_p2m_map(p, am_gfn(g + 6), am_mfn(MFN(F_XEXTRA)), 1, AM_P2M_RAM_RW), 0);
	map_foreign(g + 7, F_FOREIGN, 1);
	assert_int_equal(am_p2m_map(p, am_gfn(gb), am_mfn(MFN(F_RAM)), 512, AM_P2M_RAM_RW), 0);
	check();
	track(g + 6, MFN(F_XEXTRA), 1);

	/* a hole (g + 4) anywhere in the range */
	REFUSED(am_p2m_unmap(p, am_gfn(g), 6, AM_MFN_INVALID), AM_ENOENT);
	REFUSED(am_p2m_unmap(p, am_gfn(g + 4), 1, AM_MFN_INVALID), AM_ENOENT);
	REFUSED(am_p2m_unmap(p, am_gfn(g + 3), 5, AM_MFN_INVALID), AM_ENOENT);
	REFUSED(am_p2m_unmap(p, am_gfn(g + 4), 4, AM_MFN_INVALID), AM_ENOENT);
	REFUSED(am_p2m_unmap(p, am_gfn(g + 7), 2, AM_MFN_INVALID), AM_ENOENT);
	REFUSED(am_p2m_unmap(p, am_gfn(gb + 500), 20, AM_MFN_INVALID), AM_ENOENT);
	REFUSED(am_p2m_remove_physmap(p, am_gfn(g + 4), AM_MFN_INVALID), AM_ENOENT);
	REFUSED(am_p2m_remove_physmap(p, am_gfn(g + 100), am_mfn(MFN(F_RAM2))), AM_ENOENT);
	/* another frame than expected: the first, a later one, inside a block */
	REFUSED(am_p2m_unmap(p, am_gfn(g), 4, am_mfn(MFN(F_RAM2 + 1))), AM_EILSEQ);
	REFUSED(am_p2m_unmap(p, am_gfn(g + 5), 3, am_mfn(MFN(F_RAM2 + 5))), AM_EILSEQ);
	REFUSED(am_p2m_unmap(p, am_gfn(g + 6), 2, am_mfn(MFN(F_XEXTRA))), AM_EILSEQ);
	REFUSED(am_p2m_unmap(p, am_gfn(gb + 3), 2, am_mfn(MFN(F_RAM + 4))), AM_EILSEQ);
	REFUSED(am_p2m_remove_physmap(p, am_gfn(g + 6), am_mfn(MFN(F_XEXTRA + 1))), AM_EILSEQ);
	REFUSED(am_p2m_remove_physmap(p, am_gfn(g + 7), am_mfn(MFN(F_FOREIGN + 1))), AM_EILSEQ);
	REFUSED(am_p2m_remove_physmap(p, am_gfn(gb + 9), am_mfn(MFN(F_RAM + 10))), AM_EILSEQ);
	/* bad ranges */
	REFUSED(am_p2m_unmap(NULL, am_gfn(g), 1, AM_MFN_INVALID), AM_EINVAL);
	REFUSED(am_p2m_unmap(p, am_gfn(g), 0, AM_MFN_INVALID), AM_EINVAL);
	REFUSED(am_p2m_unmap(p, am_gfn(GFN_NONE - 1), 4, AM_MFN_INVALID), AM_EOVERFLOW);
	REFUSED(am_p2m_unmap(p, am_gfn(1ull << 28), 1, AM_MFN_INVALID), AM_ERANGE);
	REFUSED(am_p2m_unmap(p, am_gfn((1ull << 28) - 1), 2, AM_MFN_INVALID), AM_ERANGE);
	REFUSED(am_p2m_unmap(p, am_gfn(1ull << 52), 1, AM_MFN_INVALID), AM_ERANGE);
	REFUSED(am_p2m_unmap(p, am_gfn(g), 1ull << 52, AM_MFN_INVALID), AM_ERANGE);
	REFUSED(am_p2m_remove_physmap(NULL, am_gfn(g), AM_MFN_INVALID), AM_EINVAL);
	REFUSED(am_p2m_remove_physmap(p, am_gfn(1ull << 28), AM_MFN_INVALID), AM_ERANGE);
	REFUSED(am_p2m_remove_physmap(p, am_gfn(1ull << 52), AM_MFN_INVALID), AM_ERANGE);
	assert_true(gfn_of(F_XEXTRA) == g + 6);
	assert_int_equal(refs(F_FOREIGN), 2);
	assert_true(xlate(gb, VMSA_ACC_R).leaf_size == M2); /* not broken */

	/* and now for real */
	assert_int_equal(am_p2m_unmap(p, am_gfn(g + 5), 3, AM_MFN_INVALID), 0);
	check();
	assert_true(gfn_of(F_XEXTRA) == GFN_NONE);
	assert_int_equal(refs(F_FOREIGN), 1);
	assert_int_equal(HP.foreign_puts, 1);
	assert_int_equal(am_p2m_unmap(p, am_gfn(g), 4, am_mfn(MFN(F_RAM2))), 0);
	check();
	expect_nothing(g);
}

/* ------------------------------------------------ fault injection -- */

typedef int (*p2m_op)(void);

/*
 * Run @op with the allocator failing at its 1st, 2nd, ... allocation until
 * it succeeds: each failed attempt returns AM_ENOMEM having changed nothing
 * (tables, GFNs, references, no put). Returns the allocations it needed.
 */
static long inject(p2m_op op)
{
	long f;

	for (f = 0;; f++) {
		int rc;

		snap();
		am_host_pt_fail_at(&HP.pt, f);
		rc = op();
		am_host_pt_fail_at(&HP.pt, -1);
		if (rc == 0) {
			check();
			break;
		}
		assert_int_equal(rc, AM_ENOMEM);
		unchanged();
		check();
		assert_true(f < 16);
	}
	return f;
}

#define GI 0x80000ull

static int op_unmap_xen_and_block(void)
{
	return am_p2m_unmap(&P2M, am_gfn(GI - 1), 2, AM_MFN_INVALID);
}

static int op_unmap_block_and_foreign(void)
{
	return am_p2m_unmap(&P2M, am_gfn(GI + 1023), 2, AM_MFN_INVALID);
}

static int op_remove_in_block(void)
{
	return am_p2m_remove_physmap(&P2M, am_gfn(GI + 2048 + 7), am_mfn(MFN(F_RAM + 7)));
}

static int op_map_xen_pages(void)
{
	return am_p2m_map(&P2M, am_gfn(0x7fff000), am_mfn(MFN(F_XEXTRA + 3)), 2, AM_P2M_RAM_RW);
}

static int op_add_physmap(void)
{
	return am_p2m_add_physmap(&P2M, AM_SPACE_GRANT_TABLE, 5, am_gfn(0x6fff000));
}

/* Breaking a RAM block needs a table page: without one, nothing changes. */
static void test_unmap_break_enomem(void **state)
{
	struct am_p2m *p = setup();

	(void)state;
	assert_int_equal(am_p2m_map(p, am_gfn(GI - 1), am_mfn(MFN(F_XEXTRA)), 1, AM_P2M_RAM_RW), 0);
	assert_int_equal(am_p2m_map(p, am_gfn(GI), am_mfn(MFN(F_RAM)), 512, AM_P2M_RAM_RW), 0);
	assert_int_equal(am_p2m_map(p, am_gfn(GI + 512), am_mfn(MFN(F_RAM2)), 512, AM_P2M_RAM_RW),
			 0);
	map_foreign(GI + 1024, F_FOREIGN, 1);
	assert_int_equal(am_p2m_map(p, am_gfn(GI + 2048), am_mfn(MFN(F_RAM)), 512, AM_P2M_RAM_RW),
			 0);
	check();
	track(GI - 1, MFN(F_XEXTRA), 1);
	tlbm_watch(&HP.pt.tlb, IPA(GI), 2560 * K4, 32 * K4);
	tlbm_fill(&HP.pt.tlb);
	assert_true(xlate(GI, VMSA_ACC_R).leaf_size == M2);

	assert_true(inject(op_unmap_xen_and_block) >= 1);
	assert_true(gfn_of(F_XEXTRA) == GFN_NONE);
	expect_nothing(GI - 1);
	expect_nothing(GI);
	expect_map(GI + 1, MFN(F_RAM + 1), VMSA_ACC_R | VMSA_ACC_W);
	expect_lookup(GI + 511, MFN(F_RAM + 511), AM_P2M_RAM_RW);

	assert_true(inject(op_unmap_block_and_foreign) >= 1);
	assert_int_equal(refs(F_FOREIGN), 1);
	assert_int_equal(HP.foreign_puts, 1);
	expect_nothing(GI + 1023);
	expect_nothing(GI + 1024);
	expect_map(GI + 1022, MFN(F_RAM2 + 510), VMSA_ACC_R);

	assert_true(inject(op_remove_in_block) >= 1);
	expect_nothing(GI + 2048 + 7);
	expect_map(GI + 2048 + 6, MFN(F_RAM + 6), VMSA_ACC_R);
	expect_map(GI + 2048 + 8, MFN(F_RAM + 8), VMSA_ACC_R);

	/* map and physmap that need new tables */
	assert_true(inject(op_map_xen_pages) >= 1);
	assert_true(gfn_of(F_XEXTRA + 4) == 0x7fff001);
	assert_true(inject(op_add_physmap) >= 1);
	assert_true(gfn_of(F_GNT + 5) == 0x6fff000);
}

/* ============================================================ physmap ==== */

static void test_physmap_shared_info(void **state)
{
	struct am_p2m *p = setup();
	const uint64_t g = 0x40000;
	unsigned long l0 = HP.locks;

	(void)state;
	assert_int_equal(am_p2m_add_physmap(p, AM_SPACE_SHARED_INFO, 0, am_gfn(g)), 0);
	check();
	assert_true(HP.locks > l0);
	assert_true(gfn_of(F_SHARED) == g);
	expect_lookup(g, MFN(F_SHARED), AM_P2M_RAM_RW);
	expect_map(g, MFN(F_SHARED), VMSA_ACC_R | VMSA_ACC_W);

	REFUSED(am_p2m_add_physmap(p, AM_SPACE_SHARED_INFO, 1, am_gfn(g + 1)), AM_EINVAL);
	REFUSED(am_p2m_add_physmap(p, AM_SPACE_SHARED_INFO, AM_GNTTAB_STATUS, am_gfn(g + 1)),
		AM_EINVAL);
	/* mapped once only: remove it first */
	REFUSED(am_p2m_add_physmap(p, AM_SPACE_SHARED_INFO, 0, am_gfn(g + 1)), AM_EBUSY);
	REFUSED(am_p2m_add_physmap(p, AM_SPACE_SHARED_INFO, 0, am_gfn(g)), AM_EBUSY);
	expect_nothing(g + 1);

	track(g, MFN(F_SHARED), 1);
	{
		unsigned long c0 = HP.pt.complete;

		assert_int_equal(am_p2m_remove_physmap(p, am_gfn(g), am_mfn(MFN(F_SHARED))), 0);
		/* a check walk and one clearing call, whose invalidations (the
		 * leaf, the tables it emptied) complete once; a park, a put
		 * walk and an unmap completed twice */
		assert_int_equal(HP.pt.complete - c0, 1);
	}
	check();
	assert_true(gfn_of(F_SHARED) == GFN_NONE);
	expect_nothing(g);
	assert_int_equal(am_p2m_add_physmap(p, AM_SPACE_SHARED_INFO, 0, am_gfn(g + 1)), 0);
	check();
	assert_true(gfn_of(F_SHARED) == g + 1);
	expect_map(g + 1, MFN(F_SHARED), VMSA_ACC_R | VMSA_ACC_W);
	expect_nothing(g);
}

static void test_physmap_gnttab(void **state)
{
	struct am_p2m *p = setup();
	const uint64_t g = 0x40000;
	uint64_t gg;

	(void)state;
	for (unsigned int i = 0; i < NR_GNT; i++) {
		assert_int_equal(t_p2m_gnttab_gfn(p, i, &gg), 0);
		assert_true(gg == GFN_NONE);
	}
	for (unsigned int i = 0; i < NR_GNT; i++)
		assert_int_equal(am_p2m_add_physmap(p, AM_SPACE_GRANT_TABLE, i, am_gfn(g + 2 * i)),
				 0);
	for (unsigned int i = 0; i < NR_STS; i++)
		assert_int_equal(am_p2m_add_physmap(p, AM_SPACE_GRANT_TABLE, AM_GNTTAB_STATUS | i,
						    am_gfn(g + 100 + i)),
				 0);
	check();
	for (unsigned int i = 0; i < NR_GNT; i++) {
		assert_int_equal(t_p2m_gnttab_gfn(p, i, &gg), 0);
		assert_true(gg == g + 2 * i);
		assert_true(gfn_of(F_GNT + i) == gg);
		expect_lookup(g + 2 * i, GNT[i], AM_P2M_RAM_RW);
		expect_map(g + 2 * i, GNT[i], VMSA_ACC_R | VMSA_ACC_W);
		expect_nothing(g + 2 * i + 1);
	}
	for (unsigned int i = 0; i < NR_STS; i++) {
		assert_int_equal(t_p2m_gnttab_gfn(p, AM_GNTTAB_STATUS | i, &gg), 0);
		assert_true(gg == g + 100 + i);
		assert_true(gfn_of(F_STS + i) == gg);
		expect_lookup(g + 100 + i, STS[i], AM_P2M_RAM_RW);
	}
	/* the gnttab_gfn read is the frame's own word: change it by hand */
	assert_int_equal(am_frame_set_gfn(&PG[F_GNT + 1], am_gfn(0x777)), 0);
	assert_int_equal(t_p2m_gnttab_gfn(p, 1, &gg), 0);
	assert_true(gg == 0x777);
	assert_int_equal(am_frame_set_gfn(&PG[F_GNT + 1], am_gfn(g + 2)), 0);

	/* indexes out of range */
	REFUSED(am_p2m_add_physmap(p, AM_SPACE_GRANT_TABLE, NR_GNT, am_gfn(g + 200)), AM_EINVAL);
	REFUSED(am_p2m_add_physmap(p, AM_SPACE_GRANT_TABLE, AM_GNTTAB_STATUS | NR_STS,
				   am_gfn(g + 200)),
		AM_EINVAL);
	REFUSED(am_p2m_add_physmap(p, AM_SPACE_GRANT_TABLE, 0x7fffffffu, am_gfn(g + 200)),
		AM_EINVAL);
	REFUSED(am_p2m_add_physmap(p, AM_SPACE_GRANT_TABLE, 0xffffffffu, am_gfn(g + 200)),
		AM_EINVAL);
	/* a large index whose low bits name a frame is no alias of it */
	REFUSED(am_p2m_add_physmap(p, AM_SPACE_GRANT_TABLE, 0x10000u | 1, am_gfn(g + 200)),
		AM_EINVAL);
	REFUSED(am_p2m_add_physmap(p, AM_SPACE_GRANT_TABLE, 0x100u | 1, am_gfn(g + 200)),
		AM_EINVAL);
	REFUSED(am_p2m_add_physmap(p, AM_SPACE_GRANT_TABLE, AM_GNTTAB_STATUS | 0x10000u,
				   am_gfn(g + 200)),
		AM_EINVAL);
	REFUSED(am_p2m_add_physmap(p, AM_SPACE_GRANT_TABLE, 0x40000000u, am_gfn(g + 200)),
		AM_EINVAL);
	assert_int_equal(t_p2m_gnttab_gfn(p, 0x10000u | 1, &gg), AM_EINVAL);
	assert_int_equal(t_p2m_gnttab_gfn(p, AM_GNTTAB_STATUS | 0x100u, &gg), AM_EINVAL);
	assert_int_equal(t_p2m_gnttab_gfn(p, NR_GNT, &gg), AM_EINVAL);
	assert_int_equal(t_p2m_gnttab_gfn(p, AM_GNTTAB_STATUS | NR_STS, &gg), AM_EINVAL);
	assert_int_equal(t_p2m_gnttab_gfn(p, 0xffffffffu, &gg), AM_EINVAL);
	assert_int_equal(t_p2m_gnttab_gfn(NULL, 0, &gg), AM_EINVAL);
	assert_int_equal(t_p2m_gnttab_gfn(p, 0, NULL), AM_EINVAL);
	check();
}

static void test_physmap_refusals(void **state)
{
	struct am_p2m *p = setup();
	const uint64_t gr = 0x40000, gs = 0x40010, gg = 0x40020, gf = 0x40030;

	(void)state;
	assert_int_equal(am_p2m_map(p, am_gfn(gr), am_mfn(MFN(F_RAM2)), 1, AM_P2M_RAM_RW), 0);
	assert_int_equal(am_p2m_add_physmap(p, AM_SPACE_SHARED_INFO, 0, am_gfn(gs)), 0);
	assert_int_equal(am_p2m_add_physmap(p, AM_SPACE_GRANT_TABLE, 0, am_gfn(gg)), 0);
	check();

	REFUSED(am_p2m_add_physmap(NULL, AM_SPACE_GRANT_TABLE, 1, am_gfn(gf)), AM_EINVAL);
	REFUSED(am_p2m_add_physmap(p, (enum am_p2m_space)2, 0, am_gfn(gf)), AM_ENOTSUP);
	REFUSED(am_p2m_add_physmap(p, (enum am_p2m_space)0x7fff, 1, am_gfn(gf)), AM_ENOTSUP);
	REFUSED(am_p2m_add_physmap(p, AM_SPACE_GRANT_TABLE, 1, am_gfn(1ull << 28)), AM_ERANGE);
	REFUSED(am_p2m_add_physmap(p, AM_SPACE_GRANT_TABLE, 1, am_gfn(1ull << 52)), AM_ERANGE);
	REFUSED(am_p2m_add_physmap(p, AM_SPACE_GRANT_TABLE, 1, AM_GFN_INVALID), AM_ERANGE);
	/* the frame is mapped already, at another GFN or at this one */
	REFUSED(am_p2m_add_physmap(p, AM_SPACE_GRANT_TABLE, 0, am_gfn(gf)), AM_EBUSY);
	REFUSED(am_p2m_add_physmap(p, AM_SPACE_GRANT_TABLE, 0, am_gfn(gg)), AM_EBUSY);
	/* something else is mapped at the GFN */
	REFUSED(am_p2m_add_physmap(p, AM_SPACE_GRANT_TABLE, 1, am_gfn(gr)), AM_EEXIST);
	REFUSED(am_p2m_add_physmap(p, AM_SPACE_GRANT_TABLE, 1, am_gfn(gs)), AM_EEXIST);
	REFUSED(am_p2m_add_physmap(p, AM_SPACE_GRANT_TABLE, AM_GNTTAB_STATUS | 2, am_gfn(gg)),
		AM_EEXIST);
	/* remove: nothing there, another frame */
	REFUSED(am_p2m_remove_physmap(p, am_gfn(gf), AM_MFN_INVALID), AM_ENOENT);
	REFUSED(am_p2m_remove_physmap(p, am_gfn(gg), am_mfn(GNT[1])), AM_EILSEQ);
	REFUSED(am_p2m_remove_physmap(p, am_gfn(gs), am_mfn(GNT[0])), AM_EILSEQ);
	REFUSED(am_p2m_remove_physmap(p, am_gfn(gr), am_mfn(MFN(F_SHARED))), AM_EILSEQ);
	assert_true(gfn_of(F_GNT + 1) == GFN_NONE);
	assert_true(gfn_of(F_STS + 2) == GFN_NONE);
	assert_true(gfn_of(F_GNT) == gg);
	assert_true(gfn_of(F_SHARED) == gs);
	expect_lookup(gr, MFN(F_RAM2), AM_P2M_RAM_RW);
	expect_nothing(gf);
}

/*
 * The seed's bug: a grant frame removed by XENMEM_remove_physmap and mapped
 * again must not act on its OLD GFN, where the guest may have put something
 * else by then.
 */
static void test_physmap_remap(void **state)
{
	struct am_p2m *p = setup();
	const uint64_t g1 = 0x40000, g2 = 0x50000, g3 = 0x60000;
	uint64_t gg;

	(void)state;
	tlbm_watch(&HP.pt.tlb, IPA(g1), K4, 0);
	tlbm_watch(&HP.pt.tlb, IPA(g2), K4, 0);
	tlbm_watch(&HP.pt.tlb, IPA(g3), K4, 0);
	assert_int_equal(am_p2m_add_physmap(p, AM_SPACE_GRANT_TABLE, 0, am_gfn(g1)), 0);
	check();
	track(g1, GNT[0], 1);
	assert_non_null(tlbm_lookup(&HP.pt.tlb, IPA(g1)));
	assert_int_equal(am_p2m_remove_physmap(p, am_gfn(g1), am_mfn(GNT[0])), 0);
	check(); /* no stale translation of g1 */
	assert_null(tlbm_lookup(&HP.pt.tlb, IPA(g1)));
	assert_int_equal(t_p2m_gnttab_gfn(p, 0, &gg), 0);
	assert_true(gg == GFN_NONE);
	expect_nothing(g1);

	/* the guest puts RAM at the old GFN */
	assert_int_equal(am_p2m_map(p, am_gfn(g1), am_mfn(MFN(F_RAM2 + 9)), 1, AM_P2M_RAM_RW), 0);
	check();
	/* the frame goes to a new GFN: the RAM at g1 stays */
	assert_int_equal(am_p2m_add_physmap(p, AM_SPACE_GRANT_TABLE, 0, am_gfn(g2)), 0);
	check();
	tlbm_fill(&HP.pt.tlb);
	track(g2, GNT[0], 1);
	assert_int_equal(t_p2m_gnttab_gfn(p, 0, &gg), 0);
	assert_true(gg == g2);
	expect_lookup(g2, GNT[0], AM_P2M_RAM_RW);
	expect_map(g2, GNT[0], VMSA_ACC_R | VMSA_ACC_W);
	expect_lookup(g1, MFN(F_RAM2 + 9), AM_P2M_RAM_RW);
	expect_map(g1, MFN(F_RAM2 + 9), VMSA_ACC_R | VMSA_ACC_W);

	/* mapping it again without removing it: refused, no hole made at g2 */
	REFUSED(am_p2m_add_physmap(p, AM_SPACE_GRANT_TABLE, 0, am_gfn(g3)), AM_EBUSY);
	expect_map(g2, GNT[0], VMSA_ACC_R);
	expect_nothing(g3);

	/* a status frame, then the shared info: the same story */
	assert_int_equal(
		am_p2m_add_physmap(p, AM_SPACE_GRANT_TABLE, AM_GNTTAB_STATUS | 3, am_gfn(g3)), 0);
	check();
	track(g3, STS[3], 1);
	assert_int_equal(am_p2m_remove_physmap(p, am_gfn(g3), AM_MFN_INVALID), 0);
	check();
	assert_null(tlbm_lookup(&HP.pt.tlb, IPA(g3)));
	assert_int_equal(
		am_p2m_add_physmap(p, AM_SPACE_GRANT_TABLE, AM_GNTTAB_STATUS | 3, am_gfn(g3 + 1)),
		0);
	check();
	expect_nothing(g3);
	assert_int_equal(t_p2m_gnttab_gfn(p, AM_GNTTAB_STATUS | 3, &gg), 0);
	assert_true(gg == g3 + 1);

	assert_int_equal(am_p2m_add_physmap(p, AM_SPACE_SHARED_INFO, 0, am_gfn(g3 + 2)), 0);
	check();
	track(g3 + 2, MFN(F_SHARED), 1);
	assert_int_equal(am_p2m_remove_physmap(p, am_gfn(g3 + 2), am_mfn(MFN(F_SHARED))), 0);
	assert_int_equal(am_p2m_add_physmap(p, AM_SPACE_SHARED_INFO, 0, am_gfn(g3 + 3)), 0);
	check();
	expect_nothing(g3 + 2);
	assert_true(gfn_of(F_SHARED) == g3 + 3);
}

/* The lock: taken for every decision, released on every path. */
static void test_lock_balance(void **state)
{
	struct am_p2m *p = setup();
	uint64_t m;
	enum am_p2m_type t;
	uint64_t gg;
	const struct {
		int rc;
		bool locked; /* must decide under the lock */
	} want[] = {
		{0, true},	     {AM_EBUSY, true},	 {AM_EEXIST, true},  {AM_ENOENT, true},
		{AM_EILSEQ, true},   {0, true},		 {0, true},	     {AM_EEXIST, true},
		{AM_EBUSY, true},    {0, true},		 {AM_ENOENT, true},  {0, true},
		{AM_ENOTSUP, false}, {AM_EINVAL, false}, {AM_ERANGE, false},
	};
	int rc[sizeof(want) / sizeof(want[0])];
	unsigned long locks[sizeof(want) / sizeof(want[0])];
	unsigned int n = 0;

	(void)state;
#define STEP(call)                            \
	do {                                  \
		unsigned long l0_ = HP.locks; \
		rc[n] = (call);               \
		check();                      \
		locks[n++] = HP.locks - l0_;  \
	} while (0)
	STEP(am_p2m_add_physmap(p, AM_SPACE_GRANT_TABLE, 0, am_gfn(0x100)));
	STEP(am_p2m_add_physmap(p, AM_SPACE_GRANT_TABLE, 0, am_gfn(0x101)));
	STEP(am_p2m_add_physmap(p, AM_SPACE_GRANT_TABLE, 1, am_gfn(0x100)));
	STEP(am_p2m_remove_physmap(p, am_gfn(0x102), AM_MFN_INVALID));
	STEP(am_p2m_remove_physmap(p, am_gfn(0x100), am_mfn(GNT[1])));
	STEP(am_p2m_map(p, am_gfn(0x200), am_mfn(MFN(F_XEXTRA)), 1, AM_P2M_RAM_RW));
	STEP(t_p2m_lookup(p, am_gfn(0x200), &m, &t));
	STEP(am_p2m_map(p, am_gfn(0x200), am_mfn(MFN(F_RAM2)), 1, AM_P2M_RAM_RW));
	STEP(am_p2m_map(p, am_gfn(0x300), am_mfn(MFN(F_XEXTRA)), 1, AM_P2M_RAM_RW));
	STEP(am_p2m_unmap(p, am_gfn(0x200), 1, am_mfn(MFN(F_XEXTRA))));
	STEP(am_p2m_unmap(p, am_gfn(0x200), 1, AM_MFN_INVALID));
	STEP(am_p2m_remove_physmap(p, am_gfn(0x100), am_mfn(GNT[0])));
	STEP(am_p2m_add_physmap(p, (enum am_p2m_space)9, 0, am_gfn(0x100)));
	STEP(am_p2m_add_physmap(p, AM_SPACE_SHARED_INFO, 3, am_gfn(0x100)));
	STEP(t_p2m_lookup(p, am_gfn(1ull << 40), &m, &t));
#undef STEP
	for (unsigned int i = 0; i < n; i++) {
		if (rc[i] != want[i].rc)
			fail_msg("step %u: %d, expected %d", i, rc[i], want[i].rc);
		if (want[i].locked && !locks[i])
			fail_msg("step %u: decided without the P2M lock", i);
	}
	/* the unlocked reads take no lock and see the frame's word */
	{
		unsigned long l0 = HP.locks;

		assert_int_equal(t_p2m_gnttab_gfn(p, 0, &gg), 0);
		assert_true(gg == GFN_NONE);
		assert_int_equal(t_frame_get_gfn(&PG[F_GNT], &gg), 0);
		assert_int_equal(HP.locks - l0, 0);
	}
	check();
}

/* Empty the table's walk cache (am_pt.wc_key; as any table leaving the
 * tree does): the next call walks from the root. */
static void walk_cache_cold(struct am_p2m *p)
{
	for (unsigned int i = 0; i < 3; i++)
		if (i != p->pt.wc_root) /* the root stays */
			p->pt.wc_key[i] = ~0ull;
}

/*
 * Walks per removal. The fixture's IPA size (40 bits) starts at level 0,
 * so a walk to a leaf page goes into three tables (table_va, counted as
 * HP.table_reads). A removal is a check walk and one reporting unmap,
 * whose single COMPLETE comes before any put: 2 x 3 table reads with the
 * walk cache empty (walk_cache_cold()), 3 when a call just went there. The old
 * sequence for more than four leaves (check, park, put walk, unmap) read
 * 4 x 3 and completed twice; for a broken block it read 2 + 2 + 3 + 3.
 */
static void test_removal_two_walks(void **state)
{
	struct am_p2m *p = setup();
	const uint64_t g = 0x30000, gb = 0x80000;
	unsigned long r0, c0;

	(void)state;
	/* eight foreign pages, one removal of all of them */
	map_foreign(g, F_FOREIGN, 8);
	r0 = HP.table_reads;
	c0 = HP.pt.complete;
	assert_int_equal(am_p2m_unmap(p, am_gfn(g), 8, am_mfn(MFN(F_FOREIGN))), 0);
	check();
	assert_int_equal(HP.table_reads - r0, 2 * 3);
	assert_int_equal(HP.pt.complete - c0, 1);
	assert_int_equal(HP.foreign_puts, 8);
	for (unsigned int i = 0; i < 8; i++) {
		assert_int_equal(refs(F_FOREIGN + i), 1);
		expect_nothing(g + i);
	}

	/* a physmap removal: the check walk and the single-leaf unmap */
	assert_int_equal(am_p2m_add_physmap(p, AM_SPACE_GRANT_TABLE, 1, am_gfn(g + 100)), 0);
	assert_int_equal(am_p2m_add_physmap(p, AM_SPACE_GRANT_TABLE, 2, am_gfn(g + 101)), 0);
	check();
	track(g + 100, GNT[1], 1);
	walk_cache_cold(p);
	r0 = HP.table_reads;
	c0 = HP.pt.complete;
	assert_int_equal(am_p2m_remove_physmap(p, am_gfn(g + 100), am_mfn(GNT[1])), 0);
	check();
	assert_int_equal(HP.table_reads - r0, 2 * 3);
	assert_int_equal(HP.pt.complete - c0, 1);
	assert_true(gfn_of(F_GNT + 1) == GFN_NONE);
	/* again, after a lookup there, which left the walk cache with its
	 * tables: the check walk reads them, the single-leaf unmap none */
	assert_int_equal(am_p2m_add_physmap(p, AM_SPACE_GRANT_TABLE, 1, am_gfn(g + 100)), 0);
	check();
	track(g + 100, GNT[1], 1);
	{
		am_mfn_t m;
		enum am_p2m_type t;

		assert_int_equal(am_p2m_lookup(p, am_gfn(g + 100), &m, &t), 0);
	}
	r0 = HP.table_reads;
	assert_int_equal(am_p2m_remove_physmap(p, am_gfn(g + 100), am_mfn(GNT[1])), 0);
	check();
	assert_int_equal(HP.table_reads - r0, 3);
	assert_true(gfn_of(F_GNT + 1) == GFN_NONE);
	/* the last page of its level-3 table: the table is freed on the way
	 * back up the path the unmap went down, still two walks */
	assert_int_equal(am_p2m_add_physmap(p, AM_SPACE_GRANT_TABLE, 1, am_gfn(g + 0x1000)), 0);
	check();
	track(g + 0x1000, GNT[1], 1);
	walk_cache_cold(p);
	r0 = HP.table_reads;
	c0 = HP.pt.complete;
	{
		size_t tables = am_pt_tables(&p->pt);

		assert_int_equal(am_p2m_remove_physmap(p, am_gfn(g + 0x1000), am_mfn(GNT[1])), 0);
		assert_int_equal(am_pt_tables(&p->pt), tables - 1);
	}
	check();
	assert_int_equal(HP.table_reads - r0, 2 * 3);
	assert_int_equal(HP.pt.complete - c0, 1);
	assert_true(gfn_of(F_GNT + 1) == GFN_NONE);

	/* three pages out of a 2 MiB block: the check walk meets the block at
	 * level 2 (two tables), the unmap breaks it (two tables, the new one
	 * built off-line) */
	assert_int_equal(am_p2m_map(p, am_gfn(gb), am_mfn(MFN(F_RAM)), 512, AM_P2M_RAM_RW), 0);
	check();
	tlbm_watch(&HP.pt.tlb, IPA(gb), M2, 16 * K4);
	tlbm_fill(&HP.pt.tlb);
	r0 = HP.table_reads;
	assert_int_equal(am_p2m_unmap(p, am_gfn(gb + 7), 3, am_mfn(MFN(F_RAM + 7))), 0);
	check();
	assert_int_equal(HP.table_reads - r0, 2 + 2);
	expect_nothing(gb + 8);
	expect_map(gb + 6, MFN(F_RAM + 6), VMSA_ACC_R);
	expect_map(gb + 10, MFN(F_RAM + 10), VMSA_ACC_R);

	/* 300 foreign pages whose frames do not follow one another: the puts
	 * come in batches, each after its own COMPLETE (the oracle's hooks
	 * check each one), still in two walks */
	for (unsigned int i = 0; i < 300; i++) {
		unsigned int f = F_FRUN + (i % 2 ? 256 + i / 2 : i / 2);

		assert_int_equal(am_frame_get(&PG[f]), 0);
		assert_int_equal(
			am_p2m_map(p, am_gfn(gb + 1024 + i), am_mfn(MFN(f)), 1, AM_P2M_FOREIGN), 0);
		assert_true(oracle_p2m_track(&O, gb + 1024 + i, MFN(f), 1, true));
	}
	check();
	tlbm_watch(&HP.pt.tlb, IPA(gb + 1024), 300 * K4, K4);
	tlbm_fill(&HP.pt.tlb);
	r0 = HP.table_reads;
	c0 = HP.pt.complete;
	assert_int_equal(am_p2m_unmap(p, am_gfn(gb + 1024), 300, AM_MFN_INVALID), 0);
	check();
	if (O.hook_fails)
		fail_msg("put path: %s", O.hook_msg);
	assert_int_equal(HP.foreign_puts, 8 + 300);
	assert_true(HP.pt.complete - c0 > 1);
	/* one level-3 table: the check walk and the unmap (once mode) */
	assert_int_equal(HP.table_reads - r0, 2 * 3);
	for (unsigned int i = 0; i < 512; i++)
		assert_int_equal(refs(F_FRUN + i), 1);
}

/*
 * am_p2m_destroy() is one walk: each table read once (the root needs no
 * table_va), every frame put exactly as a removal would.
 */
static void test_destroy_one_walk(void **state)
{
	struct am_p2m *p = setup();
	const uint64_t g = 0x80000;
	unsigned long r0;
	size_t tables;

	(void)state;
	assert_int_equal(am_p2m_map(p, am_gfn(g), am_mfn(MFN(F_RAM)), 512, AM_P2M_RAM_RW), 0);
	assert_int_equal(am_p2m_map(p, am_gfn(g + 512), am_mfn(MFN(F_XRUN)), 16, AM_P2M_RAM_RW), 0);
	assert_int_equal(am_p2m_add_physmap(p, AM_SPACE_SHARED_INFO, 0, am_gfn(0x7000000)), 0);
	map_foreign(g + 1024, F_FOREIGN, 5);
	map_foreign(0x9000000, F_FRUN, 512);
	check();
	tables = am_pt_tables(&p->pt);
	assert_true(tables >= 6);
	r0 = HP.table_reads;
	am_p2m_destroy(p);
	P2M_LIVE = false;
	if (O.hook_fails)
		fail_msg("destroy: %s", O.hook_msg);
	assert_int_equal(HP.table_reads - r0, tables - 1);
	assert_int_equal(HP.pt.in_use, 0);
	assert_int_equal(HP.pt.tlb.freed_in_use, 0);
	assert_int_equal(HP.foreign_puts, 5 + 512);
	for (unsigned int i = 0; i < FT_NR; i++) {
		if (is_xenheap(i) && gfn_of(i) != GFN_NONE)
			fail_msg("frame %u keeps GFN %#llx", i, (unsigned long long)gfn_of(i));
		if (is_foreign(i))
			assert_int_equal(refs(i), 1);
	}
}

/* destroy puts everything; a new P2M can map the same frames at once. */
static void test_destroy(void **state)
{
	struct am_p2m *p = setup();
	const uint64_t g = 0x80000;

	(void)state;
	tlbm_watch(&HP.pt.tlb, IPA(g), 4 * M2, 16 * K4);
	assert_int_equal(am_p2m_map(p, am_gfn(g), am_mfn(MFN(F_RAM)), 512, AM_P2M_RAM_RW), 0);
	assert_int_equal(am_p2m_map(p, am_gfn(g + 512), am_mfn(MFN(F_XRUN)), 16, AM_P2M_RAM_RW), 0);
	assert_int_equal(am_p2m_map(p, am_gfn(g + 600), am_mfn(0x9000), 3, AM_P2M_MMIO_DEV), 0);
	assert_int_equal(am_p2m_add_physmap(p, AM_SPACE_SHARED_INFO, 0, am_gfn(g + 700)), 0);
	for (unsigned int i = 0; i < NR_GNT; i++)
		assert_int_equal(
			am_p2m_add_physmap(p, AM_SPACE_GRANT_TABLE, i, am_gfn(g + 710 + i)), 0);
	check();
	track(g + 512, MFN(F_XRUN), 16);
	track(g + 700, MFN(F_SHARED), 1);
	track(g + 710, GNT[0], NR_GNT);
	map_foreign(g + 1024, F_FRUN, 512);
	map_foreign(g + 800, F_FOREIGN, 3);
	assert_true(HP.pt.in_use > 1);

	am_p2m_destroy(p);
	P2M_LIVE = false;
	if (O.hook_fails)
		fail_msg("destroy: %s", O.hook_msg);
	assert_int_equal(HP.lock_depth, 0);
	assert_int_equal(HP.locks, HP.unlocks);
	assert_int_equal(HP.pt.in_use, 0);
	assert_int_equal(HP.pt.bad_frees, 0);
	assert_int_equal(HP.pt.tlb.freed_in_use, 0);
	assert_int_equal(HP.foreign_puts, 515);
	for (unsigned int i = 0; i < FT_NR; i++) {
		if (is_xenheap(i) && gfn_of(i) != GFN_NONE)
			fail_msg("frame %u keeps GFN %#llx", i, (unsigned long long)gfn_of(i));
		if (is_foreign(i))
			assert_int_equal(refs(i), 1);
	}
	/* a new guest maps the same frames at the same places */
	{
		struct am_p2m_config cfg = dflt_cfg();

		oracle_p2m_detach(&O);
		assert_int_equal(am_p2m_init(&P2M, &cfg, &HP.ops, &HP), 0);
		P2M_LIVE = true;
		O.vc.root_pa = am_pa_val(P2M.pt.root_pa);
		assert_int_equal(am_p2m_add_physmap(&P2M, AM_SPACE_SHARED_INFO, 0, am_gfn(g + 700)),
				 0);
		assert_int_equal(
			am_p2m_map(&P2M, am_gfn(g + 512), am_mfn(MFN(F_XRUN)), 16, AM_P2M_RAM_RW),
			0);
		expect_map(g + 700, MFN(F_SHARED), VMSA_ACC_R);
		expect_map(g + 527, MFN(F_XRUN + 15), VMSA_ACC_R);
		assert_true(gfn_of(F_XRUN + 15) == g + 527);
	}
}

/* ------------------------------------------------------ random model -- */

#define RN 1024u
#define RBASE 0x100000ull /* 4 GiB, 2 MiB aligned */
#define RK 13u		  /* physmap frames: shared info, 8 shared, 4 status */

static uint64_t SH[RN]; /* what each page of the window should map */

static void rk_space(unsigned int k, enum am_p2m_space *sp, uint32_t *idx, unsigned int *frame)
{
	if (k == 0) {
		*sp = AM_SPACE_SHARED_INFO;
		*idx = 0;
		*frame = F_SHARED;
	} else if (k <= NR_GNT) {
		*sp = AM_SPACE_GRANT_TABLE;
		*idx = k - 1;
		*frame = F_GNT + k - 1;
	} else {
		*sp = AM_SPACE_GRANT_TABLE;
		*idx = AM_GNTTAB_STATUS | (k - 1 - NR_GNT);
		*frame = F_STS + k - 1 - NR_GNT;
	}
}

static bool r_occupied(unsigned int first, unsigned int n)
{
	for (unsigned int i = 0; i < n; i++)
		if (SH[first + i] != MFN_NONE)
			return true;
	return false;
}

static void r_verify(void)
{
	struct oracle_p2m *os[1] = {&O};

	for (unsigned int i = 0; i < RN; i++) {
		if (SH[i] == MFN_NONE) {
			expect_nothing(RBASE + i);
			continue;
		}
		expect_lookup(RBASE + i, SH[i], AM_P2M_RAM_RW);
		expect_map(RBASE + i, SH[i], VMSA_ACC_R | VMSA_ACC_W);
	}
	ok(oracle_p2m_frames_agree(os, 1, WHY, sizeof(WHY)));
}

/* Random map / unmap / physmap calls against a shadow of the window. */
static void test_random(void **state)
{
	struct am_p2m *p = setup();

	(void)state;
	for (unsigned int i = 0; i < RN; i++)
		SH[i] = MFN_NONE;
	tlbm_watch(&HP.pt.tlb, IPA(RBASE), RN * K4, 8 * K4);
	srand(1234);
	for (int it = 0; it < 400; it++) {
		unsigned int first = (unsigned int)rand() % RN, n, op = (unsigned int)rand() % 6;
		int rc, want;

		if (rand() % 3 == 0)
			first &= ~511u;
		n = 1 + (unsigned int)rand() % (rand() % 4 ? 24 : 600);
		if (first + n > RN)
			n = RN - first;
		tlbm_fill(&HP.pt.tlb);
		if (op == 0) { /* RAM */
			uint64_t mfn = MFN(F_RAM2 + first % 512);

			want = r_occupied(first, n) ? AM_EEXIST : 0;
			rc = am_p2m_map(p, am_gfn(RBASE + first), am_mfn(mfn), n, AM_P2M_RAM_RW);
			assert_int_equal(rc, want);
			for (unsigned int i = 0; !rc && i < n; i++)
				SH[first + i] = mfn + i;
		} else if (op == 1) { /* xenheap pages */
			unsigned int x = (unsigned int)rand() % 512;
			bool busy = false;

			n = 1 + n % 8;
			if (x + n > 512)
				x = 512 - n;
			if (first + n > RN)
				first = RN - n;
			for (unsigned int i = 0; i < n; i++)
				busy |= gfn_of(F_XRUN + x + i) != GFN_NONE;
			if (busy && r_occupied(first, n))
				continue;
			want = busy ? AM_EBUSY : r_occupied(first, n) ? AM_EEXIST : 0;
			rc = am_p2m_map(p, am_gfn(RBASE + first), am_mfn(MFN(F_XRUN + x)), n,
					AM_P2M_RAM_RW);
			assert_int_equal(rc, want);
			for (unsigned int i = 0; !rc && i < n; i++)
				SH[first + i] = MFN(F_XRUN + x + i);
		} else if (op == 2) { /* unmap */
			bool hole = false, follow = true;
			uint64_t expect = MFN_NONE;

			for (unsigned int i = 0; i < n; i++) {
				hole |= SH[first + i] == MFN_NONE;
				follow &= SH[first + i] == SH[first] + i;
			}
			if (!hole && rand() % 2)
				expect = SH[first] + (unsigned int)(rand() % 3 == 0);
			want = hole						       ? AM_ENOENT
			       : expect == MFN_NONE || (expect == SH[first] && follow) ? 0
										       : AM_EILSEQ;
			rc = am_p2m_unmap(p, am_gfn(RBASE + first), n, am_mfn(expect));
			assert_int_equal(rc, want);
			for (unsigned int i = 0; !rc && i < n; i++)
				SH[first + i] = MFN_NONE;
		} else if (op == 3 || op == 4) { /* add_physmap */
			unsigned int k = (unsigned int)rand() % RK, frame;
			enum am_p2m_space sp;
			uint32_t idx;
			bool busy, occ = SH[first] != MFN_NONE;

			rk_space(k, &sp, &idx, &frame);
			busy = gfn_of(frame) != GFN_NONE;
			if (busy && occ)
				continue;
			want = busy ? AM_EBUSY : occ ? AM_EEXIST : 0;
			rc = am_p2m_add_physmap(p, sp, idx, am_gfn(RBASE + first));
			assert_int_equal(rc, want);
			if (!rc)
				SH[first] = MFN(frame);
		} else { /* remove_physmap */
			uint64_t expect = rand() % 2 ? MFN_NONE : SH[first];

			if (SH[first] != MFN_NONE && rand() % 4 == 0)
				expect = SH[first] + 1;
			want = SH[first] == MFN_NONE			   ? AM_ENOENT
			       : expect == MFN_NONE || expect == SH[first] ? 0
									   : AM_EILSEQ;
			rc = am_p2m_remove_physmap(p, am_gfn(RBASE + first), am_mfn(expect));
			assert_int_equal(rc, want);
			if (!rc)
				SH[first] = MFN_NONE;
		}
		check();
		r_verify();
	}
}

/*
 * Issue 10, finding 4: a map looks for xenheap GFNs in the frames of the
 * frame table only. A 4 TiB map whose frames lie outside it costs what its
 * 4096 block descriptors cost, not a look at each of its 2^30 frames
 * (seconds of CPU before; CPU time, so a loaded machine does not matter).
 */
static void test_map_scans_only_the_frame_table(void **state)
{
	struct am_p2m_config cfg = dflt_cfg();
	struct am_p2m *p;
	clock_t t0;
	double cpu;

	(void)state;
	cfg.ipa_bits = 48;
	p = setup_cfg(&cfg);
	HP.pt.tlb_on = false;
	t0 = clock();
	assert_int_equal(
		am_p2m_map(p, am_gfn(1ull << 30), am_mfn(1ull << 30), 1ull << 30, AM_P2M_MMIO_DEV),
		0);
	cpu = (double)(clock() - t0) / CLOCKS_PER_SEC;
	if (cpu > 0.5)
		fail_msg("a 4 TiB map outside the frame table took %.2f s of CPU", cpu);
	/* and one that covers the frame table still finds its xenheap frames */
	assert_int_equal(am_p2m_map(p, am_gfn(0x300), am_mfn(MFN(F_SHARED)), 1, AM_P2M_RAM_RW), 0);
	assert_int_equal(gfn_of(F_SHARED), 0x300);
	assert_int_equal(am_p2m_map(p, am_gfn(1ull << 35), am_mfn(FT_FIRST & ~0x3ffffull),
				    1ull << 18, AM_P2M_RAM_RW),
			 AM_EBUSY);
	check();
}

/*
 * Issue 10, finding 5: init refuses a domain frame beyond the PA size (it
 * could never be mapped: add_physmap would fail with an error p2m.h does
 * not document for it).
 */
static void test_init_domain_frame_beyond_pa(void **state)
{
	struct am_p2m_config cfg = dflt_cfg();
	struct am_page_info hi[4];
	struct am_frame_table ft;
	struct am_p2m p;

	(void)state;
	host_reset();
	for (unsigned int i = 0; i < 4; i++)
		am_frame_init(&hi[i], true);
	/* frames at 4 GiB: beyond a 32-bit PA size, within 36 bits */
	assert_int_equal(am_frame_table_init(&ft, hi, am_mfn(0x100000), 4), 0);
	cfg.frames = &ft;
	cfg.dom = (struct am_p2m_domain_frames){.shared_info = am_mfn(0x100000)};
	cfg.ipa_bits = 32;
	cfg.pa_bits = 32;
	HP.pt.nlog = 0;
	assert_int_equal(am_p2m_init(&p, &cfg, &HP.ops, &HP), AM_EINVAL);
	assert_int_equal(HP.pt.nlog, 1);
	assert_int_equal(HP.pt.in_use, 0);
	cfg.pa_bits = 36;
	assert_int_equal(am_p2m_init(&p, &cfg, &HP.ops, &HP), 0);
	assert_int_equal(am_p2m_add_physmap(&p, AM_SPACE_SHARED_INFO, 0, am_gfn(0x10)), 0);
	am_p2m_destroy(&p);
	assert_int_equal(HP.pt.in_use, 0);
}

/* ========================================================= concurrency === */

#define ST_W 4
#define ST_R 2
#define ST_OPS 20000
#define ST_NGNT 24u
#define ST_NSTS 8u
#define ST_NF (1u + ST_NGNT + ST_NSTS)
#define ST_FIRST 0x300000ull
#define ST_TOP (AM_PGT_WRITABLE | (1ul << AM_PGT_COUNT_SHIFT))

static struct am_host_p2m SHP;
static struct am_p2m SP;
static struct am_page_info SPG[ST_NF];
static struct am_frame_table SFT;
static am_mfn_t SGNT[ST_NGNT], SSTS[ST_NSTS];
static unsigned long ST_CI[ST_NF];
static unsigned long ST_SEQ[ST_NF], ST_ADDS[ST_NF], ST_REMOVES[ST_NF];
static int ST_STOP;
static unsigned long ST_READS; /* failures: th_fail() of tests/unit/threads.h */

static uint64_t xorshift(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/*
 * The GFN of attempt @seq to map frame @k: the frame in bits [5:0], the
 * attempt in [29:6], a check of both in [35:30]. A reader can tell a torn
 * or mixed-up value from one a writer used.
 */
static uint64_t st_gfn(unsigned int k, uint64_t seq)
{
	return (((k ^ seq) & 63) << 30) | ((seq & 0xffffff) << 6) | k;
}

static bool st_valid(unsigned int k, uint64_t g)
{
	uint64_t seq = (g >> 6) & 0xffffff;

	if (g == GFN_NONE)
		return true;
	return (g & 63) == k && !(g >> 36) && ((g >> 30) & 63) == ((k ^ seq) & 63) && seq >= 1 &&
	       seq <= __atomic_load_n(&ST_SEQ[k], __ATOMIC_SEQ_CST);
}

static void st_space(unsigned int k, enum am_p2m_space *sp, uint32_t *idx)
{
	*sp = k ? AM_SPACE_GRANT_TABLE : AM_SPACE_SHARED_INFO;
	*idx = !k ? 0 : k <= ST_NGNT ? k - 1 : AM_GNTTAB_STATUS | (k - 1 - ST_NGNT);
}

/* Without the lock: the frame's own word. */
static uint64_t st_read(unsigned int k)
{
	enum am_p2m_space sp;
	uint64_t g = 0x5a5a;
	uint32_t idx;
	int rc;

	st_space(k, &sp, &idx);
	rc = k ? t_p2m_gnttab_gfn(&SP, idx, &g) : t_frame_get_gfn(&SPG[0], &g);
	if (rc)
		th_fail("frame %u: read %d", k, rc);
	return g;
}

static void *st_writer(void *arg)
{
	uint64_t s = 0x9e3779b97f4a7c15ull * ((uintptr_t)arg + 1);

	for (int i = 0; i < ST_OPS; i++) {
		unsigned int k = (unsigned int)(xorshift(&s) % ST_NF);
		unsigned int r = (unsigned int)(xorshift(&s) % 8);
		uint64_t mfn = ST_FIRST + k, m = 0;
		enum am_p2m_space sp;
		enum am_p2m_type t;
		uint32_t idx;
		uint64_t g;
		int rc;

		st_space(k, &sp, &idx);
		if (r < 4) {
			uint64_t seq = __atomic_add_fetch(&ST_SEQ[k], 1, __ATOMIC_SEQ_CST);

			rc = am_p2m_add_physmap(&SP, sp, idx, am_gfn(st_gfn(k, seq)));
			if (!rc)
				__atomic_fetch_add(&ST_ADDS[k], 1, __ATOMIC_SEQ_CST);
			else if (rc != AM_EBUSY)
				th_fail("add frame %u: %d", k, rc);
		} else if (r < 7) {
			g = st_read(k);
			if (!st_valid(k, g))
				th_fail("frame %u: GFN %#llx", k, (unsigned long long)g);
			if (g == GFN_NONE)
				g = st_gfn(k,
					   1 + xorshift(&s) % (__atomic_load_n(&ST_SEQ[k],
									       __ATOMIC_SEQ_CST) +
							       1));
			rc = am_p2m_remove_physmap(&SP, am_gfn(g), am_mfn(r == 6 ? MFN_NONE : mfn));
			if (!rc)
				__atomic_fetch_add(&ST_REMOVES[k], 1, __ATOMIC_SEQ_CST);
			else if (rc != AM_ENOENT)
				th_fail("remove frame %u at %#llx: %d", k, (unsigned long long)g,
					rc);
		} else {
			g = st_read(k);
			if (g == GFN_NONE)
				continue;
			rc = t_p2m_lookup(&SP, am_gfn(g), &m, &t);
			if ((!rc && (m != mfn || t != AM_P2M_RAM_RW)) || (rc && rc != AM_ENOENT))
				th_fail("lookup %#llx of frame %u: %d mfn %#llx",
					(unsigned long long)g, k, rc, (unsigned long long)m);
		}
	}
	return NULL;
}

static void *st_reader(void *arg)
{
	(void)arg;
	while (!__atomic_load_n(&ST_STOP, __ATOMIC_SEQ_CST)) {
		for (unsigned int k = 0; k < ST_NF; k++) {
			uint64_t g = st_read(k);
			unsigned long ti = __atomic_load_n(&SPG[k].type_info, __ATOMIC_RELAXED);

			if (!st_valid(k, g))
				th_fail("reader: frame %u: GFN %#llx used by no writer", k,
					(unsigned long long)g);
			if ((ti & ~AM_PGT_GFN_MASK) != ST_TOP)
				th_fail("reader: frame %u: type_info %#lx", k, ti);
			if (__atomic_load_n(&SPG[k].count_info, __ATOMIC_RELAXED) != ST_CI[k])
				th_fail("reader: frame %u: count_info changed", k);
		}
		__atomic_fetch_add(&ST_READS, 1, __ATOMIC_RELAXED);
		sched_yield();
	}
	return NULL;
}

struct st_walk {
	unsigned long leaves;
	char msg[128];
};

static int st_leaf(void *arg, const struct am_pt_leaf *l)
{
	struct st_walk *w = arg;
	uint64_t mfn = am_pa_val(l->pa) >> 12;
	uint64_t g = 0;

	w->leaves++;
	if (l->size != K4 || mfn < ST_FIRST || mfn >= ST_FIRST + ST_NF) {
		snprintf(w->msg, sizeof(w->msg), "leaf at %#llx: pa %#llx size %#llx",
			 (unsigned long long)am_va_val(l->va), (unsigned long long)am_pa_val(l->pa),
			 (unsigned long long)l->size);
		return 1;
	}
	if (t_frame_get_gfn(&SPG[mfn - ST_FIRST], &g) || g != am_va_val(l->va) >> 12) {
		snprintf(w->msg, sizeof(w->msg), "frame %llu mapped at %#llx records %#llx",
			 (unsigned long long)(mfn - ST_FIRST),
			 (unsigned long long)(am_va_val(l->va) >> 12), (unsigned long long)g);
		return 1;
	}
	return 0;
}

/*
 * Writers add and remove the physmap frames at random GFNs under a real
 * mutex; readers read the GFNs without it. No value is torn or lost, and
 * at the end the frames and the table agree both ways.
 */
static void test_threads_physmap(void **state)
{
	struct am_p2m_config cfg = {
		.ipa_bits = 48,
		.vmid = 3,
		.frames = &SFT,
		.dom = {.shared_info = am_mfn(ST_FIRST),
			.gnttab_shared = SGNT,
			.nr_gnttab_shared = ST_NGNT,
			.gnttab_status = SSTS,
			.nr_gnttab_status = ST_NSTS},
	};
	pthread_t w[ST_W], r[ST_R];
	struct st_walk walk = {0};
	unsigned long base, mapped = 0;

	(void)state;
	for (unsigned int k = 0; k < ST_NF; k++) {
		am_frame_init(&SPG[k], true);
		assert_int_equal(am_frame_table_init(&SFT, SPG, am_mfn(ST_FIRST), ST_NF), 0);
		SPG[k].type_info = ST_TOP | AM_PGT_GFN_MASK;
		ST_CI[k] = SPG[k].count_info;
		ST_SEQ[k] = ST_ADDS[k] = ST_REMOVES[k] = 0;
	}
	for (unsigned int i = 0; i < ST_NGNT; i++)
		SGNT[i] = am_mfn(ST_FIRST + 1 + i);
	for (unsigned int i = 0; i < ST_NSTS; i++)
		SSTS[i] = am_mfn(ST_FIRST + 1 + ST_NGNT + i);
	ST_STOP = 0;
	TH_ERRS = ST_READS = 0;
	TH_MSG_SET = 0;
	assert_int_equal(am_host_p2m_init(&SHP, 4096, false, true), 0);
	assert_int_equal(am_p2m_init(&SP, &cfg, &SHP.ops, &SHP), 0);
	base = SHP.unlocked_table_ops;

	for (uintptr_t i = 0; i < ST_R; i++)
		assert_int_equal(pthread_create(&r[i], NULL, st_reader, (void *)i), 0);
	for (uintptr_t i = 0; i < ST_W; i++)
		assert_int_equal(pthread_create(&w[i], NULL, st_writer, (void *)i), 0);
	for (unsigned int i = 0; i < ST_W; i++)
		pthread_join(w[i], NULL);
	__atomic_store_n(&ST_STOP, 1, __ATOMIC_SEQ_CST);
	for (unsigned int i = 0; i < ST_R; i++)
		pthread_join(r[i], NULL);

	if (TH_ERRS)
		fail_msg("%lu problems; the first: %s", TH_ERRS, TH_MSG);
	assert_true(ST_READS > 0);
	{
		unsigned long adds = 0, removes = 0;

		for (unsigned int k = 0; k < ST_NF; k++) {
			adds += ST_ADDS[k];
			removes += ST_REMOVES[k];
		}
		/* the writers really did map and unmap, many times */
		assert_true(adds > ST_W * ST_OPS / 16);
		assert_true(removes > ST_W * ST_OPS / 16);
	}
	assert_int_equal(SHP.lock_depth, 0);
	assert_int_equal(SHP.locks, SHP.unlocks);
	assert_int_equal(SHP.max_lock_depth, 1);
	assert_int_equal(SHP.bad_unlocks, 0);
	assert_int_equal(SHP.unlocked_table_ops, base);
	assert_int_equal(SHP.pt.bad_frees, 0);

	/* each frame's GFN is what the P2M maps, and the P2M maps nothing else */
	for (unsigned int k = 0; k < ST_NF; k++) {
		uint64_t g = st_read(k);
		unsigned long net = ST_ADDS[k] - ST_REMOVES[k];
		uint64_t m;
		enum am_p2m_type t;

		if (net != (g != GFN_NONE))
			fail_msg("frame %u: %lu adds, %lu removes, GFN %#llx", k, ST_ADDS[k],
				 ST_REMOVES[k], (unsigned long long)g);
		assert_true(st_valid(k, g));
		assert_true((SPG[k].type_info & ~AM_PGT_GFN_MASK) == ST_TOP);
		if (g == GFN_NONE)
			continue;
		mapped++;
		assert_int_equal(t_p2m_lookup(&SP, am_gfn(g), &m, &t), 0);
		assert_true(m == ST_FIRST + k);
		assert_int_equal(t, AM_P2M_RAM_RW);
	}
	if (am_pt_walk(&SP.pt, am_va(0), 1ull << 48, st_leaf, &walk))
		fail_msg("%s", walk.msg);
	assert_int_equal(walk.leaves, mapped);
	assert_int_equal(SHP.pt.in_use, am_pt_tables(&SP.pt));

	am_p2m_destroy(&SP);
	for (unsigned int k = 0; k < ST_NF; k++) {
		uint64_t g = 0;

		assert_int_equal(t_frame_get_gfn(&SPG[k], &g), 0);
		assert_true(g == GFN_NONE);
		assert_true((SPG[k].type_info & ~AM_PGT_GFN_MASK) == ST_TOP);
	}
	assert_int_equal(SHP.pt.in_use, 0);
	assert_int_equal(SHP.locks, SHP.unlocks);
	am_host_p2m_fini(&SHP);
}

/*
 * am_frame_set_gfn() from several threads on one frame while others flip
 * the type and count bits with atomic ops, for a fixed time: every flip
 * must land (each bit ends at the parity of its flips), every value a
 * reader sees is one a setter wrote, and the last one stays.
 */
#define SG_SET 2u
#define SG_FLIP 3u
#define SG_MS 300
#define SG_INIT 12345ull /* the GFN before the setters start */

static struct am_page_info SGP;
static pthread_barrier_t SG_GO;
static uint64_t SG_LAST[SG_SET];
static unsigned long SG_FLIPS[SG_FLIP];
static const unsigned long SG_BITS[SG_FLIP] = {AM_PGT_WRITABLE, 1ul << AM_PGT_COUNT_SHIFT,
					       2ul << AM_PGT_COUNT_SHIFT};

/* Setter @t's @i-th value: bit 60, then i, t and a check of both. */
static uint64_t sg_val(unsigned int t, uint64_t i)
{
	if (i % 16 == 7)
		return GFN_NONE;
	return ((i & 1) << 60) | ((i & 0xffffffffffull) << 8) | ((uint64_t)t << 4) | ((i ^ t) & 15);
}

static bool sg_valid(uint64_t g)
{
	uint64_t i = (g & ~(1ull << 60)) >> 8, t = (g >> 4) & 15;

	if (g == GFN_NONE || g == SG_INIT)
		return true;
	return t < SG_SET && !(g >> 61) && ((g >> 60) & 1) == (i & 1) && (g & 15) == ((i ^ t) & 15);
}

static void *sg_setter(void *arg)
{
	unsigned int t = (unsigned int)(uintptr_t)arg;
	uint64_t v = GFN_NONE;

	pthread_barrier_wait(&SG_GO);
	for (uint64_t i = 0; !__atomic_load_n(&ST_STOP, __ATOMIC_RELAXED); i++) {
		int rc;

		v = sg_val(t, i);
		rc = am_frame_set_gfn(&SGP, am_gfn(v));
		if (rc)
			th_fail("setter %u: %d", t, rc);
	}
	SG_LAST[t] = v;
	return NULL;
}

static void *sg_flipper(void *arg)
{
	unsigned int f = (unsigned int)(uintptr_t)arg;
	unsigned long n = 0;

	pthread_barrier_wait(&SG_GO);
	while (!__atomic_load_n(&ST_STOP, __ATOMIC_RELAXED)) {
		__atomic_fetch_xor(&SGP.type_info, SG_BITS[f], __ATOMIC_SEQ_CST);
		n++;
	}
	SG_FLIPS[f] = n;
	return NULL;
}

static void *sg_reader(void *arg)
{
	unsigned long ci = SGP.count_info;

	(void)arg;
	pthread_barrier_wait(&SG_GO);
	while (!__atomic_load_n(&ST_STOP, __ATOMIC_SEQ_CST)) {
		uint64_t g = 0;

		if (t_frame_get_gfn(&SGP, &g) || !sg_valid(g))
			th_fail("reader: GFN %#llx", (unsigned long long)g);
		if (__atomic_load_n(&SGP.count_info, __ATOMIC_RELAXED) != ci)
			th_fail("reader: count_info changed");
		__atomic_fetch_add(&ST_READS, 1, __ATOMIC_RELAXED);
		sched_yield();
	}
	return NULL;
}

static void test_threads_set_gfn(void **state)
{
	pthread_t ts[SG_SET], tf[SG_FLIP], tr;
	struct timespec ms = {.tv_sec = 0, .tv_nsec = SG_MS * 1000000l};
	unsigned long ci, top0 = 1ul << AM_PGT_COUNT_SHIFT, want = top0;
	uint64_t g = 0;
	bool last = false;

	(void)state;
	am_frame_init(&SGP, true);
	SGP.type_info = top0 | SG_INIT;
	ci = SGP.count_info;
	ST_STOP = 0;
	TH_ERRS = ST_READS = 0;
	TH_MSG_SET = 0;
	assert_int_equal(pthread_barrier_init(&SG_GO, NULL, SG_SET + SG_FLIP + 2), 0);
	assert_int_equal(pthread_create(&tr, NULL, sg_reader, NULL), 0);
	for (uintptr_t i = 0; i < SG_SET; i++)
		assert_int_equal(pthread_create(&ts[i], NULL, sg_setter, (void *)i), 0);
	for (uintptr_t i = 0; i < SG_FLIP; i++)
		assert_int_equal(pthread_create(&tf[i], NULL, sg_flipper, (void *)i), 0);
	pthread_barrier_wait(&SG_GO);
	nanosleep(&ms, NULL);
	__atomic_store_n(&ST_STOP, 1, __ATOMIC_SEQ_CST);
	for (unsigned int i = 0; i < SG_SET; i++)
		pthread_join(ts[i], NULL);
	for (unsigned int i = 0; i < SG_FLIP; i++)
		pthread_join(tf[i], NULL);
	pthread_join(tr, NULL);
	pthread_barrier_destroy(&SG_GO);

	if (TH_ERRS)
		fail_msg("%lu problems; the first: %s", TH_ERRS, TH_MSG);
	/* every flip landed: each bit is at the parity of its flips */
	for (unsigned int f = 0; f < SG_FLIP; f++)
		if (SG_FLIPS[f] & 1)
			want ^= SG_BITS[f];
	if ((SGP.type_info & ~AM_PGT_GFN_MASK) != want)
		fail_msg("type bits %#lx, expected %#lx: a flip was lost",
			 SGP.type_info & ~AM_PGT_GFN_MASK, want);
	assert_true(SGP.count_info == ci);
	/* and the GFN is the last value of some setter */
	assert_int_equal(t_frame_get_gfn(&SGP, &g), 0);
	for (unsigned int t = 0; t < SG_SET; t++)
		last |= g == SG_LAST[t];
	if (!last)
		fail_msg("GFN %#llx: no setter's last value", (unsigned long long)g);
}

/*
 * Two guests race for one frame: two P2Ms (two locks) sharing one frame
 * table add the same shared-info frame at the same moment, round after
 * round. Exactly one wins each round, the other gets AM_EBUSY and has
 * nothing at its GFN, and the frame records the winner's GFN: the BUSY
 * check and the GFN set are one claim (a compare and swap).
 */
#define RACE_ROUNDS 1500
static struct am_host_p2m RHP[2];
static struct am_p2m RP[2];
static struct am_page_info RPG[4];
static struct am_frame_table RFT;
static pthread_barrier_t RBAR;
static int RRC[2][RACE_ROUNDS];

static void *race_thread(void *arg)
{
	unsigned int me = (unsigned int)(uintptr_t)arg;

	for (unsigned int r = 0; r < RACE_ROUNDS; r++) {
		pthread_barrier_wait(&RBAR);
		RRC[me][r] =
			am_p2m_add_physmap(&RP[me], AM_SPACE_SHARED_INFO, 0, am_gfn(0x100 + me));
		pthread_barrier_wait(&RBAR);
		if (me == 0) {
			int w = RRC[0][r] == 0 ? 0 : 1;
			uint64_t m;
			enum am_p2m_type t;
			uint64_t g = GFN_NONE;

			if (RRC[w][r] != 0 || RRC[!w][r] != AM_EBUSY)
				th_fail("round %u: %d and %d", r, RRC[0][r], RRC[1][r]);
			else if (t_p2m_lookup(&RP[!w], am_gfn(0x100 + !w), &m, &t) != AM_ENOENT ||
				 t_frame_get_gfn(&RPG[0], &g) || g != 0x100u + w)
				th_fail("round %u: the loser maps it, or GFN %#llx", r,
					(unsigned long long)g);
			else if (am_p2m_remove_physmap(&RP[w], am_gfn(0x100 + w), am_mfn(0x500000)))
				th_fail("round %u: remove", r);
		}
		pthread_barrier_wait(&RBAR);
	}
	return NULL;
}

static void test_threads_two_guests_one_frame(void **state)
{
	unsigned int wins[2] = {0, 0};

	(void)state;
	for (unsigned int i = 0; i < 4; i++)
		am_frame_init(&RPG[i], true);
	assert_int_equal(am_frame_table_init(&RFT, RPG, am_mfn(0x500000), 4), 0);
	for (unsigned int g = 0; g < 2; g++) {
		struct am_p2m_config cfg = {.vmid = (uint16_t)(1 + g),
					    .frames = &RFT,
					    .dom = {.shared_info = am_mfn(0x500000)}};

		assert_int_equal(am_host_p2m_init(&RHP[g], 64, false, true), 0);
		assert_int_equal(am_p2m_init(&RP[g], &cfg, &RHP[g].ops, &RHP[g]), 0);
	}
	assert_int_equal(pthread_barrier_init(&RBAR, NULL, 2), 0);
	run_threads(race_thread, 2);
	pthread_barrier_destroy(&RBAR);
	for (unsigned int r = 0; r < RACE_ROUNDS; r++)
		wins[RRC[0][r] == 0 ? 0 : 1]++;
	print_message("two guests, one frame: %u rounds, won %u / %u\n", RACE_ROUNDS, wins[0],
		      wins[1]);
	for (unsigned int g = 0; g < 2; g++) {
		assert_int_equal(RHP[g].unlocked_logs, 0);
		am_p2m_destroy(&RP[g]);
		assert_int_equal(RHP[g].pt.in_use, 0);
		am_host_p2m_fini(&RHP[g]);
	}
}

int main(void)
{
	struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_frame_layout, teardown),
		cmocka_unit_test_teardown(test_frame_init, teardown),
		cmocka_unit_test_teardown(test_frame_roundtrip, teardown),
		cmocka_unit_test_teardown(test_frame_refusals, teardown),
		cmocka_unit_test_teardown(test_frame_of_and_refs, teardown),
		cmocka_unit_test_teardown(test_p2m_init_errors, teardown),
		cmocka_unit_test_teardown(test_init_domain_frame_beyond_pa, teardown),
		cmocka_unit_test_teardown(test_map_scans_only_the_frame_table, teardown),
		cmocka_unit_test_teardown(test_p2m_defaults, teardown),
		cmocka_unit_test_teardown(test_p2m_types, teardown),
		cmocka_unit_test_teardown(test_p2m_lookup_block, teardown),
		cmocka_unit_test_teardown(test_p2m_map_refusals, teardown),
		cmocka_unit_test_teardown(test_xenheap_by_page, teardown),
		cmocka_unit_test_teardown(test_put_clears_gfn, teardown),
		cmocka_unit_test_teardown(test_foreign_put, teardown),
		cmocka_unit_test_teardown(test_unmap_refusals, teardown),
		cmocka_unit_test_teardown(test_unmap_break_enomem, teardown),
		cmocka_unit_test_teardown(test_physmap_shared_info, teardown),
		cmocka_unit_test_teardown(test_physmap_gnttab, teardown),
		cmocka_unit_test_teardown(test_physmap_refusals, teardown),
		cmocka_unit_test_teardown(test_physmap_remap, teardown),
		cmocka_unit_test_teardown(test_lock_balance, teardown),
		cmocka_unit_test_teardown(test_destroy, teardown),
		cmocka_unit_test_teardown(test_destroy_one_walk, teardown),
		cmocka_unit_test_teardown(test_removal_two_walks, teardown),
		cmocka_unit_test_teardown(test_p2m_init_locked_table_ops, teardown),
		cmocka_unit_test_teardown(test_p2m_own_table_ctx, teardown),
		cmocka_unit_test_teardown(test_random, teardown),
		cmocka_unit_test_teardown(test_threads_physmap, teardown),
		cmocka_unit_test(test_threads_two_guests_one_frame),
		cmocka_unit_test_teardown(test_threads_set_gfn, teardown),
	};

	AM_RUN_SUITE("unit-p2m", tests);
}
