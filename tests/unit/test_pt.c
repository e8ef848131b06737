/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Suite unit-pt: the translation-table engine, checked through the models.
 *
 * Tables live in the host backend's page pool (arch/host/pt_host). After
 * every call, check() asserts what the hardware would show: the TLB model
 * (model/tlb) saw no break-before-make violation, no table freed while a
 * walk could still use it, and holds no stale translation; every TLBI was
 * completed; the lock was released; every page the pool handed out is a
 * table of the tree. Translations are asked of the walker model
 * (model/vmsa), never of the library. A refused call must leave every table
 * page byte for byte unchanged, and issue no TLB maintenance.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/unit/harness.h"
#include "tests/unit/threads.h"

#include <armmap/errors.h>
#include <armmap/pt.h>

#include "arch/host/pt_host.h"
#include "model/tlb.h"
#include "model/vmsa.h"
#include "tests/oracle/pt_oracle.h"

#define K4 0x1000ull
#define M2 0x200000ull
#define G1 0x40000000ull
#define POOL_PAGES 4096u

static struct am_host_pt H;
static struct am_pt PT;
static struct vmsa_cfg VC;
/* One snapshot at a time (snap()); its buffers are kept, and freed by teardown(). */
static struct oracle_pt_snap SNAP;
static const struct am_attr RW = AM_ATTR_RW_DATA;
static const struct am_attr RO = AM_ATTR_RO_DATA;
static const struct am_attr RX = AM_ATTR_RX_TEXT;
static const struct am_attr DEV = AM_ATTR_DEVICE;

/*
 * The host ops with table_va counted: the engine calls it once for each
 * table it goes into, so the count is the number of tables a call read
 * its way through.
 */
static struct am_pt_ops COUNTING_OPS;
static unsigned long TVA_CALLS;
/* The host backend reports FEAT_TLBIRANGE to the tables setup_ops() makes. */
static bool RANGE;
/* ... and AM_PT_CAP_ZEROED: its pages come zeroed (else filled with garbage). */
static bool ZEROED;
/* The PA of the host pool's first page for the tables setup_ops() makes (0: the default). */
static uint64_t PA_BASE;

static void *counting_table_va(void *ctx, am_paddr_t pa)
{
	TVA_CALLS++;
	return am_host_pt_ops.table_va(ctx, pa);
}

static struct am_pt *setup_ops(const struct am_pt_config *cfg, const struct am_pt_ops *ops)
{
	size_t page = cfg->granule ? cfg->granule : 4096u;

	am_host_pt_fini(&H);
	/* pages of the table's granule, 16 MiB of them */
	assert_int_equal(am_host_pt_init_g(&H, POOL_PAGES * 4096u / page, page), 0);
	H.cap_tlbi_range = RANGE;
	H.cap_zeroed = ZEROED;
	if (PA_BASE)
		H.pa_base = PA_BASE;
	memset(&PT, 0x5a, sizeof(PT));
	assert_int_equal(am_pt_init(&PT, cfg, ops, &H), 0);
	VC = (struct vmsa_cfg){.regime = cfg->regime,
			       .ia_bits = cfg->ia_bits,
			       .oa_bits = cfg->oa_bits ? cfg->oa_bits : 48,
			       /* the walk starts where TTBR points: level -1 when there is one */
			       .root_pa = am_pa_val(PT.top ? PT.top_pa : PT.root_pa),
			       .mair = am_pt_mair(&PT),
			       .secure = cfg->secure != 0,
			       .concat = PT.top ? 1 : PT.root_pages,
			       .upper = cfg->upper != 0,
			       .granule = cfg->granule};
	am_host_pt_tlb(&H, cfg->regime, cfg->ia_bits, VC.oa_bits, VC.root_pa, VC.mair,
		       cfg->regime == AM_PT_S2 ? cfg->vmid : cfg->asid);
	H.tlb.cfg = VC; /* the TLB model walks as the hardware would: the root included */
	return &PT;
}

static struct am_pt *setup_cfg(const struct am_pt_config *cfg)
{
	return setup_ops(cfg, &am_host_pt_ops);
}

/* A table whose ops count table_va calls (TVA_CALLS). */
static struct am_pt *setup_counting(enum am_pt_regime r, unsigned int ia_bits)
{
	struct am_pt_config cfg = {.regime = r, .ia_bits = ia_bits, .asid = 5, .vmid = 7};

	COUNTING_OPS = am_host_pt_ops;
	COUNTING_OPS.table_va = counting_table_va;
	return setup_ops(&cfg, &COUNTING_OPS);
}

static struct am_pt *setup(enum am_pt_regime r, unsigned int ia_bits)
{
	struct am_pt_config cfg = {.regime = r, .ia_bits = ia_bits, .asid = 5, .vmid = 7};

	return setup_cfg(&cfg);
}

static int teardown(void **state)
{
	(void)state;
	if (PT.root && (PT.ops == &am_host_pt_ops || PT.ops == &COUNTING_OPS))
		am_pt_destroy(&PT);
	memset(&PT, 0, sizeof(PT));
	am_host_pt_fini(&H);
	oracle_pt_snap_free(&SNAP);
	RANGE = false;
	ZEROED = false;
	PA_BASE = 0;
	return 0;
}

static uint64_t rd(uint64_t pa);

/* The entry count a table descriptor carries (bits [11:2], and [58:55] above
 * 1023, src/pt/pt_internal.h). */
static unsigned int desc_count(uint64_t e)
{
	if (PT.lpa == 2) /* LPA2: [9:8] are OA[51:50]: [7:2], [11:10], [58:55] */
		return (unsigned int)((e >> 2) & 0x3fu) | (unsigned int)((e >> 4) & 0xc0u) |
		       (unsigned int)((e >> 55) & 0xfu) << 8;
	return (unsigned int)((e >> 2) & 0x3ffu) | (unsigned int)((e >> 55) & 0xfu) << 10;
}

/* Entries of a table: a page of the pool (the table's granule). */
static unsigned int ENTS(void)
{
	return (unsigned int)(H.page / 8u);
}

/* The next table of table descriptor @e (FEAT_LPA: OA[51:48] in bits [15:12]). */
static uint64_t next_table(uint64_t e)
{
	uint64_t pa = e & AM_PTE_OA_MASK;

	if (PT.gshift == 16 && PT.oa_bits == 52)
		pa = (pa & ~0xf000ull) | (pa & 0xf000ull) << 36;
	else if (PT.oa_bits == 52) /* LPA2: [49:12], and OA[51:50] in [9:8] */
		pa = (e & 0x0003fffffffff000ull) | (e >> 8 & 3ull) << 50;
	return pa;
}

static unsigned int nonzero_entries(uint64_t tpa)
{
	unsigned int n = 0;

	for (unsigned int i = 0; i < ENTS(); i++)
		n += rd(tpa + i * 8u) != 0;
	return n;
}

/* Below the root, every table descriptor counts its table's entries that are not zero. */
static void check_counts(uint64_t tpa, unsigned int level, unsigned int pages)
{
	for (unsigned int i = 0; level < 3 && i < ENTS() * pages; i++) {
		uint64_t e = rd(tpa + i * 8u), cpa = next_table(e);

		if ((e & 3u) != 3u)
			continue;
		if (desc_count(e) != nonzero_entries(cpa))
			fail_msg("level-%u table at %#llx: count %u in its descriptor, %u entries "
				 "not zero",
				 level + 1, (unsigned long long)cpa, desc_count(e),
				 nonzero_entries(cpa));
		check_counts(cpa, level + 1, 1);
	}
}

/* What the hardware sees, and what the rules demand, after a call (tests/oracle);
 * and the entry counts the engine keeps. */
static void check(void)
{
	char why[256];

	if (!oracle_pt_check(&H, &PT, why, sizeof(why)))
		fail_msg("%s", why);
	check_counts(am_pa_val(PT.root_pa), PT.root_level, PT.root_pages);
}

/* Translate through the walker model. */
static struct vmsa_result xlate(uint64_t va, unsigned int acc)
{
	struct vmsa_result r;

	vmsa_access(&VC, am_host_pt_read, &H, va, acc, &r);
	return r;
}

static void expect_map(uint64_t va, uint64_t pa, unsigned int acc)
{
	struct vmsa_result r = xlate(va, acc);

	if (r.fault != VMSA_OK)
		fail_msg("va %#llx: %s at level %u", (unsigned long long)va,
			 vmsa_fault_name(r.fault), r.level);
	assert_int_equal(r.pa, pa);
}

static void expect_fault(uint64_t va, unsigned int acc, enum vmsa_fault f)
{
	struct vmsa_result r = xlate(va, acc);

	if (r.fault != f)
		fail_msg("va %#llx: %s, expected %s", (unsigned long long)va,
			 vmsa_fault_name(r.fault), vmsa_fault_name(f));
}

/* ---------------------------------------------- snapshots of the tables -- */

static void snap(void)
{
	oracle_pt_snap(&SNAP, &H, &PT);
}

/* Every table page is as it was, and no maintenance was issued. */
static void unchanged(void)
{
	char why[256];

	if (!oracle_pt_unchanged(&SNAP, &H, &PT, why, sizeof(why)))
		fail_msg("%s", why);
}

/* ------------------------------------------- the table shape, read raw -- */

struct shape {
	unsigned int leaves[4]; /* valid or parked leaf descriptors per level */
	unsigned int contig[4];
	unsigned int tables; /* table pages reachable, root included */
};

static uint64_t rd(uint64_t pa)
{
	bool ok = false;
	uint64_t v = am_host_pt_read(&H, pa, &ok);

	assert_true(ok);
	return v;
}

static void shape_of(uint64_t tpa, unsigned int level, struct shape *sh)
{
	sh->tables++;
	for (unsigned int i = 0; i < ENTS(); i++) {
		uint64_t e = rd(tpa + i * 8u);

		if (!e)
			continue;
		if (level < 3 && (e & 3u) == 3u) {
			shape_of(next_table(e), level + 1, sh);
		} else {
			sh->leaves[level]++;
			if (e & (1ull << 52))
				sh->contig[level]++;
		}
	}
}

static struct shape shape(void)
{
	struct shape sh;

	memset(&sh, 0, sizeof(sh));
	shape_of(am_pa_val(PT.root_pa), PT.root_level, &sh);
	return sh;
}

/* The minimal decomposition of [va, va + size) -> pa, computed plainly. */
static struct shape expected_shape(uint64_t va, uint64_t pa, uint64_t size, bool blocks,
				   bool contig, unsigned int root_level)
{
	struct shape sh;
	uint64_t end = va + size;
	uint64_t l2_seen = ~0ull, l3_seen = ~0ull;
	unsigned int l2_tables = 0, l3_tables = 0;

	memset(&sh, 0, sizeof(sh));
	for (uint64_t a = va; a < end;) {
		uint64_t p = pa + (a - va);
		unsigned int level;
		uint64_t sz;

		if (blocks && !(a % G1) && !(p % G1) && end - a >= G1)
			level = 1, sz = G1;
		else if (blocks && !(a % M2) && !(p % M2) && end - a >= M2)
			level = 2, sz = M2;
		else
			level = 3, sz = K4;
		sh.leaves[level]++;
		if (contig) {
			uint64_t run = sz * 16, rs = a & ~(run - 1);

			if (rs >= va && rs + run <= end && !((p - a + rs) % run) &&
			    !((p - (a - rs)) % run))
				sh.contig[level]++;
		}
		if (level >= 2 && a / G1 != l2_seen) {
			l2_seen = a / G1;
			l2_tables++;
		}
		if (level == 3 && a / M2 != l3_seen) {
			l3_seen = a / M2;
			l3_tables++;
		}
		a += sz;
	}
	/* 39-bit: root is level 1; 48-bit: one level-1 table per 512 GiB touched */
	sh.tables = 1 + l2_tables + l3_tables;
	if (root_level == 0)
		sh.tables += (unsigned int)(((end - 1) >> 39) - (va >> 39) + 1);
	return sh;
}

static void assert_shape(struct shape got, struct shape want)
{
	for (int l = 0; l < 4; l++) {
		if (got.leaves[l] != want.leaves[l] || got.contig[l] != want.contig[l])
			fail_msg("level %d: %u leaves (%u contig), expected %u (%u)", l,
				 got.leaves[l], got.contig[l], want.leaves[l], want.contig[l]);
	}
	assert_int_equal(got.tables, want.tables);
	assert_int_equal(am_pt_tables(&PT), want.tables);
}

/* ------------------------------------------------------------------ init -- */

static void test_init_errors(void **state)
{
	struct am_pt_config cfg = {.regime = AM_PT_S1_EL2, .ia_bits = 39};
	struct am_pt_ops no_tlbi = am_host_pt_ops;
	uint8_t bad_idx[AM_MT_COUNT] = {0, 1, 2, 3, 8};
	struct am_pt pt;

	(void)state;
	assert_int_equal(am_host_pt_init(&H, 16), 0);
	assert_int_equal(am_pt_init(NULL, &cfg, &am_host_pt_ops, &H), AM_EINVAL);
	assert_int_equal(am_pt_init(&pt, NULL, &am_host_pt_ops, &H), AM_EINVAL);
	assert_int_equal(am_pt_init(&pt, &cfg, NULL, &H), AM_EINVAL);
	no_tlbi.flush = NULL;
	assert_int_equal(am_pt_init(&pt, &cfg, &no_tlbi, &H), AM_EINVAL);
	cfg.ia_bits = 24;
	assert_int_equal(am_pt_init(&pt, &cfg, &am_host_pt_ops, &H), AM_EINVAL);
	cfg.ia_bits = 53;
	assert_int_equal(am_pt_init(&pt, &cfg, &am_host_pt_ops, &H), AM_EINVAL);
	cfg.ia_bits = 49; /* above 48 bits: LPA2 only */
	assert_int_equal(am_pt_init(&pt, &cfg, &am_host_pt_ops, &H), AM_ENOTSUP);
	cfg.oa_bits = 52; /* 4 KiB with LPA2: level -1, whose level-0 tables are concatenated */
	{
		struct am_pt_ops no_run = am_host_pt_ops;

		no_run.alloc_tables = NULL;
		no_run.free_tables = NULL;
		assert_int_equal(am_pt_init(&pt, &cfg, &no_run, &H), AM_ENOTSUP);
	}
	am_host_pt_fail_at(&H, 1); /* the level -1 page: the level-0 pair is given back */
	assert_int_equal(am_pt_init(&pt, &cfg, &am_host_pt_ops, &H), AM_ENOMEM);
	am_host_pt_fail_at(&H, -1);
	assert_int_equal(H.in_use, 0);
	cfg.granule = AM_PT_GRANULE_64K; /* 64 KiB: FEAT_LVA */
	assert_int_equal(am_pt_init(&pt, &cfg, &am_host_pt_ops, &H), AM_ENOTSUP);
	cfg.granule = 0;
	cfg.oa_bits = 0;
	cfg.ia_bits = 39;
	cfg.oa_bits = 31;
	assert_int_equal(am_pt_init(&pt, &cfg, &am_host_pt_ops, &H), AM_EINVAL);
	cfg.oa_bits = 0;
	cfg.regime = AM_PT_REGIME_COUNT;
	assert_int_equal(am_pt_init(&pt, &cfg, &am_host_pt_ops, &H), AM_EINVAL);
	cfg.regime = AM_PT_S1_EL2;
	cfg.attr_index = bad_idx;
	assert_int_equal(am_pt_init(&pt, &cfg, &am_host_pt_ops, &H), AM_EINVAL);
	cfg.attr_index = NULL;
	cfg.tlbi_max = AM_PT_TLBI_BATCH + 1;
	assert_int_equal(am_pt_init(&pt, &cfg, &am_host_pt_ops, &H), AM_EINVAL);
	cfg.tlbi_max = 0;
	cfg.granule = 8192;
	assert_int_equal(am_pt_init(&pt, &cfg, &am_host_pt_ops, &H), AM_ENOTSUP);
	/* a backend whose pages are smaller than the granule: refused, given back */
	cfg.granule = AM_PT_GRANULE_16K;
	H.pa_base += 4096;
	assert_int_equal(am_pt_init(&pt, &cfg, &am_host_pt_ops, &H), AM_EINVAL);
	H.pa_base -= 4096;
	assert_int_equal(H.in_use, 0);
	cfg.granule = 0;
	assert_int_equal(H.in_use, 0);
	am_host_pt_fail_at(&H, 0);
	assert_int_equal(am_pt_init(&pt, &cfg, &am_host_pt_ops, &H), AM_ENOMEM);
	am_host_pt_fail_at(&H, -1);
	assert_int_equal(am_pt_init(&pt, &cfg, &am_host_pt_ops, &H), 0);
	assert_int_equal(am_pt_tables(&pt), 1);
	assert_int_equal(pt.root_level, 1);
	/* the pool hands out garbage: the root must have been zeroed */
	for (unsigned int i = 0; i < 512; i++)
		assert_int_equal(pt.root[i], 0);
	am_pt_destroy(&pt);
	assert_int_equal(H.in_use, 0);
	cfg.ia_bits = 48;
	assert_int_equal(am_pt_init(&pt, &cfg, &am_host_pt_ops, &H), 0);
	assert_int_equal(pt.root_level, 0);
	am_pt_destroy(&pt);
	/*
	 * Stage 2 (found by qemu-smp on a 40-bit-PA CPU): a level-0 root with
	 * 42 output bits or fewer faults at every walk, so there the root is
	 * concatenated level-1 tables (2, 4, 8 pages); backend ops without
	 * alloc_tables cannot give one: refused, nothing taken. An IPA wider
	 * than the output is CONSTRAINED UNPREDICTABLE: refused.
	 */
	cfg.regime = AM_PT_S2;
	for (unsigned int ia = 40; ia <= 42; ia++) {
		struct am_pt_ops one = am_host_pt_ops;

		cfg.ia_bits = ia;
		cfg.oa_bits = 42;
		assert_int_equal(am_pt_init(&pt, &cfg, &am_host_pt_ops, &H), 0);
		assert_int_equal(pt.root_level, 1);
		assert_int_equal(pt.root_pages, 1u << (ia - 39));
		assert_int_equal(am_pt_tables(&pt), 1u << (ia - 39));
		assert_int_equal(H.in_use, 1u << (ia - 39));
		assert_int_equal(am_pa_val(pt.root_pa) % ((1u << (ia - 39)) * K4), 0);
		assert_int_equal((am_pt_tcr(&pt) >> 6) & 3, 1); /* VTCR_EL2.SL0: level 1 */
		assert_int_equal(am_pt_tcr(&pt) & 0x3f, 64 - ia);
		am_pt_destroy(&pt);
		assert_int_equal(H.in_use, 0);
		one.alloc_tables = NULL;
		one.free_tables = NULL;
		assert_int_equal(am_pt_init(&pt, &cfg, &one, &H), AM_ENOTSUP);
		assert_int_equal(H.in_use, 0);
	}
	cfg.ia_bits = 44;
	cfg.oa_bits = 40;
	assert_int_equal(am_pt_init(&pt, &cfg, &am_host_pt_ops, &H), AM_EINVAL);
	assert_int_equal(H.in_use, 0);
	cfg.ia_bits = 39; /* level 1 root */
	cfg.oa_bits = 40;
	assert_int_equal(am_pt_init(&pt, &cfg, &am_host_pt_ops, &H), 0);
	am_pt_destroy(&pt);
	cfg.ia_bits = 40; /* level 0 root, 44-bit output */
	cfg.oa_bits = 44;
	assert_int_equal(am_pt_init(&pt, &cfg, &am_host_pt_ops, &H), 0);
	assert_int_equal(pt.root_level, 0);
	am_pt_destroy(&pt);
}

/* ------------------------------------------------------------ map pages -- */

static void test_map_pages(void **state)
{
	struct am_pt *pt = setup(AM_PT_S1_EL2, 39);
	uint64_t va = 0x40000000, pa = 0x80000000;

	(void)state;
	assert_int_equal(am_pt_map(pt, am_va(va), am_pa(pa), 8 * K4, &RW, 0), 0);
	check();
	for (int i = 0; i < 8; i++)
		expect_map(va + i * K4 + 0x123, pa + i * K4 + 0x123, VMSA_ACC_R | VMSA_ACC_W);
	expect_fault(va + 8 * K4, VMSA_ACC_R, VMSA_F_TRANSLATION);
	expect_fault(va - K4, VMSA_ACC_R, VMSA_F_TRANSLATION);
	expect_fault(va, VMSA_ACC_X, VMSA_F_PERMISSION);
	assert_int_equal(xlate(va, VMSA_ACC_R).mem, 0xff); /* Normal WB via MAIR */
	assert_int_equal(xlate(va, VMSA_ACC_R).sh, 3);
	/* invalid -> valid needs no TLB maintenance: one COMPLETE, no TLBI */
	assert_int_equal(H.tlbi + H.tlbi_all, 0);
	assert_int_equal(H.complete, 1);
	assert_int_equal(am_pt_tables(pt), 3); /* root (L1), L2, L3 */

	H.complete = H.publish = 0;
	assert_int_equal(am_pt_map(pt, am_va(va + 16 * K4), am_pa(pa + 16 * K4), K4, &RO, 0), 0);
	check();
	assert_int_equal(H.complete, 1); /* written into a live table: waited for */
	assert_int_equal(H.publish, 0);	 /* no table linked, nothing invalidated */
	/* a new table linked into a live one is published first */
	assert_int_equal(am_pt_map(pt, am_va(va + M2), am_pa(pa + M2), K4, &RO, 0), 0);
	assert_int_equal(H.publish, 1);
	assert_int_equal(am_pt_unmap(pt, am_va(va + M2), K4), 0);
	check();
	expect_map(va + 16 * K4, pa + 16 * K4, VMSA_ACC_R);
	expect_fault(va + 16 * K4, VMSA_ACC_W, VMSA_F_PERMISSION);
	assert_int_equal(am_pt_map(pt, am_va(va + 17 * K4), am_pa(pa + 17 * K4), K4, &RX, 0), 0);
	expect_map(va + 17 * K4, pa + 17 * K4, VMSA_ACC_X);
	assert_int_equal(am_pt_map(pt, am_va(0x09000000), am_pa(0x09000000), K4, &DEV, 0), 0);
	check();
	assert_int_equal(xlate(0x09000000, VMSA_ACC_R).mem, 0x04);
	expect_fault(0x09000000, VMSA_ACC_X, VMSA_F_PERMISSION);
}

/*
 * The table keeps the last two leaf templates of calls that succeeded:
 * every attribute set and flag combination, in an order that reuses and
 * evicts both slots, must give exactly its own descriptor bits; a refused
 * call keeps nothing.
 */
static void test_template_cache(void **state)
{
	static const struct {
		const struct am_attr *a;
		unsigned int flags;
	} seq[] = {
		{&RW, 0},
		{&RO, 0},
		{&RW, 0},
		{&RW, AM_PT_F_SW(3)},
		{&RW, AM_PT_F_PARKED},
		{&RO, AM_PT_F_SW(3)},
		{&DEV, 0},
		{&RW, 0},
		{&RX, AM_PT_F_SW(9)},
		{&RW, AM_PT_F_SW(3)},
		{&RO, 0},
	};
	struct am_pt *pt = setup(AM_PT_S2, 40);
	struct am_pt_leaf l;
	uint64_t va = 0x40000000;

	(void)state;
	for (unsigned int i = 0; i < sizeof(seq) / sizeof(seq[0]); i++) {
		assert_int_equal(am_pt_map(pt, am_va(va + i * K4), am_pa(va + i * K4), K4, seq[i].a,
					   seq[i].flags),
				 0);
		assert_int_equal(am_pt_query(pt, am_va(va + i * K4), &l), 0);
		assert_int_equal(l.attr.perm, seq[i].a->perm);
		assert_int_equal(l.attr.mtype, seq[i].a->mtype);
		assert_int_equal(l.attr.sh, seq[i].a->sh);
		assert_int_equal(l.sw, AM_PT_F_SW_OF(seq[i].flags));
		assert_int_equal(l.valid, !(seq[i].flags & AM_PT_F_PARKED));
	}
	check();
	/* refused (over a valid entry) with a new set: nothing kept, nothing changed */
	snap();
	assert_int_equal(am_pt_map(pt, am_va(va), am_pa(va), K4, &DEV, AM_PT_F_SW(5)), AM_EEXIST);
	unchanged();
	/* modify through the cache: RO then back to RW with software bits */
	assert_int_equal(am_pt_modify(pt, am_va(va), K4, &RO, 0), 0);
	assert_int_equal(am_pt_query(pt, am_va(va), &l), 0);
	assert_int_equal(l.attr.perm, RO.perm);
	assert_int_equal(am_pt_modify(pt, am_va(va), K4, &RW, AM_PT_F_SW(3)), 0);
	assert_int_equal(am_pt_query(pt, am_va(va), &l), 0);
	assert_int_equal(l.attr.perm, RW.perm);
	assert_int_equal(l.sw, 3);
	check();
}

/*
 * am_pt_park_walk(): the callback parks every other page of a contiguous
 * run and a 2 MiB block whole, with software bits of its choosing; the
 * parked ones fault (invalidated: the TLB model says so), keep their
 * descriptor, and the others are untouched. A stop returns the
 * callback's value with what was parked before it invalidated.
 */
struct park_test {
	unsigned int calls, stop_at;
};

static int park_odd(void *arg, const struct am_pt_leaf *l, unsigned int *sw)
{
	struct park_test *p = arg;

	if (++p->calls == p->stop_at)
		return -7;
	if (l->size == K4 && !((am_va_val(l->va) >> 12) & 1))
		return 0; /* even pages stay */
	*sw = 5;
	return AM_PT_PARK;
}

static void test_park_walk(void **state)
{
	struct am_pt *pt = setup(AM_PT_S1_EL2, 39);
	struct park_test p = {0, 0};
	struct am_pt_leaf l;
	const uint64_t va = G1, pa = 0x80000000;

	(void)state;
	assert_int_equal(am_pt_map(pt, am_va(va), am_pa(pa), 16 * K4, &RW, AM_PT_F_CONTIG), 0);
	assert_int_equal(am_pt_map(pt, am_va(va + M2), am_pa(pa + M2), M2, &RW, AM_PT_F_BLOCK), 0);
	assert_int_equal(am_pt_query(pt, am_va(va), &l), 0);
	assert_int_equal(l.contig, 1);
	check();
	tlbm_watch(&H.tlb, va, 2 * M2, K4);
	tlbm_fill(&H.tlb);
	assert_int_equal(am_pt_park_walk(pt, am_va(va), 2 * M2, park_odd, &p), 0);
	check();
	assert_int_equal(p.calls, 17);
	for (unsigned int i = 0; i < 16; i++) {
		assert_int_equal(am_pt_query(pt, am_va(va + i * K4), &l), 0);
		assert_int_equal(l.contig, 0); /* out of the run */
		assert_int_equal(l.valid, !(i & 1));
		assert_int_equal(l.sw, i & 1 ? 5 : 0);
		assert_int_equal(am_va_val(l.va), va + i * K4);
		assert_int_equal(am_pa_val(l.pa), pa + i * K4);
		if (i & 1)
			expect_fault(va + i * K4, VMSA_ACC_R, VMSA_F_TRANSLATION);
		else
			expect_map(va + i * K4, pa + i * K4, VMSA_ACC_R | VMSA_ACC_W);
	}
	assert_int_equal(am_pt_query(pt, am_va(va + M2 + 5 * K4), &l), 0);
	assert_int_equal(l.valid, 0);
	assert_int_equal(l.size, M2);
	assert_int_equal(l.sw, 5);
	expect_fault(va + M2 + 5 * K4, VMSA_ACC_R, VMSA_F_TRANSLATION);
	/* made valid again by modify, every other bit as it was */
	assert_int_equal(am_pt_modify(pt, am_va(va + M2), M2, NULL, 0), 0);
	expect_map(va + M2 + 5 * K4, pa + M2 + 5 * K4, VMSA_ACC_R | VMSA_ACC_W);
	check();

	/* a stop at the third leaf: the first two decisions stand, invalidated */
	p = (struct park_test){0, 3};
	assert_int_equal(am_pt_map(pt, am_va(va + 8 * M2), am_pa(pa), 4 * K4, &RW, 0), 0);
	tlbm_watch(&H.tlb, va + 8 * M2, 4 * K4, K4);
	tlbm_fill(&H.tlb);
	assert_int_equal(am_pt_park_walk(pt, am_va(va + 8 * M2), 4 * K4, park_odd, &p), -7);
	check();
	expect_map(va + 8 * M2, pa, VMSA_ACC_R);
	expect_fault(va + 8 * M2 + K4, VMSA_ACC_R, VMSA_F_TRANSLATION);
	expect_map(va + 8 * M2 + 3 * K4, pa + 3 * K4, VMSA_ACC_R);
}

/* Every refusal of map: its code, the log, and nothing changed. */
static void test_map_refusals(void **state)
{
	struct am_pt *pt = setup(AM_PT_S1_EL2, 39);
	struct am_attr wx = {AM_PERM_R | AM_PERM_W | AM_PERM_X, AM_MT_NORMAL_WB, AM_SH_INNER};
	struct am_attr devx = {AM_PERM_R | AM_PERM_X, AM_MT_DEVICE_nGnRE, AM_SH_OUTER};
	struct am_attr noread = {AM_PERM_W, AM_MT_NORMAL_WB, AM_SH_INNER};
	struct am_attr user = {AM_PERM_R | AM_PERM_USER, AM_MT_NORMAL_WB, AM_SH_INNER};
	struct am_attr badsh = {AM_PERM_R, AM_MT_NORMAL_WB, 1};

	(void)state;
	assert_int_equal(am_pt_map(pt, am_va(0x200000), am_pa(0x200000), M2, &RW, AM_PT_F_BLOCK),
			 0);
	assert_int_equal(am_pt_map(pt, am_va(0x400000), am_pa(0x400000), 4 * K4, &RW, 0), 0);
	assert_int_equal(am_pt_map(pt, am_va(0x600000), am_pa(0x600000), K4, &RW, AM_PT_F_PARKED),
			 0);
	assert_int_equal(am_pt_map(pt, am_va(0xa00000), am_pa(0xa00000), M2, &DEV,
				   AM_PT_F_PARKED | AM_PT_F_BLOCK),
			 0);
	check();
	snap();
	am_host_pt_clear_log(&H);
	assert_int_equal(am_pt_map(NULL, am_va(0), am_pa(0), K4, &RW, 0), AM_EINVAL);
	assert_int_equal(am_pt_map(pt, am_va(0x800000), am_pa(0x800000), K4, NULL, 0), AM_EINVAL);
	assert_int_equal(am_pt_map(pt, am_va(0x800000), am_pa(0x800000), 0, &RW, 0), AM_EINVAL);
	assert_int_equal(am_pt_map(pt, am_va(0x800800), am_pa(0x800000), K4, &RW, 0), AM_EINVAL);
	assert_int_equal(am_pt_map(pt, am_va(0x800000), am_pa(0x800800), K4, &RW, 0), AM_EINVAL);
	assert_int_equal(am_pt_map(pt, am_va(0x800000), am_pa(0x800000), 0x800, &RW, 0), AM_EINVAL);
	assert_int_equal(am_pt_map(pt, am_va(0x800000), am_pa(0x800000), K4, &RW, 0x10000),
			 AM_EINVAL);
	assert_int_equal(am_pt_map(pt, am_va(0x800000), am_pa(0x800000), K4, &RW, AM_PT_F_NG),
			 AM_EINVAL);
	assert_int_equal(am_pt_map(pt, am_va(0x800000), am_pa(0x800000), K4, &badsh, 0), AM_EINVAL);
	assert_int_equal(am_pt_map(pt, am_va(0xfffffffffffff000ull), am_pa(0), 2 * K4, &RW, 0),
			 AM_EOVERFLOW);
	assert_int_equal(am_pt_map(pt, am_va(0), am_pa(0xfffffffffffff000ull), 2 * K4, &RW, 0),
			 AM_EOVERFLOW);
	assert_int_equal(am_pt_map(pt, am_va((1ull << 39) - K4), am_pa(0), 2 * K4, &RW, 0),
			 AM_ERANGE);
	assert_int_equal(am_pt_map(pt, am_va(1ull << 39), am_pa(0), K4, &RW, 0), AM_ERANGE);
	assert_int_equal(am_pt_map(pt, am_va(0x800000), am_pa(1ull << 48), K4, &RW, 0), AM_ERANGE);
	assert_int_equal(am_pt_map(pt, am_va(0x800000), am_pa(0x800000), K4, &wx, 0), AM_EPERM);
	assert_int_equal(am_host_pt_logged(&H, AM_EV_WRITE_EXEC, ~0ull), 1);
	assert_int_equal(am_pt_map(pt, am_va(0x800000), am_pa(0x800000), K4, &devx, 0), AM_EPERM);
	assert_int_equal(am_host_pt_logged(&H, AM_EV_DEVICE_EXEC, ~0ull), 1);
	assert_int_equal(am_pt_map(pt, am_va(0x800000), am_pa(0x800000), K4, &noread, 0),
			 AM_ENOTSUP);
	assert_int_equal(am_pt_map(pt, am_va(0x800000), am_pa(0x800000), K4, &user, 0), AM_ENOTSUP);
	assert_int_equal(am_host_pt_logged(&H, AM_EV_NOT_EXPRESSIBLE, ~0ull), 2);
	/* over live entries: a page, inside a block, over a parked page, and a
	 * range that is free except for its last page */
	assert_int_equal(am_pt_map(pt, am_va(0x402000), am_pa(0x9000000), K4, &RW, 0), AM_EEXIST);
	assert_int_equal(am_pt_map(pt, am_va(0x300000), am_pa(0x300000), K4, &RW, 0), AM_EEXIST);
	assert_int_equal(am_pt_map(pt, am_va(0x600000), am_pa(0x600000), K4, &RW, 0), AM_EEXIST);
	assert_int_equal(am_pt_map(pt, am_va(0x404000 - 8 * K4), am_pa(0x404000), 8 * K4, &RW, 0),
			 AM_EEXIST);
	assert_int_equal(am_pt_map(pt, am_va(0), am_pa(0), G1, &RW, AM_PT_F_BLOCK), AM_EEXIST);
	assert_int_equal(am_pt_map(pt, am_va(0xa05000), am_pa(0xa05000), K4, &RW, 0), AM_EEXIST);
	assert_int_equal(am_host_pt_logged(&H, AM_EV_PT_MAPPED, ~0ull), 6);
	unchanged();
	check();
	/* the live PA stayed */
	expect_map(0x402000, 0x402000, VMSA_ACC_R);
	expect_map(0x300000, 0x300000, VMSA_ACC_W);
}

/* ------------------------------------------------------ blocks and runs -- */

static void map_and_compare(unsigned int ia, uint64_t va, uint64_t pa, uint64_t size,
			    unsigned int flags)
{
	struct am_pt *pt = setup(AM_PT_S1_EL2, ia);

	assert_int_equal(am_pt_map(pt, am_va(va), am_pa(pa), size, &RW, flags), 0);
	check();
	assert_shape(shape(), expected_shape(va, pa, size, flags & AM_PT_F_BLOCK,
					     flags & AM_PT_F_CONTIG, pt->root_level));
	/* spot checks through the hardware's eyes */
	expect_map(va, pa, VMSA_ACC_R);
	expect_map(va + size - K4, pa + size - K4, VMSA_ACC_W);
	expect_map(va + size / 2, pa + size / 2, VMSA_ACC_R);
	expect_fault(va + size, VMSA_ACC_R, VMSA_F_TRANSLATION);
	assert_int_equal(am_pt_unmap(pt, am_va(va), size), 0);
	check();
	assert_int_equal(am_pt_tables(pt), 1);
	expect_fault(va, VMSA_ACC_R, VMSA_F_TRANSLATION);
	teardown(NULL);
}

static void test_block_sizes(void **state)
{
	struct am_pt *pt = setup(AM_PT_S1_EL2, 39);
	struct am_pt_leaf l;

	(void)state;
	/* 1 GiB aligned both sides: one level-1 block, no table */
	assert_int_equal(am_pt_map(pt, am_va(G1), am_pa(2 * G1), G1, &RW, AM_PT_F_BLOCK), 0);
	check();
	assert_int_equal(am_pt_tables(pt), 1);
	assert_int_equal(am_pt_query(pt, am_va(G1 + 0x12345), &l), 0);
	assert_int_equal(l.level, 1);
	assert_int_equal(l.size, G1);
	assert_int_equal(am_va_val(l.va), G1);
	assert_int_equal(am_pa_val(l.pa), 2 * G1);
	assert_int_equal(xlate(G1 + 0x12345, VMSA_ACC_R).leaf_size, G1);
	/* VA 1 GiB aligned but PA only 2 MiB aligned: 2 MiB blocks */
	assert_int_equal(am_pt_map(pt, am_va(2 * G1), am_pa(0x80200000), G1, &RW, AM_PT_F_BLOCK),
			 0);
	check();
	assert_int_equal(am_pt_query(pt, am_va(2 * G1 + 0x300000), &l), 0);
	assert_int_equal(l.level, 2);
	assert_int_equal(am_pa_val(l.pa), 0x80200000 + 0x200000);
	/* without AM_PT_F_BLOCK: pages, even when aligned */
	assert_int_equal(am_pt_map(pt, am_va(4 * G1), am_pa(4 * G1), M2, &RW, 0), 0);
	check();
	assert_int_equal(am_pt_query(pt, am_va(4 * G1), &l), 0);
	assert_int_equal(l.level, 3);
	teardown(NULL);

	/* minimal decomposition with mixed alignment, 39- and 48-bit inputs */
	map_and_compare(39, G1 - M2 - 3 * K4, 0x100000000ull - M2 - 3 * K4,
			2 * G1 + 5 * M2 + 7 * K4, AM_PT_F_BLOCK);
	map_and_compare(39, G1 - M2 - 3 * K4, 0x100000000ull - M2 - 3 * K4,
			2 * G1 + 5 * M2 + 7 * K4, AM_PT_F_BLOCK | AM_PT_F_CONTIG);
	map_and_compare(48, (1ull << 39) - G1 - 64 * K4, 0x200000000ull - 64 * K4,
			2 * G1 + 64 * K4 + 40 * M2, AM_PT_F_BLOCK | AM_PT_F_CONTIG);
	map_and_compare(39, 0x10000, 0x30000, 3 * M2, AM_PT_F_CONTIG);
	map_and_compare(39, 0x11000, 0x31000, 3 * M2, AM_PT_F_CONTIG | AM_PT_F_BLOCK);
	/* PA misaligned against VA by 4 KiB: all pages, no contiguous run */
	map_and_compare(39, 0x200000, 0x401000, 4 * M2, AM_PT_F_CONTIG | AM_PT_F_BLOCK);
}

/* Random ranges: the shape is always the minimal decomposition. */
static void test_minimal_random(void **state)
{
	(void)state;
	srand(1234);
	for (int i = 0; i < 40; i++) {
		uint64_t va = ((uint64_t)(rand() % 4096) << 21) | ((uint64_t)(rand() % 512) << 12);
		uint64_t pa = ((uint64_t)(rand() % 4096) << 21) |
			      ((rand() % 3) ? (va & 0x1ff000) : ((uint64_t)(rand() % 512) << 12));
		uint64_t size =
			((uint64_t)(rand() % 1200) << 12) + ((uint64_t)(rand() % 3) << 21) + K4;
		unsigned int flags = (unsigned int)(rand() % 4);

		if (rand() % 4 == 0) { /* sometimes 1 GiB aligned and big */
			va &= ~(G1 - 1);
			pa = (pa & ~(G1 - 1)) + ((rand() % 2) ? 0 : M2);
			size += G1;
		}
		map_and_compare(i % 2 ? 39 : 48, va, pa, size, flags);
	}
}

/* ------------------------------------------------------------ shatter -- */

static void test_unmap_shatters_block(void **state)
{
	struct am_pt *pt = setup(AM_PT_S1_EL2, 39);
	uint64_t blk = 0x40000000, pa = 0x80000000, hole = blk + 0x7000;
	struct am_pt_leaf l;

	(void)state;
	assert_int_equal(am_pt_map(pt, am_va(blk), am_pa(pa), M2, &RW, AM_PT_F_BLOCK), 0);
	check();
	assert_int_equal(am_pt_tables(pt), 2);
	tlbm_watch(&H.tlb, blk, M2, K4);
	tlbm_fill(&H.tlb); /* the hardware has the block cached */
	assert_int_equal(am_pt_unmap(pt, am_va(hole), K4), 0);
	check();
	assert_int_equal(am_pt_tables(pt), 3);
	expect_fault(hole, VMSA_ACC_R, VMSA_F_TRANSLATION);
	for (uint64_t a = blk; a < blk + M2; a += K4)
		if (a != hole)
			expect_map(a, pa + (a - blk), VMSA_ACC_R | VMSA_ACC_W);
	assert_int_equal(am_pt_query(pt, am_va(hole - K4), &l), 0);
	assert_int_equal(l.level, 3);
	assert_int_equal(am_pt_query(pt, am_va(hole), &l), AM_ENOENT);
	/* break-before-make: exactly one invalidation, of the block, leaf, level 2 */
	assert_int_equal(H.tlbi, 1);
	assert_int_equal(H.last_tlbi.addr, blk);
	assert_int_equal(H.last_tlbi.level, 2);
	assert_int_equal(H.last_tlbi.leaf, 1);
	assert_true(am_host_pt_logged(&H, AM_EV_PT_BREAK, ~0ull) <= 1);
	/* the rest comes off page by page; the last one frees the table */
	assert_int_equal(am_pt_unmap(pt, am_va(blk), hole - blk), 0);
	check();
	assert_int_equal(am_pt_unmap(pt, am_va(hole + K4), blk + M2 - hole - K4), 0);
	check();
	assert_int_equal(am_pt_tables(pt), 1);
}

static void test_unmap_shatters_1g(void **state)
{
	struct am_pt *pt = setup(AM_PT_S1_EL2, 39);
	uint64_t hole = G1 + 0x12345000;

	(void)state;
	assert_int_equal(am_pt_map(pt, am_va(G1), am_pa(0), G1, &RW, AM_PT_F_BLOCK), 0);
	tlbm_watch(&H.tlb, G1, G1, M2);
	tlbm_watch(&H.tlb, hole - 4 * K4, 8 * K4, K4);
	tlbm_fill(&H.tlb);
	H.tlbi = H.complete = 0;
	assert_int_equal(am_pt_unmap(pt, am_va(hole), K4), 0);
	check();
	/* one break-before-make of the 1 GiB block; the new tables below it were
	 * built off-line and need none */
	assert_int_equal(H.tlbi, 1);
	assert_int_equal(H.complete, 2);
	assert_int_equal(H.last_tlbi.addr, G1);
	assert_int_equal(H.last_tlbi.level, 1);
	assert_int_equal(am_pt_tables(pt), 3); /* L2 from the 1 GiB block, L3 around the hole */
	struct shape sh = shape();
	assert_int_equal(sh.leaves[1], 0);
	assert_int_equal(sh.leaves[2], 511);
	assert_int_equal(sh.leaves[3], 511);
	expect_fault(hole, VMSA_ACC_R, VMSA_F_TRANSLATION);
	expect_map(hole + K4, hole + K4 - G1, VMSA_ACC_R);
	expect_map(G1, 0, VMSA_ACC_R);
	expect_map(2 * G1 - K4, G1 - K4, VMSA_ACC_R);
}

static void test_modify_shatters_block(void **state)
{
	struct am_pt *pt = setup(AM_PT_S1_EL2, 39);
	uint64_t blk = 0x40200000, pg = blk + 0x1ff000;

	(void)state;
	assert_int_equal(am_pt_map(pt, am_va(blk), am_pa(blk), M2, &RW, AM_PT_F_BLOCK), 0);
	tlbm_watch(&H.tlb, blk, M2, K4);
	tlbm_fill(&H.tlb);
	assert_int_equal(am_pt_modify(pt, am_va(pg), K4, &RO, 0), 0);
	check();
	expect_fault(pg, VMSA_ACC_W, VMSA_F_PERMISSION);
	expect_map(pg, pg, VMSA_ACC_R);
	expect_map(pg - K4, pg - K4, VMSA_ACC_W);
	expect_map(blk, blk, VMSA_ACC_W);
	assert_int_equal(am_pt_tables(pt), 3);
	/* modifying the whole block back needs no new table */
	assert_int_equal(am_pt_modify(pt, am_va(blk), M2, &RW, 0), 0);
	check();
	expect_map(pg, pg, VMSA_ACC_W);
}

/* ---------------------------------------------------- contiguous runs -- */

static void test_contig_runs(void **state)
{
	struct am_pt *pt = setup(AM_PT_S1_EL2, 39);
	uint64_t va = 0x40000000, pa = 0x90000000;
	struct shape sh;

	(void)state;
	assert_int_equal(am_pt_map(pt, am_va(va), am_pa(pa), 32 * K4, &RW, AM_PT_F_CONTIG), 0);
	check();
	sh = shape();
	assert_int_equal(sh.contig[3], 32);
	assert_int_equal(xlate(va + 5 * K4, VMSA_ACC_R).tlb_size, 16 * K4);
	tlbm_watch(&H.tlb, va, 32 * K4, K4);
	tlbm_fill(&H.tlb);
	/* a page out of the first run: the run loses its hint, the second keeps it;
	 * every page of the run is invalidated (a TLB may hold them one by one) */
	H.nring = 0;
	assert_int_equal(am_pt_unmap(pt, am_va(va + 3 * K4), K4), 0);
	check();
	for (unsigned int i = 0; i < 16; i++) {
		bool seen = false;

		for (unsigned long n = 0; n < H.nring; n++) {
			const struct am_host_pt_tlbi *t = am_host_pt_tlbi_at(&H, n);

			seen |= t && !t->all && t->addr == va + i * K4 && t->leaf;
		}
		if (!seen)
			fail_msg("no TLBI for page %u of the broken run", i);
	}
	assert_int_equal(H.nring, 16); /* and the hole is not invalidated twice */
	sh = shape();
	assert_int_equal(sh.leaves[3], 31);
	assert_int_equal(sh.contig[3], 16);
	expect_fault(va + 3 * K4, VMSA_ACC_R, VMSA_F_TRANSLATION);
	for (int i = 0; i < 32; i++)
		if (i != 3)
			expect_map(va + i * K4, pa + i * K4, VMSA_ACC_W);
	/* the whole second run modified: hint kept */
	tlbm_fill(&H.tlb);
	assert_int_equal(am_pt_modify(pt, am_va(va + 16 * K4), 16 * K4, &RO, 0), 0);
	check();
	assert_int_equal(shape().contig[3], 16);
	expect_fault(va + 20 * K4, VMSA_ACC_W, VMSA_F_PERMISSION);
	/* part of it modified: hint gone, ordered */
	tlbm_fill(&H.tlb);
	assert_int_equal(am_pt_modify(pt, am_va(va + 16 * K4), 2 * K4, &RW, 0), 0);
	check();
	assert_int_equal(shape().contig[3], 0);
	expect_map(va + 17 * K4, pa + 17 * K4, VMSA_ACC_W);
	expect_fault(va + 18 * K4, VMSA_ACC_W, VMSA_F_PERMISSION);
	teardown(NULL);

	/* a range that starts before a run and ends inside it */
	pt = setup(AM_PT_S1_EL2, 39);
	assert_int_equal(am_pt_map(pt, am_va(va - K4), am_pa(pa - K4), K4, &RW, 0), 0);
	assert_int_equal(am_pt_map(pt, am_va(va), am_pa(pa), 16 * K4, &RW, AM_PT_F_CONTIG), 0);
	tlbm_watch(&H.tlb, va - K4, 17 * K4, K4);
	tlbm_fill(&H.tlb);
	assert_int_equal(am_pt_modify(pt, am_va(va - K4), 3 * K4, &RO, 0), 0);
	check();
	for (int i = 2; i < 16; i++)
		expect_map(va + i * K4, pa + i * K4, VMSA_ACC_W);
	expect_fault(va + K4, VMSA_ACC_W, VMSA_F_PERMISSION);
	assert_int_equal(am_pt_unmap(pt, am_va(va - K4), 3 * K4), 0);
	check();
	for (int i = 2; i < 16; i++)
		expect_map(va + i * K4, pa + i * K4, VMSA_ACC_W);
	expect_fault(va + K4, VMSA_ACC_R, VMSA_F_TRANSLATION);
	assert_int_equal(shape().contig[3], 0);
}

static void test_contig_blocks(void **state)
{
	struct am_pt *pt = setup(AM_PT_S1_EL2, 39);
	uint64_t va = 0x40000000; /* 16 x 2 MiB = 32 MiB */

	(void)state;
	assert_int_equal(
		am_pt_map(pt, am_va(va), am_pa(va), 16 * M2, &RW, AM_PT_F_BLOCK | AM_PT_F_CONTIG),
		0);
	check();
	assert_int_equal(shape().contig[2], 16);
	assert_int_equal(xlate(va, VMSA_ACC_R).tlb_size, 16 * M2);
	tlbm_watch(&H.tlb, va, 16 * M2, M2 / 2);
	tlbm_fill(&H.tlb);
	assert_int_equal(am_pt_unmap(pt, am_va(va + 5 * M2 + K4), K4), 0);
	check();
	struct shape sh = shape();
	assert_int_equal(sh.contig[2], 0);
	assert_int_equal(sh.contig[3], 0); /* pages split from the block: no hint */
	assert_int_equal(sh.leaves[2], 15);
	assert_int_equal(sh.leaves[3], 511);
	expect_map(va + 5 * M2, va + 5 * M2, VMSA_ACC_R);
	expect_fault(va + 5 * M2 + K4, VMSA_ACC_R, VMSA_F_TRANSLATION);
}

/*
 * Issue 10, fuzz finding 1: a populated, empty level-3 table in the first
 * 2 MiB of an aligned run of 16 blocks. The run holds a table descriptor,
 * so none of its 15 blocks may carry the contiguous hint (a misprogrammed
 * run is CONSTRAINED UNPREDICTABLE; the walker model flags it).
 */
static void test_contig_run_with_table(void **state)
{
	struct am_pt *pt = setup(AM_PT_S1_EL2, 39);
	uint64_t va = 0x40000000; /* 32 MiB aligned */
	struct shape sh;

	(void)state;
	assert_int_equal(am_pt_populate(pt, am_va(va), K4), 0);
	assert_int_equal(
		am_pt_map(pt, am_va(va), am_pa(va), 16 * M2, &RW, AM_PT_F_BLOCK | AM_PT_F_CONTIG),
		0);
	check();
	sh = shape();
	assert_int_equal(sh.leaves[3], 512);
	assert_int_equal(sh.leaves[2], 15);
	assert_int_equal(sh.contig[2], 0);
	for (unsigned int i = 0; i < 16; i++)
		expect_map(va + i * M2 + 3 * K4, va + i * M2 + 3 * K4, VMSA_ACC_W);
	/* the next run, free of tables, keeps its hint */
	assert_int_equal(am_pt_map(pt, am_va(va + 16 * M2), am_pa(va + 16 * M2), 16 * M2, &RW,
				   AM_PT_F_BLOCK | AM_PT_F_CONTIG),
			 0);
	check();
	assert_int_equal(shape().contig[2], 16);
}

/*
 * Issue 10, fuzz finding 2: nothing mapped in the range, an empty populated
 * table wholly inside it at a later entry. The map goes around (and into)
 * that table, as it does when the table is the first entry: no AM_EEXIST.
 */
static void test_map_over_later_empty_table(void **state)
{
	struct am_pt *pt = setup(AM_PT_S1_EL2, 39);
	uint64_t va = 0x40000000;

	(void)state;
	assert_int_equal(am_pt_populate(pt, am_va(va + 3 * M2), K4), 0);
	assert_int_equal(am_pt_map(pt, am_va(va), am_pa(0x80000000), 8 * M2, &RW, AM_PT_F_BLOCK),
			 0);
	check();
	assert_int_equal(shape().leaves[2], 7);
	assert_int_equal(shape().leaves[3], 512);
	for (unsigned int i = 0; i < 8; i++)
		expect_map(va + i * M2 + 5 * K4, 0x80000000 + i * M2 + 5 * K4, VMSA_ACC_W);
	/* and at level 1: a populated L2 table at a later 1 GiB entry */
	teardown(NULL);
	pt = setup(AM_PT_S1_EL2, 39);
	assert_int_equal(am_pt_populate(pt, am_va(2 * G1 + M2), K4), 0);
	assert_int_equal(am_pt_map(pt, am_va(G1), am_pa(G1), 3 * G1, &RW, AM_PT_F_BLOCK), 0);
	check();
	assert_int_equal(shape().leaves[1], 2);
	expect_map(2 * G1 + M2 + K4, 2 * G1 + M2 + K4, VMSA_ACC_R);
	expect_map(3 * G1 + K4, 3 * G1 + K4, VMSA_ACC_R);
	/* a leaf at a later entry is still refused, and nothing changes */
	teardown(NULL);
	pt = setup(AM_PT_S1_EL2, 39);
	assert_int_equal(am_pt_populate(pt, am_va(va + M2), K4), 0);
	assert_int_equal(am_pt_map(pt, am_va(va + 3 * M2), am_pa(va), M2, &RW, AM_PT_F_BLOCK), 0);
	snap();
	assert_int_equal(am_pt_map(pt, am_va(va), am_pa(0x80000000), 8 * M2, &RW, AM_PT_F_BLOCK),
			 AM_EEXIST);
	unchanged();
	check();
}

/* ------------------------------------------------ removed leaves, reported -- */

#define REP_MAX 4096u

/* What the reporting calls told, and what was wrong when they told it. */
static struct {
	unsigned int n;
	struct am_pt_leaf l[REP_MAX];
	unsigned long calls_at[REP_MAX]; /* H.complete when it was reported */
	unsigned int bad;
	char why[200];
} RL;

static void rep_bad(const char *what, const struct am_pt_leaf *l)
{
	if (!RL.bad++)
		snprintf(RL.why, sizeof(RL.why), "leaf %#llx (level %u): %s",
			 (unsigned long long)am_va_val(l->va), l->level, what);
}

/*
 * Each reported leaf: its invalidation completed (no TLBI open, the last
 * barrier a COMPLETE), no walk of the table reaches either end of it, the
 * TLB model holds no translation of it.
 */
static void on_removed(void *arg, const struct am_pt_leaf *l)
{
	struct vmsa_result r;

	(void)arg;
	if (RL.n < REP_MAX) {
		RL.l[RL.n] = *l;
		RL.calls_at[RL.n] = H.complete;
	}
	RL.n++;
	if (H.open_tlbi || H.last_bar != AM_HOST_PT_BAR_COMPLETE)
		rep_bad("reported before its invalidation completed", l);
	vmsa_access(&VC, am_host_pt_read, &H, am_va_val(l->va), VMSA_ACC_R, &r);
	if (r.fault == VMSA_OK)
		rep_bad("still translates (first page)", l);
	vmsa_access(&VC, am_host_pt_read, &H, am_va_val(l->va) + l->size - K4, VMSA_ACC_R, &r);
	if (r.fault == VMSA_OK)
		rep_bad("still translates (last page)", l);
	if (H.tlb_on && (tlbm_lookup(&H.tlb, am_va_val(l->va)) ||
			 tlbm_lookup(&H.tlb, am_va_val(l->va) + l->size - K4)))
		rep_bad("the TLB model still holds it", l);
}

static void rep_reset(void)
{
	memset(&RL, 0, sizeof(RL));
}

static void rep_ok(void)
{
	if (RL.bad)
		fail_msg("%u bad reports; first: %s", RL.bad, RL.why);
}

/*
 * The leaves reported tile exactly the mapped part of [lo, hi): in address
 * order, no overlap, each one a descriptor's span (aligned, 4 KiB, 2 MiB
 * or 1 GiB at its level) whose PA is @pa_of(va), with the attributes and
 * software bits given.
 */
static void rep_tiles(uint64_t lo, uint64_t hi, uint64_t mapped, uint64_t delta,
		      const struct am_attr *a, unsigned int sw)
{
	uint64_t sum = 0, prev_end = lo;

	assert_true(RL.n <= REP_MAX);
	for (unsigned int i = 0; i < RL.n; i++) {
		const struct am_pt_leaf *l = &RL.l[i];

		if (am_va_val(l->va) < prev_end || am_va_val(l->va) + l->size > hi)
			fail_msg("leaf %u at %#llx: out of order or outside the range", i,
				 (unsigned long long)am_va_val(l->va));
		assert_int_equal(l->size, 1ull << am_pt_level_shift(l->level));
		assert_int_equal(am_va_val(l->va) & (l->size - 1), 0);
		assert_int_equal(am_pa_val(l->pa), am_va_val(l->va) + delta);
		assert_int_equal(l->pte & AM_PTE_OA_MASK, am_pa_val(l->pa));
		assert_int_equal(l->attr.perm, a->perm);
		assert_int_equal(l->attr.mtype, a->mtype);
		assert_int_equal(l->sw, sw);
		assert_int_equal(l->valid, 1);
		/* a page has bit 1 set, a block not */
		assert_int_equal((l->pte >> 1) & 1u, l->level == 3);
		prev_end = am_va_val(l->va) + l->size;
		sum += l->size;
	}
	assert_int_equal(sum, mapped);
}

/*
 * am_pt_unmap_report(): every way a leaf goes (the single-leaf path, once
 * mode, the per-entry loop, a wholly covered table torn down, a block
 * broken, a contiguous run broken), in batches that fill up, each leaf
 * reported only once its invalidation completed and no walk reaches it.
 */
static void test_unmap_report(void **state)
{
	struct am_pt *pt = setup(AM_PT_S1_EL2, 39);
	const uint64_t base = G1, pa = 0x80000000, delta = pa - base;
	uint64_t lo, hi;

	(void)state;
	/* 4 MiB of pages (two level-3 tables, contiguous runs), then 2 MiB blocks */
	assert_int_equal(
		am_pt_map(pt, am_va(base), am_pa(pa), 2 * M2, &RW, AM_PT_F_CONTIG | AM_PT_F_SW(5)),
		0);
	assert_int_equal(am_pt_map(pt, am_va(base + 2 * M2), am_pa(pa + 2 * M2), 4 * M2, &RW,
				   AM_PT_F_BLOCK | AM_PT_F_SW(5)),
			 0);
	check();
	tlbm_watch(&H.tlb, base, 6 * M2, K4);
	tlbm_fill(&H.tlb);

	/* the single-leaf path: one page out of a run-free spot is not possible
	 * here (all pages are in runs), so one whole 2 MiB block */
	rep_reset();
	assert_int_equal(am_pt_unmap_report(pt, am_va(base + 5 * M2), M2, on_removed, NULL), 0);
	check();
	rep_ok();
	assert_int_equal(RL.n, 1);
	rep_tiles(base + 5 * M2, base + 6 * M2, M2, delta, &RW, 5);

	/*
	 * From the middle of a contiguous run of the first table, through the
	 * whole second table (torn down: 512 leaves, reported in batches), to
	 * the middle of a 2 MiB block (broken: its first 3 pages reported).
	 */
	lo = base + 40 * K4;
	hi = base + 2 * M2 + 3 * K4;
	rep_reset();
	assert_int_equal(am_pt_unmap_report(pt, am_va(lo), hi - lo, on_removed, NULL), 0);
	check();
	rep_ok();
	rep_tiles(lo, hi, hi - lo, delta, &RW, 5);
	assert_int_equal(RL.n, (512 - 40) + 512 + 3);
	for (uint64_t a = lo; a < hi; a += K4)
		expect_fault(a, VMSA_ACC_R, VMSA_F_TRANSLATION);
	expect_map(lo - K4, pa + 39 * K4, VMSA_ACC_R);
	expect_map(hi, pa + (hi - base), VMSA_ACC_R);

	/* part of a block and whole blocks: 2 MiB + 4 KiB into the next block */
	lo = base + 3 * M2 + M2 / 2;
	hi = base + 4 * M2 + 4 * K4;
	rep_reset();
	assert_int_equal(am_pt_unmap_report(pt, am_va(lo), hi - lo, on_removed, NULL), 0);
	check();
	rep_ok();
	rep_tiles(lo, hi, hi - lo, delta, &RW, 5);
	assert_int_equal(RL.n, 256 + 4);

	/*
	 * 100 pages whose output addresses do not follow one another: one
	 * record each, so the buffer fills and is reported during the walk,
	 * each batch after its own COMPLETE.
	 */
	lo = base + 16 * M2;
	for (unsigned int i = 0; i < 100; i++)
		assert_int_equal(
			am_pt_map(pt, am_va(lo + i * K4), am_pa(pa + 2 * i * K4), K4, &RO, 0), 0);
	check();
	tlbm_watch(&H.tlb, lo, 100 * K4, K4);
	tlbm_fill(&H.tlb);
	rep_reset();
	assert_int_equal(am_pt_unmap_report(pt, am_va(lo), 100 * K4, on_removed, NULL), 0);
	check();
	rep_ok();
	assert_int_equal(RL.n, 100);
	for (unsigned int i = 0; i < 100; i++) {
		assert_int_equal(am_va_val(RL.l[i].va), lo + i * K4);
		assert_int_equal(am_pa_val(RL.l[i].pa), pa + 2 * i * K4);
		assert_int_equal(RL.l[i].attr.perm, RO.perm);
	}
	/* batches: reports came out during the walk, not all at its end */
	assert_true(RL.calls_at[0] < RL.calls_at[RL.n - 1]);

	/* once mode: 8 pages in one table; nothing there: nothing reported */
	rep_reset();
	assert_int_equal(am_pt_unmap_report(pt, am_va(base + 8 * K4), 8 * K4, on_removed, NULL), 0);
	check();
	rep_ok();
	assert_int_equal(RL.n, 8);
	rep_tiles(base + 8 * K4, base + 16 * K4, 8 * K4, delta, &RW, 5);
	rep_reset();
	assert_int_equal(am_pt_unmap_report(pt, am_va(base + 8 * K4), 8 * K4, on_removed, NULL), 0);
	assert_int_equal(RL.n, 0);

	/* refusals: nothing reported, nothing changed */
	assert_int_equal(am_pt_map(pt, am_va(base + 8 * M2), am_pa(pa), M2, &RW, AM_PT_F_BLOCK), 0);
	snap();
	assert_int_equal(am_pt_unmap_report(pt, am_va(base), K4, NULL, NULL), AM_EINVAL);
	assert_int_equal(am_pt_unmap_report(pt, am_va(base + 1), K4, on_removed, NULL), AM_EINVAL);
	assert_int_equal(am_pt_unmap_report(pt, am_va(1ull << 39), K4, on_removed, NULL),
			 AM_ERANGE);
	assert_int_equal(RL.n, 0);
	unchanged();
	/* a block to break with no page for it */
	am_host_pt_fail_at(&H, 0);
	assert_int_equal(
		am_pt_unmap_report(pt, am_va(base + 8 * M2 + M2 / 2), K4, on_removed, NULL),
		AM_ENOMEM);
	am_host_pt_fail_at(&H, -1);
	assert_int_equal(RL.n, 0);
	unchanged();
	check();
}

/* Parked leaves are reported too (valid 0), with no TLB maintenance for them. */
/*
 * A live subtree torn down while reporting: 100 pages, each alone in its
 * level-3 table and with an output address that does not follow the last
 * one (a record each), so the report batch is flushed many times in the
 * middle of the teardown, each flush a list of invalidations, not the
 * whole regime. Every leaf must still be invalidated before it is
 * reported (on_removed() asks the TLB model): only a whole-regime
 * invalidation may let the rest of a subtree go without its own.
 */
static void test_unmap_report_teardown(void **state)
{
	struct am_pt *pt = setup(AM_PT_S1_EL2, 39);

	(void)state;
	for (unsigned int i = 0; i < 100; i++) {
		uint64_t va = G1 + (uint64_t)i * 5 * M2 + (uint64_t)(i % 7) * K4;

		assert_int_equal(am_pt_map(pt, am_va(va), am_pa(0x80000000 + (uint64_t)i * 3 * K4),
					   K4, &RW, 0),
				 0);
		tlbm_watch(&H.tlb, va, K4, K4);
	}
	check();
	tlbm_fill(&H.tlb);
	H.complete = 0;
	rep_reset();
	assert_int_equal(am_pt_unmap_report(pt, am_va(G1), G1, on_removed, NULL), 0);
	check();
	rep_ok();
	assert_int_equal(RL.n, 100);
	assert_true(H.complete > 2); /* the report batches were flushed on the way */
	assert_int_equal(am_pt_tables(pt), 1);
}

static void test_unmap_report_parked(void **state)
{
	struct am_pt *pt = setup(AM_PT_S2, 40);

	(void)state;
	assert_int_equal(
		am_pt_map(pt, am_va(0), am_pa(0x80000000), M2, &RW, AM_PT_F_BLOCK | AM_PT_F_PARKED),
		0);
	check();
	H.tlbi = H.tlbi_all = 0;
	rep_reset();
	/* breaking the parked block needs no break-before-make */
	assert_int_equal(am_pt_unmap_report(pt, am_va(0), 2 * K4, on_removed, NULL), 0);
	check();
	rep_ok();
	assert_int_equal(RL.n, 2);
	assert_int_equal(RL.l[0].valid, 0);
	assert_int_equal(RL.l[0].level, 3);
	assert_int_equal(am_pa_val(RL.l[1].pa), 0x80000000 + K4);
	assert_int_equal(H.tlbi + H.tlbi_all, 0);
}

/*
 * am_pt_destroy_report(): one walk (each table read once), every leaf
 * reported once the regime's one invalidation completed, no other TLB
 * maintenance, every page back.
 */
static void test_destroy_report(void **state)
{
	struct am_pt *pt = setup_counting(AM_PT_S2, 40);
	const uint64_t pa = 0x80000000;
	unsigned long tva0, complete0;
	size_t tables;

	(void)state;
	assert_int_equal(
		am_pt_map(pt, am_va(G1), am_pa(pa), G1 + 2 * M2 + 5 * K4, &RW, AM_PT_F_BLOCK), 0);
	assert_int_equal(am_pt_map(pt, am_va(8 * G1 + 7 * K4), am_pa(pa + 8 * G1), 3 * K4, &RO, 0),
			 0);
	assert_int_equal(
		am_pt_map(pt, am_va(600 * G1), am_pa(pa), M2, &RW, AM_PT_F_BLOCK | AM_PT_F_PARKED),
		0);
	check();
	tlbm_watch(&H.tlb, G1, G1 + 4 * M2, M2);
	tlbm_watch(&H.tlb, 8 * G1, M2, K4);
	tlbm_fill(&H.tlb);
	tables = am_pt_tables(pt);
	rep_reset();
	H.tlbi = H.tlbi_all = 0;
	tva0 = TVA_CALLS;
	complete0 = H.complete;
	assert_int_equal(am_pt_destroy_report(pt, on_removed, NULL), 0);
	rep_ok();
	/* one walk: every table but the root read once */
	assert_int_equal(TVA_CALLS - tva0, tables - 1);
	/* the regime once, whole; nothing else */
	assert_int_equal(H.tlbi, 0);
	assert_int_equal(H.tlbi_all, 1);
	assert_int_equal(H.complete - complete0, 1);
	assert_int_equal(H.in_use, 0);
	assert_int_equal(H.bad_frees, 0);
	assert_int_equal(H.tlb.freed_in_use, 0);
	/* 1 GiB block, two 2 MiB blocks, 5 pages, 3 pages, a parked 2 MiB block */
	assert_int_equal(RL.n, 1 + 2 + 5 + 3 + 1);
	assert_int_equal(am_va_val(RL.l[0].va), G1);
	assert_int_equal(RL.l[0].level, 1);
	assert_int_equal(RL.l[2].level, 2);
	assert_int_equal(am_pa_val(RL.l[3].pa), pa + G1 + 2 * M2);
	assert_int_equal(am_va_val(RL.l[8].va), 8 * G1 + 7 * K4);
	assert_int_equal(RL.l[8].attr.perm, RO.perm);
	assert_int_equal(RL.l[11].valid, 0);
	assert_int_equal(am_va_val(RL.l[11].va), 600 * G1);
	/* not ready now: refused, with no report */
	rep_reset();
	assert_int_equal(am_pt_destroy_report(pt, on_removed, NULL), AM_EINVAL);
	assert_int_equal(RL.n, 0);
	memset(&PT, 0, sizeof(PT));
}

/* Without a report, destroy reads no last-level table: one read per table above. */
static void test_destroy_one_walk(void **state)
{
	struct am_pt *pt = setup_counting(AM_PT_S1_EL2, 48);
	unsigned long tva0;
	size_t tables;

	(void)state;
	assert_int_equal(am_pt_map(pt, am_va(0), am_pa(0x80000000), 3 * M2 + 5 * K4, &RW, 0), 0);
	assert_int_equal(am_pt_map(pt, am_va(1ull << 40), am_pa(0x80000000), 5 * K4, &RW, 0), 0);
	am_host_pt_tlb_flush(&H);
	H.tlb_on = false;
	tables = am_pt_tables(pt);
	assert_int_equal(tables, 1 + 2 + 2 + 5);
	tva0 = TVA_CALLS;
	am_pt_destroy(pt);
	assert_int_equal(TVA_CALLS - tva0, tables - 1);
	assert_int_equal(H.in_use, 0);
	assert_int_equal(H.bad_frees, 0);
	assert_int_equal(H.tlbi + H.tlbi_all, 0);
	memset(&PT, 0, sizeof(PT));
}

/* -------------------------------------------------------------- unmap -- */

static void test_unmap_frees_tables(void **state)
{
	struct am_pt *pt = setup(AM_PT_S1_EL2, 48);
	uint64_t va = 0x123400000000ull;

	(void)state;
	assert_int_equal(am_pt_map(pt, am_va(va), am_pa(0x40000000), 3 * K4, &RW, 0), 0);
	check();
	assert_int_equal(am_pt_tables(pt), 4);
	tlbm_watch(&H.tlb, va, 4 * K4, K4);
	tlbm_fill(&H.tlb);
	assert_int_equal(am_pt_unmap(pt, am_va(va + K4), K4), 0);
	check();
	assert_int_equal(am_pt_tables(pt), 4);
	assert_int_equal(am_pt_unmap(pt, am_va(va), K4), 0);
	assert_int_equal(am_pt_unmap(pt, am_va(va + 2 * K4), K4), 0);
	check();
	assert_int_equal(am_pt_tables(pt), 1);
	assert_int_equal(H.in_use, 1);
	expect_fault(va, VMSA_ACC_R, VMSA_F_TRANSLATION);
	/* entries 0 and 511 of one table: the table stays while one is left */
	assert_int_equal(am_pt_map(pt, am_va(va), am_pa(0x40000000), K4, &RW, 0), 0);
	assert_int_equal(am_pt_map(pt, am_va(va + 511 * K4), am_pa(0x40001000), K4, &RW, 0), 0);
	assert_int_equal(am_pt_unmap(pt, am_va(va), K4), 0);
	check();
	assert_int_equal(am_pt_tables(pt), 4);
	expect_map(va + 511 * K4, 0x40001000, VMSA_ACC_R);
	assert_int_equal(am_pt_unmap(pt, am_va(va + 511 * K4), K4), 0);
	check();
	assert_int_equal(am_pt_tables(pt), 1);
	/* a block, then pages in a table next to it: one unmap frees everything */
	assert_int_equal(am_pt_map(pt, am_va(va), am_pa(0x40000000), M2, &RW, AM_PT_F_BLOCK), 0);
	assert_int_equal(am_pt_map(pt, am_va(va + M2), am_pa(0x40200000), 2 * K4, &RW, 0), 0);
	tlbm_watch(&H.tlb, va, M2 + 2 * K4, 64 * K4);
	tlbm_fill(&H.tlb);
	assert_int_equal(am_pt_unmap(pt, am_va(va), 4 * M2), 0);
	check();
	assert_int_equal(am_pt_tables(pt), 1);
	/* a whole 512 GiB span with a few pages: the walks are invalidated one by one */
	assert_int_equal(am_pt_map(pt, am_va(va), am_pa(0x40000000), 3 * K4, &RW, 0), 0);
	tlbm_fill(&H.tlb);
	H.tlbi_all = 0;
	assert_int_equal(am_pt_unmap(pt, am_va(va & ~((1ull << 39) - 1)), 1ull << 39), 0);
	check();
	assert_int_equal(H.tlbi_all, 0);
	assert_int_equal(am_pt_tables(pt), 1);
	/* a table under a whole-span unmap goes in one piece */
	assert_int_equal(am_pt_map(pt, am_va(va), am_pa(0x40000000), 700 * K4, &RW, 0), 0);
	tlbm_fill(&H.tlb);
	assert_int_equal(am_pt_unmap(pt, am_va(va & ~((1ull << 39) - 1)), 1ull << 39), 0);
	check();
	assert_int_equal(am_pt_tables(pt), 1);
}

static void test_unmap_harmless(void **state)
{
	struct am_pt *pt = setup(AM_PT_S1_EL2, 39);

	(void)state;
	assert_int_equal(am_pt_map(pt, am_va(0x40000000), am_pa(0x40000000), K4, &RW, 0), 0);
	check();
	snap();
	assert_int_equal(am_pt_unmap(pt, am_va(0x80000000), G1), 0);
	assert_int_equal(am_pt_unmap(pt, am_va(0x40001000), 8 * K4), 0);
	unchanged();
	assert_int_equal(am_pt_unmap(NULL, am_va(0), K4), AM_EINVAL);
	assert_int_equal(am_pt_unmap(pt, am_va(0x800), K4), AM_EINVAL);
	assert_int_equal(am_pt_unmap(pt, am_va(0), 0), AM_EINVAL);
	assert_int_equal(am_pt_unmap(pt, am_va(0xfffffffffffff000ull), 2 * K4), AM_EOVERFLOW);
	assert_int_equal(am_pt_unmap(pt, am_va(1ull << 39), K4), AM_ERANGE);
	check();
	/* parked entries go without TLB maintenance */
	assert_int_equal(
		am_pt_map(pt, am_va(0x50000000), am_pa(0x50000000), 4 * K4, &DEV, AM_PT_F_PARKED),
		0);
	expect_fault(0x50000000, VMSA_ACC_R, VMSA_F_TRANSLATION);
	H.tlbi = 0;
	assert_int_equal(am_pt_unmap(pt, am_va(0x50000000), 4 * K4), 0);
	check();
	/* no leaf invalidation; only the walk through the table freed empty */
	assert_int_equal(H.tlbi_all, 0);
	assert_int_equal(H.tlbi, 1);
	assert_int_equal(H.last_tlbi.leaf, 0);
	assert_int_equal(H.last_tlbi.level, 2);
}

/* Unmapping many pages: TLBIs batched, then one whole-regime invalidation. */
static void test_tlbi_batching(void **state)
{
	struct am_pt *pt = setup(AM_PT_S1_EL2, 39);
	uint64_t va = 0x40000000;

	(void)state;
	assert_int_equal(am_pt_map(pt, am_va(va), am_pa(va), 200 * K4, &RW, 0), 0);
	tlbm_watch(&H.tlb, va, 200 * K4, K4);
	tlbm_fill(&H.tlb);
	H.tlbi = H.publish = H.complete = 0;
	assert_int_equal(am_pt_unmap(pt, am_va(va), 10 * K4), 0);
	check();
	assert_int_equal(H.tlbi, 10);
	assert_int_equal(H.publish, 1);
	assert_int_equal(H.complete, 1); /* one completion for the batch */
	H.tlbi = H.tlbi_all = H.publish = H.complete = 0;
	assert_int_equal(am_pt_unmap(pt, am_va(va + 10 * K4), 100 * K4), 0);
	check();
	assert_int_equal(H.tlbi, 0);
	assert_int_equal(H.tlbi_all, 1);
	assert_int_equal(H.complete, 1);
}

/* Counters of TLB maintenance back to zero. */
static void tlbi_zero(void)
{
	H.tlbi = H.tlbi_all = H.tlbi_range = H.tlbi_range_inv = 0;
	H.publish = H.complete = 0;
}

/*
 * The upper VA range (TTBR1) of stage 1 EL1&0 and EL2&0: the calls take and
 * report VAs in [2^64 - 2^ia_bits, 2^64), the walker model walks them as
 * TTBR1 would, the TLBIs (plain and range) carry the full VA, a VA of the
 * lower range is beyond the table; am_pt_tcr() / am_pt_tcr_pair() give the
 * TTBR1 half of TCR. Elsewhere refused.
 */
static void test_upper_va_range(void **state)
{
	const enum am_pt_regime regimes[] = {AM_PT_S1_EL10, AM_PT_S1_EL20};

	(void)state;
	for (unsigned int k = 0; k < 2; k++) {
		struct am_pt_config cfg = {
			.regime = regimes[k], .ia_bits = 39, .asid = 5, .upper = 1};
		const uint64_t base = 0xffffff8000000000ull; /* 2^64 - 2^39 */
		struct am_pt *pt;
		struct am_pt_leaf l;
		struct vmsa_result r;

		for (int range = 0; range < 2; range++) {
			RANGE = range;
			pt = setup_cfg(&cfg);
			assert_int_equal(pt->va_base, base);
			tlbm_watch(&H.tlb, base + 0x40000000, 2 * M2, K4);
			assert_int_equal(am_pt_map(pt, am_va(base + 0x40000000), am_pa(0x80000000),
						   2 * M2, &RW, AM_PT_F_NG),
					 0);
			check();
			tlbm_fill(&H.tlb);
			r = xlate(base + 0x40001008, VMSA_ACC_R | VMSA_ACC_W);
			assert_int_equal(r.fault, VMSA_OK);
			assert_int_equal(r.pa, 0x80001008);
			assert_int_equal(r.leaf_va, base + 0x40001000);
			assert_int_equal(am_pt_query(pt, am_va(base + 0x40201000), &l), 0);
			assert_int_equal(am_va_val(l.va), base + 0x40201000);
			/* a page made read-only, then the whole range unmapped: no stale entry */
			assert_int_equal(am_pt_modify(pt, am_va(base + 0x40001000), K4, &RO, 0), 0);
			check();
			assert_int_equal(xlate(base + 0x40001008, VMSA_ACC_W).fault,
					 VMSA_F_PERMISSION);
			assert_int_equal(am_pt_unmap(pt, am_va(base + 0x40000000), 2 * M2), 0);
			check();
			assert_int_equal(xlate(base + 0x40201000, VMSA_ACC_R).fault,
					 VMSA_F_TRANSLATION);
			/* the lower range is not this table's */
			snap();
			assert_int_equal(
				am_pt_map(pt, am_va(0x40000000), am_pa(0x80000000), K4, &RW, 0),
				AM_ERANGE);
			assert_int_equal(am_pt_query(pt, am_va(0x40000000), &l), AM_ERANGE);
			unchanged();
			am_pt_destroy(pt);
		}
		/* TCR: T1SZ 25, TG1 4K, the TTBR1 walk attributes; TTBR0 walks off (EPD0) */
		{
			struct am_pt_config lo = {.regime = regimes[k], .ia_bits = 39, .asid = 5};
			struct am_pt up, low;
			uint64_t tcr;

			memset(&up, 0, sizeof(up));
			memset(&low, 0, sizeof(low));
			assert_int_equal(am_pt_init(&up, &cfg, &am_host_pt_ops, &H), 0);
			assert_int_equal(am_pt_init(&low, &lo, &am_host_pt_ops, &H), 0);
			tcr = am_pt_tcr(&up);
			assert_int_equal((tcr >> 16) & 0x3f, 25);
			assert_int_equal((tcr >> 30) & 3, 2);
			assert_int_equal((tcr >> 24) & 0x3f,
					 0x35); /* SH1 inner, ORGN1 / IRGN1 WBWA */
			assert_int_equal((tcr >> 7) & 1, 1);
			tcr = am_pt_tcr_pair(&low, &up);
			assert_int_equal(tcr & 0x3f, 25);
			assert_int_equal((tcr >> 7) & 1, 0);
			assert_int_equal((tcr >> 23) & 1, 0);
			assert_int_equal((tcr >> 16) & 0x3f, 25);
			assert_int_equal(am_pt_tcr_pair(&up, &low), 0); /* the wrong way round */
			am_pt_destroy(&up);
			am_pt_destroy(&low);
		}
	}
	/* only EL1&0 and EL2&0 have two ranges; upper is 0 or 1 */
	{
		struct am_pt_config c = {.regime = AM_PT_S1_EL2, .ia_bits = 39, .upper = 1};

		assert_int_equal(am_pt_init(&PT, &c, &am_host_pt_ops, &H), AM_EINVAL);
		c.regime = AM_PT_S1_EL10;
		c.upper = 2;
		assert_int_equal(am_pt_init(&PT, &c, &am_host_pt_ops, &H), AM_EINVAL);
		assert_int_equal(PT.ready, 0);
	}
}

/*
 * A stage 2 with a concatenated root (40-bit IPA, 40-bit output: two level-1
 * tables, VTCR_EL2.SL0 = 1): mappings on both root pages and across the
 * boundary between them (IPA 2^39), walked by the model as the hardware
 * would (the TLB model too), unmapped, and the root given back whole.
 */
static void test_s2_concatenated_root(void **state)
{
	struct am_pt_config cfg = {.regime = AM_PT_S2, .ia_bits = 40, .oa_bits = 40, .vmid = 7};
	const uint64_t edge = 1ull << 39; /* the second root page's first IPA */
	struct am_pt *pt;
	struct am_pt_leaf l;
	struct vmsa_result r;

	(void)state;
	pt = setup_cfg(&cfg);
	assert_int_equal(pt->root_pages, 2);
	tlbm_watch(&H.tlb, edge - M2, 2 * M2, K4);
	tlbm_watch(&H.tlb, (1ull << 40) - M2, M2, K4);
	/* 2 MiB of pages and a 2 MiB block either side of the edge, one at the top */
	assert_int_equal(
		am_pt_map(pt, am_va(edge - M2), am_pa(0x10000000), 2 * M2, &RW, AM_PT_F_BLOCK), 0);
	assert_int_equal(am_pt_map(pt, am_va((1ull << 40) - K4), am_pa(0x20000000), K4, &RO, 0), 0);
	check();
	tlbm_fill(&H.tlb);
	assert_int_equal(am_pt_query(pt, am_va(edge - K4), &l), 0);
	assert_int_equal(am_pa_val(l.pa), 0x10000000 + M2 - M2); /* the block's start */
	assert_int_equal(l.level, 2);
	assert_int_equal(am_pt_query(pt, am_va(edge + 0x1000), &l), 0);
	assert_int_equal(am_pa_val(l.pa), 0x10200000);
	r = xlate(edge + 0x1234, VMSA_ACC_R | VMSA_ACC_W);
	assert_int_equal(r.fault, VMSA_OK);
	assert_int_equal(r.root_level, 1);
	assert_int_equal(r.pa, 0x10201234);
	r = xlate((1ull << 40) - 8, VMSA_ACC_R);
	assert_int_equal(r.fault, VMSA_OK);
	assert_int_equal(r.pa, 0x20000ff8);
	assert_int_equal(xlate(edge - M2 - 8, VMSA_ACC_R).fault, VMSA_F_TRANSLATION);
	/* across the edge: a page out of each block, then all of it */
	assert_int_equal(am_pt_unmap(pt, am_va(edge - K4), 2 * K4), 0);
	check();
	assert_int_equal(xlate(edge - 8, VMSA_ACC_R).fault, VMSA_F_TRANSLATION);
	assert_int_equal(xlate(edge + K4, VMSA_ACC_R).pa, 0x10201000);
	assert_int_equal(am_pt_unmap(pt, am_va(edge - M2), 2 * M2), 0);
	assert_int_equal(am_pt_unmap(pt, am_va((1ull << 40) - K4), K4), 0);
	check();
	assert_int_equal(am_pt_tables(pt), 2); /* the root's two pages */
	/* a 1 GiB block in the second root page, one entry a call (the
	 * single-leaf path; a root of two pages is not the walk cache's) */
	tlbm_watch(&H.tlb, edge + G1, G1, 1ull << 28);
	assert_int_equal(am_pt_map(pt, am_va(edge + G1), am_pa(0x40000000), G1, &RW, AM_PT_F_BLOCK),
			 0);
	check();
	assert_int_equal(xlate(edge + G1 + 0x1234, VMSA_ACC_W).pa, 0x40001234);
	assert_int_equal(xlate(G1 + 0x1234, VMSA_ACC_R).fault, VMSA_F_TRANSLATION);
	assert_int_equal(am_pt_query(pt, am_va(edge + G1 + K4), &l), 0);
	assert_int_equal(l.level, 1);
	tlbm_fill(&H.tlb);
	assert_int_equal(am_pt_modify(pt, am_va(edge + G1), G1, &RO, 0), 0);
	check();
	assert_int_equal(xlate(edge + G1, VMSA_ACC_W).fault, VMSA_F_PERMISSION);
	assert_int_equal(am_pt_unmap(pt, am_va(edge + G1), G1), 0);
	check();
	assert_int_equal(xlate(edge + G1, VMSA_ACC_R).fault, VMSA_F_TRANSLATION);
	am_pt_destroy(pt);
	assert_int_equal(H.in_use, 0);
	assert_int_equal(H.bad_frees, 0);
}

/* am_pt_walk()'s report of the one leaf it meets (decoded afresh). */
static int walk_one_leaf(void *arg, const struct am_pt_leaf *l)
{
	*(struct am_pt_leaf *)arg = *l;
	return 0;
}

/*
 * The query's decoded leaf (am_pt.lq_key): leaves whose descriptors differ
 * from the first in one decoded bit each (NS, nG, a software bit, AP, XN,
 * the memory type, parked, the contiguous hint) or in their output address
 * and level only, queried in turn with the first, each twice, and mixed,
 * every answer the same as the walk's
 * (which decodes afresh), member by member; a query of nothing keeps it.
 */
static void test_query_decoded_leaf(void **state)
{
	struct am_pt_config cfg = {.regime = AM_PT_S1_EL10, .ia_bits = 39, .asid = 3, .secure = 1};
	static const struct {
		uint64_t va, pa, size;
		const struct am_attr *a;
		unsigned int flags;
	} m[] = {
		{0x40000000, 0x80000000, K4, &RW, 0},
		{0x40001000, 0x80001000, K4, &RW, AM_PT_F_NS},
		{0x40002000, 0x80002000, K4, &RW, AM_PT_F_NG},
		{0x40003000, 0x80003000, K4, &RW, AM_PT_F_SW(4)},
		{0x40004000, 0x80004000, K4, &RO, 0},
		{0x40005000, 0x80005000, K4, &RX, 0},
		{0x40006000, 0x09000000, K4, &DEV, 0},
		{0x40007000, 0x80007000, K4, &RW, AM_PT_F_PARKED},
		{0x40010000, 0x80010000, 16 * K4, &RW, AM_PT_F_CONTIG},
		{0x40200000, 0x80200000, M2, &RW, AM_PT_F_BLOCK},
		{0x40400000, 0xa0000000, K4, &RW, 0},
	};
	const size_t n = sizeof(m) / sizeof(m[0]);
	struct am_pt *pt;

	(void)state;
	pt = setup_cfg(&cfg);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(am_pt_map(pt, am_va(m[i].va), am_pa(m[i].pa), m[i].size, m[i].a,
					   m[i].flags),
				 0);
	check();
	for (int round = 0; round < 3; round++) {
		for (size_t k = 0; k < 2 * n; k++) {
			/* the first leaf and each other in turn (one bit apart), then
			 * each twice in a row, then mixed */
			size_t i = round == 0	? (k % 2 ? k / 2 : 0)
				   : round == 1 ? k / 2
						: (k * 7) % n;
			uint64_t va = m[i].va + (m[i].size > K4 ? m[i].size - K4 : 0) + 0x10;
			struct am_pt_leaf q, w;

			memset(&q, 0xa5, sizeof(q));
			memset(&w, 0x5a, sizeof(w));
			assert_int_equal(am_pt_query(pt, am_va(va), &q), 0);
			assert_int_equal(
				am_pt_walk(pt, am_va(va & ~(K4 - 1)), K4, walk_one_leaf, &w), 0);
			assert_int_equal(am_va_val(q.va), am_va_val(w.va));
			assert_int_equal(am_pa_val(q.pa), am_pa_val(w.pa));
			assert_int_equal(q.size, w.size);
			assert_int_equal(q.attr.perm, w.attr.perm);
			assert_int_equal(q.attr.mtype, w.attr.mtype);
			assert_int_equal(q.attr.sh, w.attr.sh);
			assert_int_equal(q.level, w.level);
			assert_int_equal(q.valid, w.valid);
			assert_int_equal(q.contig, w.contig);
			assert_int_equal(q.ng, w.ng);
			assert_int_equal(q.sw, w.sw);
			assert_int_equal(q.ns, w.ns);
			assert_int_equal(q.pte, w.pte);
			/* and what each was mapped as */
			assert_int_equal(q.ns, (m[i].flags & AM_PT_F_NS) != 0);
			assert_int_equal(q.ng, (m[i].flags & AM_PT_F_NG) != 0);
			assert_int_equal(q.sw, AM_PT_F_SW_OF(m[i].flags));
			assert_int_equal(q.valid, !(m[i].flags & AM_PT_F_PARKED));
			assert_int_equal(q.contig, (m[i].flags & AM_PT_F_CONTIG) != 0);
			assert_int_equal(q.attr.perm, m[i].a->perm);
			assert_int_equal(q.attr.mtype, m[i].a->mtype);
			assert_int_equal(
				am_pa_val(q.pa),
				m[i].pa + (m[i].size > K4 && m[i].size != M2 ? m[i].size - K4 : 0));
			/* nothing there: an answer that keeps the decoded leaf */
			assert_int_equal(am_pt_query(pt, am_va(0x40100000), &q), AM_ENOENT);
		}
	}
}

/*
 * Stage 1 EL3, and the NS bit of the Secure regimes: AM_PT_F_NS maps
 * Non-secure memory (the walker model sees a Non-secure output), a query
 * and the dump say so, modify keeps it; a Non-secure regime refuses it
 * (AM_EINVAL, one record, nothing changed); stage 2 cannot be Secure here.
 */
static void test_el3_and_ns(void **state)
{
	struct am_pt_config cfg = {.regime = AM_PT_S1_EL3, .ia_bits = 39};
	struct am_pt *pt;
	struct am_pt_leaf l;
	struct vmsa_result r;

	(void)state;
	pt = setup_cfg(&cfg);
	assert_int_equal(pt->secure, 1);
	tlbm_watch(&H.tlb, 0x40000000, 4 * M2, K4);
	assert_int_equal(am_pt_map(pt, am_va(0x40000000), am_pa(0x80000000), M2, &RW,
				   AM_PT_F_BLOCK | AM_PT_F_NS),
			 0);
	assert_int_equal(am_pt_map(pt, am_va(0x40200000), am_pa(0x0e000000), 16 * K4, &RW, 0), 0);
	check();
	tlbm_fill(&H.tlb);
	assert_int_equal(am_pt_query(pt, am_va(0x40001000), &l), 0);
	assert_int_equal(l.ns, 1);
	assert_int_equal(l.level, 2);
	assert_int_equal(am_pt_query(pt, am_va(0x40201000), &l), 0);
	assert_int_equal(l.ns, 0);
	r = xlate(0x40001008, VMSA_ACC_R | VMSA_ACC_W);
	assert_int_equal(r.fault, VMSA_OK);
	assert_int_equal(r.ns, 1);
	assert_int_equal(r.res_bits, 0);
	r = xlate(0x40201008, VMSA_ACC_R);
	assert_int_equal(r.ns, 0);
	/* modify keeps each leaf's NS: a page of the block read-only, the block broken */
	assert_int_equal(am_pt_modify(pt, am_va(0x40001000), K4, &RO, 0), 0);
	check();
	r = xlate(0x40001008, VMSA_ACC_R);
	assert_int_equal(r.ns, 1);
	assert_int_equal(r.priv_w, 0);
	r = xlate(0x40002008, VMSA_ACC_W);
	assert_int_equal(r.fault, VMSA_OK);
	assert_int_equal(r.ns, 1);
	assert_int_equal(am_pt_modify(pt, am_va(0x40200000), 16 * K4, &RO, 0), 0);
	assert_int_equal(xlate(0x40200000, VMSA_ACC_R).ns, 0);
	/* AM_PT_F_NS is a map flag only */
	assert_int_equal(am_pt_modify(pt, am_va(0x40200000), K4, &RW, AM_PT_F_NS), AM_EINVAL);
	/* EL3 has one privilege level: no user, no nG */
	assert_int_equal(am_pt_map(pt, am_va(0x40400000), am_pa(0), K4, &RW, AM_PT_F_NG),
			 AM_EINVAL);
	check();
	am_pt_destroy(pt);

	/* a Non-secure EL2 table refuses NS, with one record, changing nothing */
	pt = setup(AM_PT_S1_EL2, 39);
	assert_int_equal(pt->secure, 0);
	snap();
	am_host_pt_clear_log(&H);
	assert_int_equal(am_pt_map(pt, am_va(0x40000000), am_pa(0x80000000), K4, &RW, AM_PT_F_NS),
			 AM_EINVAL);
	assert_int_equal(H.nlog, 1);
	assert_int_equal(H.log[0].event, AM_EV_BAD_ARG);
	unchanged();
	am_pt_destroy(pt);

	/* Secure EL1&0 takes it; stage 2 cannot be Secure; secure is 0 or 1 */
	cfg = (struct am_pt_config){.regime = AM_PT_S1_EL10, .ia_bits = 39, .secure = 1};
	pt = setup_cfg(&cfg);
	assert_int_equal(am_pt_map(pt, am_va(0x1000), am_pa(0x1000), K4, &RW, AM_PT_F_NS), 0);
	assert_int_equal(xlate(0x1000, VMSA_ACC_R).ns, 1);
	check();
	am_pt_destroy(pt);
	memset(&PT, 0, sizeof(PT));
	cfg = (struct am_pt_config){.regime = AM_PT_S2, .ia_bits = 39, .secure = 1};
	assert_int_equal(am_pt_init(&PT, &cfg, &am_host_pt_ops, &H), AM_ENOTSUP);
	cfg = (struct am_pt_config){.regime = AM_PT_S1_EL2, .ia_bits = 39, .secure = 2};
	assert_int_equal(am_pt_init(&PT, &cfg, &am_host_pt_ops, &H), AM_EINVAL);
	assert_int_equal(PT.ready, 0);
}

/*
 * 2 MiB of pages (one level-3 table, with a page mapped on each side in
 * the tables next to it) unmapped in regime @r, through the models: with
 * FEAT_TLBIRANGE one range TLBI (the pages and the walk through the freed
 * table); without it, as ever, 64 entries then the whole regime.
 */
static void unmap_2m_pages(enum am_pt_regime r, bool range)
{
	struct am_pt *pt;
	uint64_t va = 0x40000000;
	unsigned int fl = r == AM_PT_S1_EL10 || r == AM_PT_S1_EL20 ? AM_PT_F_NG : 0;

	RANGE = range;
	pt = setup(r, 40);
	assert_int_equal(am_pt_map(pt, am_va(va - K4), am_pa(va - K4), M2 + 2 * K4, &RW, fl), 0);
	tlbm_watch(&H.tlb, va - K4, M2 + 2 * K4, K4);
	tlbm_fill(&H.tlb);
	tlbi_zero();
	assert_int_equal(am_pt_unmap(pt, am_va(va), M2), 0);
	check(); /* no stale entry: the range covered every page, with the right ASID / VMID */
	assert_int_equal(H.publish, 1);
	assert_int_equal(H.complete, 1);
	if (range) {
		assert_int_equal(H.tlbi_range, 1);
		assert_int_equal(H.tlbi_range_inv, 1);
		assert_int_equal(H.tlbi + H.tlbi_all, 0);
		assert_int_equal(H.last_tlbi.pages, 512);
		assert_int_equal(H.last_tlbi.addr, va);
		assert_int_equal(H.last_tlbi.leaf, 0); /* the table went too */
		assert_int_equal(H.last_tlbi.level, 0);
		if (r == AM_PT_S1_EL10 || r == AM_PT_S1_EL20)
			assert_int_equal(H.last_tlbi.asid, 5);
		if (r == AM_PT_S2)
			assert_int_equal(H.last_tlbi.vmid, 7);
	} else {
		assert_int_equal(H.tlbi_range + H.tlbi_range_inv, 0);
		assert_int_equal(H.tlbi_all, 1);
		assert_int_equal(H.tlbi, 0);
	}
	/* the pages on each side are still cached, the ends of the range not */
	assert_non_null(tlbm_lookup(&H.tlb, va - K4));
	assert_non_null(tlbm_lookup(&H.tlb, va + M2));
	expect_fault(va, VMSA_ACC_R, VMSA_F_TRANSLATION);
	expect_fault(va + M2 - K4, VMSA_ACC_R, VMSA_F_TRANSLATION);
	teardown(NULL);
}

static void test_tlbi_range(void **state)
{
	struct am_pt *pt;
	uint64_t va = 0x40000000;

	(void)state;
	for (int r = AM_PT_S1_EL2; r < AM_PT_REGIME_COUNT; r++) {
		unmap_2m_pages((enum am_pt_regime)r, true);
		unmap_2m_pages((enum am_pt_regime)r, false);
	}
	/* leaves only, of one level: the leaf-only form with the TTL hint */
	RANGE = true;
	pt = setup(AM_PT_S2, 40);
	assert_int_equal(am_pt_map(pt, am_va(va), am_pa(va), 64 * K4, &RW, 0), 0);
	tlbm_watch(&H.tlb, va, 64 * K4, K4);
	tlbm_fill(&H.tlb);
	tlbi_zero();
	assert_int_equal(am_pt_unmap(pt, am_va(va + K4), 9 * K4), 0);
	check();
	assert_int_equal(H.tlbi_range_inv, 1);
	assert_int_equal(H.tlbi_range, 1); /* 8 pages as a range, the 9th plain */
	assert_int_equal(H.tlbi, 1);
	assert_int_equal(am_host_pt_tlbi_at(&H, H.nring - 2)->pages, 8);
	assert_int_equal(am_host_pt_tlbi_at(&H, H.nring - 2)->level, 3);
	assert_int_equal(am_host_pt_tlbi_at(&H, H.nring - 2)->leaf, 1);
	assert_int_equal(H.last_tlbi.addr, va + 9 * K4);
	assert_non_null(tlbm_lookup(&H.tlb, va));
	assert_non_null(tlbm_lookup(&H.tlb, va + 10 * K4));
	/* permissions of 32 pages: one leaf range */
	tlbi_zero();
	assert_int_equal(am_pt_modify(pt, am_va(va + 16 * K4), 32 * K4, &RO, 0), 0);
	check();
	assert_int_equal(H.tlbi_range, 1);
	assert_int_equal(H.tlbi + H.tlbi_all, 0);
	assert_int_equal(H.last_tlbi.leaf, 1);
	expect_fault(va + 47 * K4, VMSA_ACC_W, VMSA_F_PERMISSION);
	expect_map(va + 48 * K4, va + 48 * K4, VMSA_ACC_W);
	/* one page alone is no range */
	tlbi_zero();
	assert_int_equal(am_pt_unmap(pt, am_va(va + 60 * K4), K4), 0);
	check();
	assert_int_equal(H.tlbi, 1);
	assert_int_equal(H.tlbi_range_inv, 0);
}

/*
 * 1 GiB of pages unmapped: 513 tables freed, in batches of PT_FREE_BATCH
 * (64). The first batch's flush drops the whole subtree under the cleared
 * level-1 entry: without FEAT_TLBIRANGE the whole regime once (64 leaves
 * queued, then all), with it one range over its 1 GiB (leaves and walks:
 * one RVAE2IS). The later batches only give pages back: nothing of the
 * subtree can be cached or reached once that completed (it was 8 flushes
 * of the whole regime, one a batch).
 */
static void test_tlbi_range_1g(void **state)
{
	uint64_t va = G1;

	(void)state;
	for (int range = 1; range >= 0; range--) {
		struct am_pt *pt;

		RANGE = range;
		pt = setup(AM_PT_S1_EL2, 39);
		assert_int_equal(am_pt_map(pt, am_va(va), am_pa(va), G1, &RW, 0), 0);
		tlbm_watch(&H.tlb, va, G1, M2 - K4); /* first and last page of tables */
		tlbm_fill(&H.tlb);
		tlbi_zero();
		assert_int_equal(am_pt_unmap(pt, am_va(va), G1), 0);
		check();
		assert_int_equal(H.publish, 1);
		assert_int_equal(H.complete, 1);
		assert_int_equal(H.tlbi_all, range ? 0 : 1);
		assert_int_equal(H.tlbi_range_inv, range ? 1 : 0);
		/* 2^18 pages: NUM 3, SCALE 3, one instruction */
		assert_int_equal(H.tlbi_range, range ? 1 : 0);
		/* the walks through the level-1 entry of the level-2 table are
		 * invalidated first (teardown drops the path before its leaves),
		 * in the first range, which starts at its first page */
		assert_int_equal(H.tlbi, 0);
		teardown(NULL);
	}
}

/* Random operations again, with FEAT_TLBIRANGE and every page watched. */
static void test_random(void **state);
static void test_random_range(void **state)
{
	RANGE = true;
	test_random(state);
}

/* ------------------------------------------------------------- modify -- */

static void test_modify_rules(void **state)
{
	struct am_pt *pt = setup(AM_PT_S1_EL2, 39);
	struct am_attr nc = {AM_PERM_R, AM_MT_NORMAL_NC, AM_SH_INNER};
	struct am_attr osh = {AM_PERM_R, AM_MT_NORMAL_WB, AM_SH_OUTER};
	struct am_attr wx = {AM_PERM_R | AM_PERM_W | AM_PERM_X, AM_MT_NORMAL_WB, AM_SH_INNER};
	uint64_t va = 0x40000000;

	(void)state;
	assert_int_equal(am_pt_map(pt, am_va(va), am_pa(va), 4 * K4, &RW, 0), 0);
	assert_int_equal(am_pt_map(pt, am_va(va + 5 * K4), am_pa(va + 5 * K4), K4, &RW, 0), 0);
	check();
	/* a modify that changes nothing writes nothing: no TLBI, no barrier */
	{
		unsigned long c0 = H.complete, p0 = H.publish, t0 = H.tlbi + H.tlbi_all;

		assert_int_equal(am_pt_modify(pt, am_va(va), 4 * K4, &RW, 0), 0);
		assert_int_equal(H.complete, c0);
		assert_int_equal(H.publish, p0);
		assert_int_equal(H.tlbi + H.tlbi_all, t0);
	}
	snap();
	am_host_pt_clear_log(&H);
	assert_int_equal(am_pt_modify(pt, am_va(va), 6 * K4, &RO, 0), AM_ENOENT);
	assert_int_equal(am_host_pt_logged(&H, AM_EV_NOT_FOUND, va + 4 * K4), 1);
	assert_int_equal(am_pt_modify(pt, am_va(va + G1), K4, &RO, 0), AM_ENOENT);
	assert_int_equal(am_pt_modify(pt, am_va(va), K4, &nc, 0), AM_EPERM);
	assert_int_equal(am_pt_modify(pt, am_va(va), K4, &osh, 0), AM_EPERM);
	assert_int_equal(am_host_pt_logged(&H, AM_EV_TYPE_CHANGE, ~0ull), 2);
	assert_int_equal(am_pt_modify(pt, am_va(va + 3 * K4), 3 * K4, &RO, 0), AM_ENOENT);
	assert_int_equal(am_pt_modify(pt, am_va(va), K4, &wx, 0), AM_EPERM);
	assert_int_equal(am_pt_modify(pt, am_va(va), K4, NULL, AM_PT_F_SW(1)), AM_EINVAL);
	assert_int_equal(am_pt_modify(pt, am_va(va), 6 * K4, NULL, AM_PT_F_PARKED), AM_ENOENT);
	assert_int_equal(am_pt_modify(pt, am_va(va), K4, &RO, AM_PT_F_BLOCK), AM_EINVAL);
	assert_int_equal(am_pt_modify(pt, am_va(va + 1), K4, &RO, 0), AM_EINVAL);
	assert_int_equal(am_pt_modify(pt, am_va(1ull << 39), K4, &RO, 0), AM_ERANGE);
	unchanged();
	check();
	/* the memory type is checked on every page, not only the first */
	assert_int_equal(am_pt_map(pt, am_va(va + 6 * K4), am_pa(0x09000000), K4, &DEV, 0), 0);
	check();
	snap();
	am_host_pt_clear_log(&H);
	assert_int_equal(am_pt_modify(pt, am_va(va + 5 * K4), 2 * K4, &RO, 0), AM_EPERM);
	assert_int_equal(am_host_pt_logged(&H, AM_EV_TYPE_CHANGE, va + 6 * K4), 1);
	unchanged();
	/* a live permission change: written, invalidated, completed */
	tlbm_watch(&H.tlb, va, 6 * K4, K4);
	tlbm_fill(&H.tlb);
	H.tlbi = 0;
	assert_int_equal(am_pt_modify(pt, am_va(va), 4 * K4, &RO, 0), 0);
	check();
	assert_int_equal(H.tlbi, 4);
	expect_fault(va + K4, VMSA_ACC_W, VMSA_F_PERMISSION);
	/* the same again changes nothing and invalidates nothing */
	H.tlbi = 0;
	assert_int_equal(am_pt_modify(pt, am_va(va), 4 * K4, &RO, 0), 0);
	check();
	assert_int_equal(H.tlbi, 0);
}

/*
 * A modify whose dry run found every run a line (each leaf the one before
 * plus its span) computes the new leaves instead of reading them
 * (modify_rest(): with FEAT_TLBIRANGE from the first leaf; without, once
 * the batch invalidates the whole regime, after AM_PT_TLBI_BATCH leaves).
 * Runs that are not lines: one whose ends are where a line puts them but
 * whose middle is not (pages 3 and 4, and 100 and 101, swapped), tables
 * that are lines of their own with no line across them, one table that is
 * not a line among lines.
 */
static unsigned int swapped(unsigned int i)
{
	return i == 3 || i == 100 ? i + 1 : i == 4 || i == 101 ? i - 1 : i;
}

static void modify_lines(bool range)
{
	struct am_pt *pt;
	uint64_t va = 0x40000000, pa = 0x90000000;

	RANGE = range;
	pt = setup(AM_PT_S1_EL2, 39);
	for (unsigned int i = 0; i < 128; i++)
		assert_int_equal(
			am_pt_map(pt, am_va(va + i * K4), am_pa(pa + swapped(i) * K4), K4, &RW, 0), 0);
	assert_int_equal(am_pt_modify(pt, am_va(va), 128 * K4, &RO, 0), 0);
	check();
	for (unsigned int i = 0; i < 128; i++) {
		expect_map(va + i * K4, pa + swapped(i) * K4, VMSA_ACC_R);
		expect_fault(va + i * K4, VMSA_ACC_W, VMSA_F_PERMISSION);
	}
	/* three tables, each a line of its own, the lines apart; then the
	 * middle one not a line (its first two pages swapped) */
	for (unsigned int t = 0; t < 3; t++)
		assert_int_equal(am_pt_map(pt, am_va(va + M2 + t * M2), am_pa(pa + 8 * M2 - t * M2),
					   M2, &RW, 0),
				 0);
	assert_int_equal(am_pt_modify(pt, am_va(va + M2), 3 * M2, &RO, 0), 0);
	check();
	for (unsigned int t = 0; t < 3; t++)
		for (unsigned int i = 0; i < 512; i += 73)
			expect_map(va + M2 + t * M2 + i * K4, pa + 8 * M2 - t * M2 + i * K4,
				   VMSA_ACC_R);
	assert_int_equal(am_pt_unmap(pt, am_va(va + 2 * M2), 2 * K4), 0);
	assert_int_equal(am_pt_map(pt, am_va(va + 2 * M2), am_pa(pa + 7 * M2 + K4), K4, &RO, 0), 0);
	assert_int_equal(am_pt_map(pt, am_va(va + 2 * M2 + K4), am_pa(pa + 7 * M2), K4, &RO, 0), 0);
	assert_int_equal(am_pt_modify(pt, am_va(va + M2), 3 * M2, &RW, 0), 0);
	check();
	expect_map(va + 2 * M2, pa + 7 * M2 + K4, VMSA_ACC_W);
	expect_map(va + 2 * M2 + K4, pa + 7 * M2, VMSA_ACC_W);
	for (unsigned int t = 0; t < 3; t++)
		for (unsigned int i = 2; i < 512; i += 73)
			expect_map(va + M2 + t * M2 + i * K4, pa + 8 * M2 - t * M2 + i * K4,
				   VMSA_ACC_W);
	teardown(NULL);
}

static uint64_t entry_at(uint64_t va, unsigned int level);

static void test_modify_lines(void **state)
{
	uint64_t va = 0x40000000, pa = 0x90000000;
	struct am_pt *pt;
	uint64_t *p0;

	(void)state;
	modify_lines(false);
	modify_lines(true);

	/*
	 * A line whose sum carries out of the output address's bits: a page
	 * with bits [51:12] set (bits [51:48] armmap never writes: put there
	 * by hand), then a contiguous run at PA 0, whose first leaf is the
	 * page's descriptor plus 4 KiB. The run is no line to compute: the
	 * modify of the page and the run's first leaf breaks the run.
	 */
	RANGE = true;
	pt = setup(AM_PT_S1_EL2, 39);
	assert_int_equal(am_pt_map(pt, am_va(va - K4), am_pa(pa), K4, &RW, 0), 0);
	assert_int_equal(am_pt_map(pt, am_va(va), am_pa(0), 16 * K4, &RW, AM_PT_F_CONTIG), 0);
	assert_int_equal(shape().contig[3], 16);
	p0 = (uint64_t *)(void *)(H.pool + (next_table(entry_at(va - K4, 2)) - H.pa_base)) +
	     ((va - K4) >> 12 & 511u);
	*p0 |= 0x000ffffffffff000ull;
	assert_int_equal(*p0 + K4, entry_at(va, 3));
	assert_int_equal(am_pt_modify(pt, am_va(va - K4), 2 * K4, &RO, 0), 0);
	*p0 = (*p0 & ~0x000ffffffffff000ull) | pa;
	check();
	assert_int_equal(shape().contig[3], 0);
	expect_fault(va, VMSA_ACC_W, VMSA_F_PERMISSION);
	for (unsigned int i = 1; i < 16; i++)
		expect_map(va + i * K4, i * K4, VMSA_ACC_W);
}

/* Parked entries (the lazy mapping of the MMIO guard): invalid, complete. */
static void test_parked(void **state)
{
	struct am_pt *pt = setup(AM_PT_S1_EL2, 39);
	uint64_t dev = 0x09000000;
	struct am_pt_leaf l;

	(void)state;
	assert_int_equal(am_pt_map(pt, am_va(dev), am_pa(dev), M2, &DEV,
				   AM_PT_F_PARKED | AM_PT_F_BLOCK | AM_PT_F_SW(0x9)),
			 0);
	check();
	expect_fault(dev, VMSA_ACC_R, VMSA_F_TRANSLATION);
	assert_int_equal(am_pt_query(pt, am_va(dev + 0x5000), &l), 0);
	assert_int_equal(l.valid, 0);
	assert_int_equal(l.level, 2);
	assert_int_equal(l.sw, 0x9);
	assert_int_equal(l.attr.mtype, AM_MT_DEVICE_nGnRE);
	/* make one page valid: the parked block splits without break-before-make:
	 * the new table is published, then linked; no invalidation */
	H.tlbi = H.tlbi_all = H.publish = 0;
	assert_int_equal(am_pt_modify(pt, am_va(dev + 0x5000), K4, &DEV, AM_PT_F_SW(0x1)), 0);
	check();
	assert_int_equal(H.tlbi + H.tlbi_all, 0);
	assert_int_equal(H.publish, 1);
	expect_map(dev + 0x5000, dev + 0x5000, VMSA_ACC_R | VMSA_ACC_W);
	expect_fault(dev + 0x4000, VMSA_ACC_R, VMSA_F_TRANSLATION);
	expect_fault(dev + 0x6000, VMSA_ACC_R, VMSA_F_TRANSLATION);
	assert_int_equal(am_pt_query(pt, am_va(dev + 0x6000), &l), 0);
	assert_int_equal(l.valid, 0);
	assert_int_equal(l.sw, 0x9);
	assert_int_equal(am_pa_val(l.pa), dev + 0x6000);
	assert_int_equal(am_pt_query(pt, am_va(dev + 0x5000), &l), 0);
	assert_int_equal(l.valid, 1);
	assert_int_equal(l.sw, 0x1);
	/* attr NULL: park / unpark mixed leaves, each keeping its attributes */
	assert_int_equal(
		am_pt_map(pt, am_va(dev + M2), am_pa(0x80000000), 2 * K4, &RO, AM_PT_F_SW(3)), 0);
	assert_int_equal(am_pt_modify(pt, am_va(dev + 0x5000), M2 - 0x5000 + 2 * K4, NULL, 0), 0);
	check();
	expect_map(dev + 0x6000, dev + 0x6000, VMSA_ACC_W);
	expect_map(dev + M2 + K4, 0x80001000, VMSA_ACC_R);
	expect_fault(dev + M2 + K4, VMSA_ACC_W, VMSA_F_PERMISSION);
	tlbm_watch(&H.tlb, dev + M2, 2 * K4, K4);
	tlbm_fill(&H.tlb);
	assert_int_equal(am_pt_modify(pt, am_va(dev + M2), 2 * K4, NULL, AM_PT_F_PARKED), 0);
	check();
	expect_fault(dev + M2, VMSA_ACC_R, VMSA_F_TRANSLATION);
	assert_int_equal(am_pt_query(pt, am_va(dev + M2 + K4), &l), 0);
	assert_int_equal(l.valid, 0);
	assert_int_equal(l.sw, 3);
	assert_int_equal(l.attr.perm, AM_PERM_R);
	assert_int_equal(am_pt_modify(pt, am_va(dev + 0x6000), M2 - 0x6000, NULL, AM_PT_F_PARKED),
			 0);
	check();
	/* and back to parked: that one is live, so it is invalidated */
	tlbm_watch(&H.tlb, dev + 0x5000, K4, K4);
	tlbm_fill(&H.tlb);
	H.tlbi = 0;
	assert_int_equal(am_pt_modify(pt, am_va(dev + 0x5000), K4, &DEV, AM_PT_F_PARKED), 0);
	check();
	assert_int_equal(H.tlbi, 1);
	expect_fault(dev + 0x5000, VMSA_ACC_R, VMSA_F_TRANSLATION);
}

/* ----------------------------------------------------------- populate -- */

static void test_populate(void **state)
{
	struct am_pt *pt = setup(AM_PT_S1_EL2, 39);
	uint64_t va = 0x40000000;

	(void)state;
	assert_int_equal(am_pt_populate(pt, am_va(va + M2 - K4), 2 * K4), 0);
	check();
	assert_int_equal(am_pt_tables(pt), 4); /* root, L2, two L3 */
	expect_fault(va + M2, VMSA_ACC_R, VMSA_F_TRANSLATION);
	/* a later map there needs no page */
	am_host_pt_fail_at(&H, 0);
	assert_int_equal(
		am_pt_map(pt, am_va(va + M2 - K4), am_pa(0x80000000), 2 * K4, &RW, AM_PT_F_BLOCK),
		0);
	am_host_pt_fail_at(&H, -1);
	check();
	expect_map(va + M2, 0x80001000, VMSA_ACC_R);
	assert_int_equal(am_pt_tables(pt), 4);
	/* populate over a block leaves the block */
	assert_int_equal(
		am_pt_map(pt, am_va(va + 4 * M2), am_pa(va + 4 * M2), M2, &RW, AM_PT_F_BLOCK), 0);
	assert_int_equal(am_pt_populate(pt, am_va(va + 4 * M2), M2), 0);
	check();
	assert_int_equal(am_pt_tables(pt), 4);
	/* populate over what exists needs nothing and changes nothing */
	am_host_pt_fail_at(&H, 0);
	assert_int_equal(am_pt_populate(pt, am_va(va + M2 - K4), 2 * K4), 0);
	am_host_pt_fail_at(&H, -1);
	check();
	assert_int_equal(am_pt_tables(pt), 4);
	expect_map(va + M2, 0x80001000, VMSA_ACC_R);
	assert_int_equal(am_pt_populate(pt, am_va(0), 0), AM_EINVAL);
	assert_int_equal(am_pt_populate(pt, am_va(1ull << 39), K4), AM_ERANGE);
	assert_int_equal(am_pt_populate(NULL, am_va(0), K4), AM_EINVAL);
	/* unmap of a populated, empty range gives its tables back */
	assert_int_equal(am_pt_populate(pt, am_va(2 * G1), 4 * M2), 0);
	assert_int_equal(am_pt_tables(pt), 9);
	assert_int_equal(am_pt_unmap(pt, am_va(2 * G1 + M2), M2), 0);
	check();
	assert_int_equal(am_pt_tables(pt), 8);
}

/* ------------------------------------------------------- entry counts -- */

/* The raw entry at @level on the way to @va (0 where the walk stops above). */
static uint64_t entry_at(uint64_t va, unsigned int level)
{
	uint64_t tpa = am_pa_val(PT.root_pa);

	for (unsigned int l = PT.root_level;; l++) {
		uint64_t e = rd(tpa + ((va >> (12 + 9 * (3 - l))) & 511u) * 8u);

		if (l == level)
			return e;
		if ((e & 3u) != 3u || l == 3)
			return 0;
		tpa = e & AM_PTE_OA_MASK;
	}
}

/* The count the level-@level table descriptor of @va carries for its table. */
static unsigned int count_at(uint64_t va, unsigned int level)
{
	uint64_t e = entry_at(va, level);

	assert_int_equal(e & 3u, 3u);
	return desc_count(e);
}

/*
 * The entry counts in the table descriptors (src/pt/pt_internal.h) through
 * every writer: populate, map of pages, blocks and runs, a block split by
 * unmap and by modify, a contiguous run losing its hint, parking, a table
 * emptied page by page (freed when its count reaches 0), and a whole
 * subtree dropped. check() compares every count with the table after each
 * call; here the values are also spelled out.
 */
static void test_table_counts(void **state)
{
	struct am_pt *pt = setup(AM_PT_S1_EL2, 39);
	uint64_t va = G1;

	(void)state;
	assert_int_equal(am_pt_populate(pt, am_va(va), K4), 0);
	check();
	assert_int_equal(count_at(va, 1), 1); /* the L2 table holds one table */
	assert_int_equal(count_at(va, 2), 0); /* the populated L3 table is empty */
	assert_int_equal(am_pt_map(pt, am_va(va), am_pa(0x80000000), 3 * K4, &RW, 0), 0);
	check();
	assert_int_equal(count_at(va, 2), 3);
	/* a block next to it, then split by unmapping one page of it */
	assert_int_equal(am_pt_map(pt, am_va(va + M2), am_pa(0x80200000), M2, &RW, AM_PT_F_BLOCK),
			 0);
	check();
	assert_int_equal(count_at(va, 1), 2);
	assert_int_equal(am_pt_unmap(pt, am_va(va + M2 + 5 * K4), K4), 0);
	check();
	assert_int_equal(count_at(va + M2, 2), 511);
	/* split by modify: the new table is full */
	assert_int_equal(
		am_pt_map(pt, am_va(va + 2 * M2), am_pa(0x80400000), M2, &RW, AM_PT_F_BLOCK), 0);
	assert_int_equal(am_pt_modify(pt, am_va(va + 2 * M2 + K4), K4, &RO, 0), 0);
	check();
	assert_int_equal(count_at(va + 2 * M2, 2), 512);
	/* parking and unparking keep the count */
	assert_int_equal(am_pt_modify(pt, am_va(va + 2 * M2), 8 * K4, NULL, AM_PT_F_PARKED), 0);
	check();
	assert_int_equal(count_at(va + 2 * M2, 2), 512);
	/* a contiguous run losing its hint to an unmap of two of its pages */
	assert_int_equal(
		am_pt_map(pt, am_va(va + 16 * K4), am_pa(0x80010000), 16 * K4, &RW, AM_PT_F_CONTIG),
		0);
	check();
	assert_int_equal(count_at(va, 2), 19);
	assert_int_equal(am_pt_unmap(pt, am_va(va + 20 * K4), 2 * K4), 0);
	check();
	assert_int_equal(count_at(va, 2), 17);
	/* emptied page by page: freed on the last one, and the L2 entry goes */
	for (uint64_t a = va + M2; a < va + 2 * M2; a += K4)
		assert_int_equal(am_pt_unmap(pt, am_va(a), K4), 0);
	check();
	assert_int_equal(entry_at(va + M2, 2), 0);
	assert_int_equal(count_at(va, 1), 2);
	assert_int_equal(am_pt_tables(pt), 4); /* root, L2, the L3 tables at va and va + 4M */
	/* one range over a table and part of another: the first is dropped whole */
	assert_int_equal(am_pt_unmap(pt, am_va(va), M2 + M2 + 4 * K4), 0);
	check();
	assert_int_equal(entry_at(va, 2), 0);
	assert_int_equal(count_at(va + 2 * M2, 2), 508);
	assert_int_equal(count_at(va, 1), 1);
	/* and the last of it: the L2 table goes too */
	assert_int_equal(am_pt_unmap(pt, am_va(va + 2 * M2), M2), 0);
	check();
	assert_int_equal(entry_at(va, 1), 0);
	assert_int_equal(am_pt_tables(pt), 1);
}

/* --------------------------------------------- small calls, fast paths -- */

/* Table reads and log records from now on. */
static void fresh_log(void)
{
	TVA_CALLS = 0;
	am_host_pt_clear_log(&H);
}

/* And barriers and TLBIs. */
static void count_from_zero(void)
{
	H.tlbi = H.tlbi_all = H.publish = H.complete = 0;
	H.nring = 0;
	fresh_log();
}

/*
 * What a single-leaf call that changed or removed one live leaf at @va,
 * @level issues, having read @reads tables: the leaf's TLBI between one
 * PUBLISH and one COMPLETE; and the models agree.
 */
static void expect_one_leaf_tlbi(unsigned long reads, uint64_t va, unsigned int level)
{
	check();
	assert_int_equal(TVA_CALLS, reads);
	assert_int_equal(H.tlbi, 1);
	assert_int_equal(H.last_tlbi.addr, va);
	assert_int_equal(H.last_tlbi.level, level);
	assert_int_equal(H.last_tlbi.leaf, 1);
	assert_int_equal(H.publish, 1);
	assert_int_equal(H.complete, 1);
}

/*
 * The single-leaf path, hit: a call on exactly one entry (a page, a block)
 * whose tables exist reads each table on the way once (stage 2, 40 bits:
 * a level-0 root, three tables below it for a page, two for a block) and
 * nothing else, writes the entry and its table's count, and issues the
 * same maintenance as the general walk: none for a new mapping but the
 * final COMPLETE; PUBLISH, the leaf's TLBI, COMPLETE for a change or a
 * removal of a live one.
 */
static void test_single_leaf_hits(void **state)
{
	struct am_pt *pt = setup_counting(AM_PT_S2, 40);
	struct am_attr ram = {AM_PERM_R | AM_PERM_W, AM_MT_NORMAL_WB, AM_SH_INNER};
	struct am_attr ro = {AM_PERM_R, AM_MT_NORMAL_WB, AM_SH_INNER};
	uint64_t va = 0x40000000, pa = 0x880000000ull;
	struct am_pt_leaf l;

	(void)state;
	assert_int_equal(am_pt_populate(pt, am_va(va), 4 * M2), 0);
	/* the first call into the level-3 table reads the three tables */
	count_from_zero();
	assert_int_equal(am_pt_map(pt, am_va(va + 9 * K4), am_pa(pa + 9 * K4), K4, &ram, 0), 0);
	assert_int_equal(TVA_CALLS, 3);
	assert_int_equal(H.complete, 1);
	tlbm_watch(&H.tlb, va, 4 * M2, K4);
	/* the calls after it go through the walk cache: no table read */
	count_from_zero();
	am_host_pt_fail_at(&H, 0); /* and nothing is allocated */
	assert_int_equal(am_pt_map(pt, am_va(va + 5 * K4), am_pa(pa), K4, &ram, AM_PT_F_SW(3)), 0);
	am_host_pt_fail_at(&H, -1);
	check();
	assert_int_equal(TVA_CALLS, 0);
	assert_int_equal(H.tlbi + H.tlbi_all + H.publish, 0);
	assert_int_equal(H.complete, 1);
	assert_int_equal(count_at(va, 2), 2);
	expect_map(va + 5 * K4 + 0x10, pa + 0x10, VMSA_ACC_W);
	assert_int_equal(am_pt_query(pt, am_va(va + 5 * K4), &l), 0);
	assert_int_equal(l.sw, 3);
	assert_int_equal(TVA_CALLS, 0); /* query: the walk cache's table too */
	/* modify: the live leaf changes in place, invalidated */
	tlbm_fill(&H.tlb);
	count_from_zero();
	assert_int_equal(am_pt_modify(pt, am_va(va + 5 * K4), K4, &ro, 0), 0);
	expect_one_leaf_tlbi(0, va + 5 * K4, 3);
	expect_fault(va + 5 * K4, VMSA_ACC_W, VMSA_F_PERMISSION);
	/* the same again changes nothing: no maintenance, no barrier */
	count_from_zero();
	assert_int_equal(am_pt_modify(pt, am_va(va + 5 * K4), K4, &ro, 0), 0);
	assert_int_equal(H.tlbi + H.publish + H.complete, 0);
	/* parked and back */
	assert_int_equal(am_pt_modify(pt, am_va(va + 5 * K4), K4, NULL, AM_PT_F_PARKED), 0);
	check();
	expect_fault(va + 5 * K4, VMSA_ACC_R, VMSA_F_TRANSLATION);
	assert_int_equal(am_pt_modify(pt, am_va(va + 5 * K4), K4, NULL, 0), 0);
	check();
	expect_map(va + 5 * K4, pa, VMSA_ACC_R);
	/* unmap: cleared, invalidated; the table keeps its other page */
	tlbm_fill(&H.tlb);
	count_from_zero();
	assert_int_equal(am_pt_unmap(pt, am_va(va + 5 * K4), K4), 0);
	expect_one_leaf_tlbi(0, va + 5 * K4, 3);
	assert_int_equal(count_at(va, 2), 1);
	expect_fault(va + 5 * K4, VMSA_ACC_R, VMSA_F_TRANSLATION);
	/* unmapping it again: nothing there, nothing done */
	count_from_zero();
	assert_int_equal(am_pt_unmap(pt, am_va(va + 5 * K4), K4), 0);
	assert_int_equal(H.tlbi + H.publish + H.complete, 0);
	/* a 2 MiB block into the existing level-2 table, which the first
	 * page's lookup went through: kept, none read */
	count_from_zero();
	assert_int_equal(
		am_pt_map(pt, am_va(va + 8 * M2), am_pa(pa + 8 * M2), M2, &ram, AM_PT_F_BLOCK), 0);
	check();
	assert_int_equal(TVA_CALLS, 0);
	assert_int_equal(count_at(va, 1), 5); /* four populated tables and the block */
	tlbm_watch(&H.tlb, va + 8 * M2, M2, 64 * K4);
	tlbm_fill(&H.tlb);
	count_from_zero();
	assert_int_equal(am_pt_modify(pt, am_va(va + 8 * M2), M2, &ro, 0), 0);
	expect_one_leaf_tlbi(0, va + 8 * M2, 2); /* the level-2 table: cached */
	expect_fault(va + 8 * M2 + 3 * K4, VMSA_ACC_W, VMSA_F_PERMISSION);
	count_from_zero();
	assert_int_equal(am_pt_unmap(pt, am_va(va + 8 * M2), M2), 0);
	expect_one_leaf_tlbi(0, va + 8 * M2, 2);
	assert_int_equal(entry_at(va + 8 * M2, 2), 0);
	assert_int_equal(count_at(va, 1), 4);
}

/*
 * The walk cache's level-2 table: a call on a page whose level-3 table the
 * cache does not keep, under the level-2 table it keeps (another 2 MiB
 * region of the same 1 GiB), reads that level-2 table's entry and the
 * level-3 table alone (pt_lookup() with wc); a lookup from the root that
 * went through a level-2 table keeps it. Map, modify, unmap and query, a
 * way that stops at level 2 (an empty entry, a block), an unmap that
 * empties its level-3 table (the count above from the kept level-2
 * table's descriptor; not when the cache keeps another level-2 table),
 * another 1 GiB, and a root at level 2, whose table is always there; the
 * oracle after each call.
 */
static void test_walk_cache_level2(void **state)
{
	const uint64_t va = 0x40000000, pa = 0x880000000ull;
	struct am_pt_leaf l;
	struct am_pt *pt;

	(void)state;
	pt = setup_counting(AM_PT_S2, 40); /* level-0 root: three tables to a page */
	assert_int_equal(am_pt_populate(pt, am_va(va), 4 * M2), 0);
	fresh_log();
	assert_int_equal(am_pt_map(pt, am_va(va), am_pa(pa), K4, &RW, 0), 0);
	assert_int_equal(TVA_CALLS, 3);
	/* the other level-3 tables: the level-2 table kept, one table read */
	for (unsigned int i = 1; i < 4; i++) {
		fresh_log();
		assert_int_equal(am_pt_map(pt, am_va(va + i * M2 + K4), am_pa(pa + i * M2), K4,
					   &RW, 0),
				 0);
		assert_int_equal(TVA_CALLS, 1);
		check();
		expect_map(va + i * M2 + K4, pa + i * M2, VMSA_ACC_W);
	}
	assert_int_equal(count_at(va + 3 * M2, 2), 1);
	fresh_log();
	assert_int_equal(am_pt_modify(pt, am_va(va + M2 + K4), K4, &RO, 0), 0);
	assert_int_equal(TVA_CALLS, 1);
	check();
	expect_fault(va + M2 + K4, VMSA_ACC_W, VMSA_F_PERMISSION);
	fresh_log();
	assert_int_equal(am_pt_query(pt, am_va(va + 0x123), &l), 0);
	assert_int_equal(TVA_CALLS, 1);
	assert_int_equal(am_pa_val(l.pa), pa);
	assert_int_equal(l.level, 3);
	/* an empty level-2 entry: the query's answer, nothing read */
	fresh_log();
	assert_int_equal(am_pt_query(pt, am_va(va + 6 * M2), &l), AM_ENOENT);
	assert_int_equal(TVA_CALLS, 0);
	/* ... where a page map makes the level-3 table (the grow path) */
	assert_int_equal(am_pt_map(pt, am_va(va + 6 * M2), am_pa(pa + 6 * M2), K4, &RW, 0), 0);
	check();
	assert_int_equal(count_at(va + 6 * M2, 2), 1);
	/* a block at level 2: found through the level-2 table */
	assert_int_equal(
		am_pt_map(pt, am_va(va + 8 * M2), am_pa(pa + 8 * M2), M2, &RW, AM_PT_F_BLOCK), 0);
	assert_int_equal(am_pt_query(pt, am_va(va + 6 * M2), &l), 0); /* its table kept */
	fresh_log();
	assert_int_equal(am_pt_query(pt, am_va(va + 8 * M2 + 5 * K4), &l), 0);
	assert_int_equal(TVA_CALLS, 0);
	assert_int_equal(l.level, 2);
	assert_int_equal(am_pa_val(l.pa), pa + 8 * M2);
	/* a page of the block: broken by the walk, as before */
	assert_int_equal(am_pt_unmap(pt, am_va(va + 8 * M2 + 5 * K4), K4), 0);
	check();
	expect_fault(va + 8 * M2 + 5 * K4, VMSA_ACC_R, VMSA_F_TRANSLATION);
	expect_map(va + 8 * M2 + 6 * K4, pa + 8 * M2 + 6 * K4, VMSA_ACC_W);
	/* the unmap that empties a level-3 table, through the level-2 table:
	 * the table goes, its entry and the count above with it */
	assert_int_equal(am_pt_query(pt, am_va(va), &l), 0);
	fresh_log();
	assert_int_equal(am_pt_unmap(pt, am_va(va + 6 * M2), K4), 0);
	check();
	assert_int_equal(entry_at(va + 6 * M2, 2), 0);
	expect_fault(va + 6 * M2, VMSA_ACC_R, VMSA_F_TRANSLATION);
	/* the cache emptied with it: the next call reads from the root */
	fresh_log();
	assert_int_equal(am_pt_unmap(pt, am_va(va + 2 * M2 + K4), K4), 0);
	assert_int_equal(TVA_CALLS, 3);
	check();
	/* another 1 GiB: its own level-2 table, kept in place of the first */
	assert_int_equal(am_pt_populate(pt, am_va(va + G1), 2 * M2), 0);
	fresh_log();
	assert_int_equal(am_pt_map(pt, am_va(va + G1), am_pa(pa + G1), K4, &RW, 0), 0);
	assert_int_equal(TVA_CALLS, 3);
	fresh_log();
	assert_int_equal(am_pt_map(pt, am_va(va + G1 + M2), am_pa(pa + G1 + M2), K4, &RW, 0), 0);
	assert_int_equal(TVA_CALLS, 1);
	fresh_log();
	assert_int_equal(am_pt_unmap(pt, am_va(va + 3 * M2 + K4), K4), 0);
	assert_int_equal(TVA_CALLS, 3);
	check();
	/* a 2 MiB block map into a level-2 table a page's lookup kept: its count */
	assert_int_equal(am_pt_query(pt, am_va(va + G1), &l), 0);
	fresh_log();
	assert_int_equal(am_pt_map(pt, am_va(va + G1 + 4 * M2), am_pa(pa + G1 + 4 * M2), M2, &RW,
				   AM_PT_F_BLOCK),
			 0);
	assert_int_equal(TVA_CALLS, 0);
	check();
	assert_int_equal(count_at(va + G1, 1), 3);
	/* the unmap that empties a level-3 table under the kept level-2
	 * table: the count above from the cache's descriptor, no path looked up */
	fresh_log();
	assert_int_equal(am_pt_unmap(pt, am_va(va + G1 + M2), K4), 0);
	assert_int_equal(TVA_CALLS, 1);
	check();
	assert_int_equal(count_at(va + G1, 1), 2);
	/* ... but not when the cache keeps another level-2 table: the level-3
	 * table kept, a 2 MiB block into the first 1 GiB since */
	assert_int_equal(am_pt_query(pt, am_va(va + G1), &l), 0);
	assert_int_equal(
		am_pt_map(pt, am_va(va + 10 * M2), am_pa(pa + 10 * M2), M2, &RW, AM_PT_F_BLOCK), 0);
	{
		unsigned int first = count_at(va, 1);

		assert_int_equal(am_pt_unmap(pt, am_va(va + G1), K4), 0);
		check();
		assert_int_equal(count_at(va + G1, 1), 1);
		assert_int_equal(count_at(va, 1), first);
	}
	teardown(NULL);

	/* a root at level 2 (30 bits): every level-3 table one read away */
	pt = setup_counting(AM_PT_S1_EL2, 30);
	assert_int_equal(am_pt_map(pt, am_va(0), am_pa(pa), K4, &RW, 0), 0);
	for (unsigned int i = 1; i < 3; i++) {
		assert_int_equal(am_pt_map(pt, am_va(i * M2), am_pa(pa + i * M2), K4, &RW, 0), 0);
		fresh_log();
		assert_int_equal(am_pt_modify(pt, am_va((i - 1) * M2), K4, &RO, 0), 0);
		assert_int_equal(TVA_CALLS, 1);
		check();
	}
	assert_int_equal(am_pt_unmap(pt, am_va(0), K4), 0);
	check();
	assert_int_equal(am_pt_tables(pt), 3);
}

/*
 * The single-leaf path, missed: the entry needs what only the walk does
 * (a table to create or to drop, a block or a contiguous run to break,
 * pages where no block is allowed). The call then goes the general way,
 * with the same outcome as before the fast path existed.
 */
static void test_single_leaf_misses(void **state)
{
	struct am_pt *pt = setup_counting(AM_PT_S1_EL2, 39);
	uint64_t va = 0x40000000;
	struct shape sh;

	(void)state;
	/* no table yet: created */
	assert_int_equal(am_pt_map(pt, am_va(va), am_pa(va), K4, &RW, 0), 0);
	check();
	assert_int_equal(am_pt_tables(pt), 3);
	/* 2 MiB without AM_PT_F_BLOCK: pages in a new table */
	assert_int_equal(am_pt_map(pt, am_va(va + M2), am_pa(va + M2), M2, &RW, 0), 0);
	check();
	assert_int_equal(shape().leaves[3], 513);
	/* 2 MiB over a table of pages: unmap drops the table in one piece */
	tlbm_watch(&H.tlb, va, 2 * M2, K4);
	tlbm_fill(&H.tlb);
	assert_int_equal(am_pt_unmap(pt, am_va(va + M2), M2), 0);
	check();
	assert_int_equal(am_pt_tables(pt), 3);
	/* 2 MiB with blocks over an empty populated table: the table is used */
	assert_int_equal(am_pt_populate(pt, am_va(va + M2), K4), 0);
	assert_int_equal(am_pt_map(pt, am_va(va + M2), am_pa(va + M2), M2, &RW, AM_PT_F_BLOCK), 0);
	check();
	sh = shape();
	assert_int_equal(sh.leaves[2], 0);
	assert_int_equal(sh.leaves[3], 513);
	/* one page of a block: the block is broken (break-before-make) */
	assert_int_equal(
		am_pt_map(pt, am_va(va + 4 * M2), am_pa(va + 4 * M2), M2, &RW, AM_PT_F_BLOCK), 0);
	tlbm_watch(&H.tlb, va + 4 * M2, M2, K4);
	tlbm_fill(&H.tlb);
	assert_int_equal(am_pt_unmap(pt, am_va(va + 4 * M2 + 7 * K4), K4), 0);
	check();
	expect_fault(va + 4 * M2 + 7 * K4, VMSA_ACC_R, VMSA_F_TRANSLATION);
	expect_map(va + 4 * M2 + 8 * K4, va + 4 * M2 + 8 * K4, VMSA_ACC_W);
	assert_int_equal(
		am_pt_map(pt, am_va(va + 6 * M2), am_pa(va + 6 * M2), M2, &RW, AM_PT_F_BLOCK), 0);
	tlbm_watch(&H.tlb, va + 6 * M2, M2, K4);
	tlbm_fill(&H.tlb);
	assert_int_equal(am_pt_modify(pt, am_va(va + 6 * M2 + 7 * K4), K4, &RO, 0), 0);
	check();
	expect_fault(va + 6 * M2 + 7 * K4, VMSA_ACC_W, VMSA_F_PERMISSION);
	expect_map(va + 6 * M2 + 8 * K4, va + 6 * M2 + 8 * K4, VMSA_ACC_W);
	/* one page of a contiguous run: the run loses its hint first */
	assert_int_equal(
		am_pt_map(pt, am_va(va + 8 * M2), am_pa(va + 8 * M2), 32 * K4, &RW, AM_PT_F_CONTIG),
		0);
	tlbm_watch(&H.tlb, va + 8 * M2, 32 * K4, K4);
	tlbm_fill(&H.tlb);
	assert_int_equal(am_pt_modify(pt, am_va(va + 8 * M2 + 3 * K4), K4, &RO, 0), 0);
	check();
	assert_int_equal(am_pt_unmap(pt, am_va(va + 8 * M2 + 20 * K4), K4), 0);
	check();
	assert_int_equal(shape().contig[3], 0);
	expect_fault(va + 8 * M2 + 3 * K4, VMSA_ACC_W, VMSA_F_PERMISSION);
	expect_fault(va + 8 * M2 + 20 * K4, VMSA_ACC_R, VMSA_F_TRANSLATION);
	expect_map(va + 8 * M2 + 21 * K4, va + 8 * M2 + 21 * K4, VMSA_ACC_W);
	/* a 1 GiB block in the root (level 1 here): the leaf's table is the
	 * root, which keeps no count */
	count_from_zero();
	assert_int_equal(am_pt_map(pt, am_va(4 * G1), am_pa(4 * G1), G1, &RW, AM_PT_F_BLOCK), 0);
	assert_int_equal(TVA_CALLS, 0);
	assert_int_equal(am_pt_unmap(pt, am_va(4 * G1), G1), 0);
	assert_int_equal(TVA_CALLS, 0);
	check();
}

/*
 * Refusals on the single-leaf path: decided before anything is written,
 * so the tables stay byte for byte, no maintenance or barrier is issued,
 * and exactly one record says why, naming the entry.
 */
static void test_single_leaf_refusals(void **state)
{
	struct am_pt *pt = setup_counting(AM_PT_S2, 40);
	struct am_attr ram = {AM_PERM_R | AM_PERM_W, AM_MT_NORMAL_WB, AM_SH_INNER};
	struct am_attr nc = {AM_PERM_R, AM_MT_NORMAL_NC, AM_SH_INNER};
	struct am_attr osh = {AM_PERM_R, AM_MT_NORMAL_WB, AM_SH_OUTER};
	uint64_t va = 0x40000000;

	(void)state;
	assert_int_equal(am_pt_map(pt, am_va(va), am_pa(0x880000000ull), 2 * K4, &ram, 0), 0);
	assert_int_equal(
		am_pt_map(pt, am_va(va + 2 * K4), am_pa(0x9000000), K4, &DEV, AM_PT_F_PARKED), 0);
	assert_int_equal(
		am_pt_map(pt, am_va(va + M2), am_pa(0x880200000ull), M2, &ram, AM_PT_F_BLOCK), 0);
	check();
	snap();
	fresh_log();
	assert_int_equal(am_pt_map(pt, am_va(va + K4), am_pa(0x1000), K4, &ram, 0), AM_EEXIST);
	assert_int_equal(TVA_CALLS, 0); /* the walk cache: the parked page's map filled it */
	assert_int_equal(H.nlog, 1);
	assert_int_equal(am_host_pt_logged(&H, AM_EV_PT_MAPPED, va + K4), 1);
	fresh_log();
	assert_int_equal(am_pt_map(pt, am_va(va + 2 * K4), am_pa(0x1000), K4, &ram, 0),
			 AM_EEXIST); /* parked */
	assert_int_equal(am_host_pt_logged(&H, AM_EV_PT_MAPPED, va + 2 * K4), 1);
	assert_int_equal(H.nlog, 1);
	fresh_log();
	assert_int_equal(am_pt_map(pt, am_va(va + M2), am_pa(0), M2, &ram, AM_PT_F_BLOCK),
			 AM_EEXIST); /* block */
	assert_int_equal(am_host_pt_logged(&H, AM_EV_PT_MAPPED, va + M2), 1);
	assert_int_equal(H.nlog, 1);
	fresh_log();
	assert_int_equal(am_pt_modify(pt, am_va(va + 3 * K4), K4, &ram, 0), AM_ENOENT);
	assert_int_equal(TVA_CALLS, 0);
	assert_int_equal(am_host_pt_logged(&H, AM_EV_NOT_FOUND, va + 3 * K4), 1);
	assert_int_equal(H.nlog, 1);
	fresh_log();
	assert_int_equal(am_pt_modify(pt, am_va(va), K4, &nc, 0), AM_EPERM);
	assert_int_equal(am_host_pt_logged(&H, AM_EV_TYPE_CHANGE, va), 1);
	assert_int_equal(H.nlog, 1);
	fresh_log();
	assert_int_equal(am_pt_modify(pt, am_va(va + M2), M2, &osh, 0), AM_EPERM); /* the block */
	assert_int_equal(am_host_pt_logged(&H, AM_EV_TYPE_CHANGE, va + M2), 1);
	assert_int_equal(H.nlog, 1);
	fresh_log();
	assert_int_equal(am_pt_modify(pt, am_va(va + 2 * K4), K4, &ram, 0),
			 AM_EPERM); /* parked device */
	assert_int_equal(H.nlog, 1);
	/* a page inside a block: the fast path stops at the block, the walk refuses */
	fresh_log();
	assert_int_equal(am_pt_map(pt, am_va(va + M2 + 5 * K4), am_pa(0x1000), K4, &ram, 0),
			 AM_EEXIST);
	assert_int_equal(am_host_pt_logged(&H, AM_EV_PT_MAPPED, va + M2 + 5 * K4), 1);
	assert_int_equal(H.nlog, 1);
	unchanged();
	check();
	assert_int_equal(H.unlocked_logs, 0);
}

/*
 * The small calls' fast path (one entry, attributes and flags whose
 * template the table kept) checks only what that leaves open. A call it
 * must not finish goes the general way, with the same outcome as when
 * nothing was kept: flags a modify refuses though a map kept them, a
 * block whose PA is only page aligned (pages), output addresses at and
 * beyond the output size, a block-sized unmap over a table.
 */
static void test_fast_path_checks(void **state)
{
	struct am_pt_config cfg = {
		.regime = AM_PT_S1_EL10, .ia_bits = 39, .oa_bits = 40, .asid = 3};
	struct am_pt *pt = setup_cfg(&cfg);
	const uint64_t oa_end = 1ull << 40;
	uint64_t va = 0x40000000;
	struct am_pt_leaf l;

	(void)state;
	/* kept: (RW, nG), (RW, block) */
	assert_int_equal(am_pt_map(pt, am_va(va), am_pa(0x80000000), K4, &RW, AM_PT_F_NG), 0);
	assert_int_equal(
		am_pt_map(pt, am_va(va + 4 * M2), am_pa(0x80400000), M2, &RW, AM_PT_F_BLOCK), 0);
	check();
	/* a modify takes neither flag, kept or not: refused, one record */
	snap();
	fresh_log();
	assert_int_equal(am_pt_modify(pt, am_va(va), K4, &RW, AM_PT_F_NG), AM_EINVAL);
	assert_int_equal(am_pt_modify(pt, am_va(va + 4 * M2), M2, &RW, AM_PT_F_BLOCK), AM_EINVAL);
	assert_int_equal(am_host_pt_logged(&H, AM_EV_BAD_ARG, ~0ull), 2);
	assert_int_equal(H.nlog, 2);
	/* the output size: a page at its last page is mapped, one at it is not */
	assert_int_equal(am_pt_map(pt, am_va(va + K4), am_pa(oa_end), K4, &RW, AM_PT_F_NG),
			 AM_ERANGE);
	assert_int_equal(am_pt_map(pt, am_va(va + 8 * M2), am_pa(oa_end), M2, &RW, AM_PT_F_BLOCK),
			 AM_ERANGE);
	assert_int_equal(
		am_pt_map(pt, am_va(va + 8 * M2), am_pa(oa_end - K4), M2, &RW, AM_PT_F_BLOCK),
		AM_ERANGE);
	/* the same where its level-2 table is missing (the one table the
	 * single-leaf path would make for a block): refused, nothing made */
	assert_int_equal(am_pt_map(pt, am_va(va + G1), am_pa(oa_end - K4), M2, &RW, AM_PT_F_BLOCK),
			 AM_ERANGE);
	assert_int_equal(am_host_pt_logged(&H, AM_EV_BAD_RANGE, ~0ull), 4);
	unchanged();
	assert_int_equal(am_pt_map(pt, am_va(va + K4), am_pa(oa_end - K4), K4, &RW, AM_PT_F_NG), 0);
	check();
	expect_map(va + K4 + 8, oa_end - K4 + 8, VMSA_ACC_W);
	/* a block-sized map whose PA is only page aligned: 512 pages */
	assert_int_equal(
		am_pt_map(pt, am_va(va + 6 * M2), am_pa(0x80601000), M2, &RW, AM_PT_F_BLOCK), 0);
	check();
	assert_int_equal(am_pt_query(pt, am_va(va + 7 * M2 - K4), &l), 0);
	assert_int_equal(l.level, 3);
	expect_map(va + 7 * M2 - K4, 0x80801000 - K4, VMSA_ACC_R);
	/* a block-sized unmap over a table of pages, and over the block */
	assert_int_equal(am_pt_unmap(pt, am_va(va + 6 * M2), M2), 0);
	assert_int_equal(am_pt_unmap(pt, am_va(va + 4 * M2), M2), 0);
	check();
	expect_fault(va + 6 * M2 + 5 * K4, VMSA_ACC_R, VMSA_F_TRANSLATION);
	expect_fault(va + 4 * M2, VMSA_ACC_R, VMSA_F_TRANSLATION);
	assert_int_equal(H.nlog, 6); /* nothing more was logged */
	/* a 1 GiB block-sized unmap of a range with a table under it */
	assert_int_equal(am_pt_unmap(pt, am_va(va), G1), 0);
	check();
	expect_fault(va, VMSA_ACC_R, VMSA_F_TRANSLATION);
	assert_int_equal(am_pt_tables(pt), 1);
	/* unaligned addresses where the tables exist: refused */
	assert_int_equal(am_pt_map(pt, am_va(va), am_pa(0x80000000), 2 * K4, &RW, AM_PT_F_NG), 0);
	snap();
	fresh_log();
	assert_int_equal(
		am_pt_map(pt, am_va(va + K4 + 0x800), am_pa(0x80001000), K4, &RW, AM_PT_F_NG),
		AM_EINVAL);
	assert_int_equal(am_pt_map(pt, am_va(va + 2 * K4), am_pa(0x80002800), K4, &RW, AM_PT_F_NG),
			 AM_EINVAL);
	assert_int_equal(am_pt_unmap(pt, am_va(va + 0x800), K4), AM_EINVAL);
	assert_int_equal(am_pt_modify(pt, am_va(va + 0x800), K4, &RW, 0), AM_EINVAL);
	assert_int_equal(H.nlog, 4);
	unchanged();
	teardown(NULL);

	/*
	 * A 30-bit table's root is at level 2: a 1 GiB call is not one entry
	 * there (the whole table: 512 blocks), whatever is kept.
	 */
	pt = setup(AM_PT_S1_EL2, 30);
	assert_int_equal(pt->root_level, 2);
	assert_int_equal(am_pt_map(pt, am_va(K4), am_pa(K4), K4, &RW, AM_PT_F_BLOCK), 0);
	check();
	snap();
	assert_int_equal(am_pt_map(pt, am_va(0), am_pa(G1), G1, &RW, AM_PT_F_BLOCK), AM_EEXIST);
	unchanged();
	assert_int_equal(am_pt_unmap(pt, am_va(0), G1), 0);
	check();
	expect_fault(K4, VMSA_ACC_R, VMSA_F_TRANSLATION);
	assert_int_equal(am_pt_tables(pt), 1);
	assert_int_equal(am_pt_map(pt, am_va(0), am_pa(G1), G1, &RW, AM_PT_F_BLOCK), 0);
	check();
	assert_int_equal(am_pt_query(pt, am_va(G1 - K4), &l), 0);
	assert_int_equal(l.level, 2);
	expect_map(G1 - K4, 2 * G1 - K4, VMSA_ACC_W);
	assert_int_equal(am_pt_unmap(pt, am_va(0), G1), 0);
	check();
	expect_fault(0, VMSA_ACC_R, VMSA_F_TRANSLATION);
	expect_fault(G1 - K4, VMSA_ACC_R, VMSA_F_TRANSLATION);
}

/*
 * A single-leaf unmap that empties its table: the count says so (no scan),
 * and the table is unlinked, its walks invalidated (non-leaf TLBI) and the
 * page given back after that, as is each table above it that it empties
 * in turn, up to the root.
 */
static void test_single_leaf_frees(void **state)
{
	struct am_pt *pt = setup_counting(AM_PT_S2, 40);
	uint64_t va = 0x8040201000ull; /* L0 entry 1, L1 entry 1, L2 entry 1, L3 entry 1 */
	unsigned int nonleaf = 0;

	(void)state;
	assert_int_equal(am_pt_map(pt, am_va(va), am_pa(0x880000000ull), K4, &RW, 0), 0);
	assert_int_equal(am_pt_tables(pt), 4);
	tlbm_watch(&H.tlb, va - K4, 3 * K4, K4);
	tlbm_fill(&H.tlb);
	count_from_zero();
	H.log_debug = true;
	assert_int_equal(am_pt_unmap(pt, am_va(va), K4), 0);
	check();
	assert_int_equal(am_pt_tables(pt), 1);
	assert_int_equal(H.in_use, 1);
	assert_int_equal(am_host_pt_logged(&H, AM_EV_PT_TABLE_FREED, ~0ull), 3);
	for (unsigned long n = 0; n < H.nring; n++)
		nonleaf += !am_host_pt_tlbi_at(&H, n)->leaf;
	assert_int_equal(H.tlbi, 4); /* the page, and the walks through each table */
	assert_int_equal(nonleaf, 3);
	assert_int_equal(H.complete, 1);
	expect_fault(va, VMSA_ACC_R, VMSA_F_TRANSLATION);
	/* two level-3 tables under one level-2 table: the emptied one goes, the other stays */
	assert_int_equal(am_pt_map(pt, am_va(va), am_pa(0x880000000ull), K4, &RW, 0), 0);
	assert_int_equal(am_pt_map(pt, am_va(va + M2), am_pa(0x880200000ull), K4, &RW, 0), 0);
	assert_int_equal(am_pt_tables(pt), 5);
	tlbm_fill(&H.tlb);
	assert_int_equal(am_pt_unmap(pt, am_va(va), K4), 0);
	check();
	assert_int_equal(am_pt_tables(pt), 4);
	assert_int_equal(count_at(va, 1), 1);
	expect_map(va + M2, 0x880200000ull, VMSA_ACC_R);
	/* a parked page: no leaf TLBI, but the walks through the tables */
	assert_int_equal(am_pt_unmap(pt, am_va(va + M2), K4), 0);
	assert_int_equal(am_pt_map(pt, am_va(va), am_pa(0x9000000), K4, &DEV, AM_PT_F_PARKED), 0);
	count_from_zero();
	assert_int_equal(am_pt_unmap(pt, am_va(va), K4), 0);
	check();
	assert_int_equal(am_pt_tables(pt), 1);
	assert_int_equal(H.tlbi, 3);
	assert_int_equal(H.last_tlbi.leaf, 0);
}

/* The TLBI request @n of the last call: @leaf form, @level, at @addr. */
static void expect_tlbi_at(unsigned long n, bool leaf, unsigned int level, uint64_t addr)
{
	const struct am_host_pt_tlbi *t = am_host_pt_tlbi_at(&H, n);

	assert_non_null(t);
	assert_int_equal(t->leaf, leaf);
	assert_int_equal(t->level, level);
	assert_int_equal(t->addr, addr);
	assert_false(t->all);
}

/* Unmap the page at @va, the counters from zero; @tables left after. */
static void unmap_page_counted(struct am_pt *pt, uint64_t va, size_t tables)
{
	count_from_zero();
	assert_int_equal(am_pt_unmap(pt, am_va(va), K4), 0);
	check();
	assert_int_equal(am_pt_tables(pt), tables);
}

/*
 * A page whose unmap empties its level-3 table while the level-2 table
 * above keeps others: the table goes on the single-leaf path's own
 * (pt_one_emptied(), no walk), with the TLBIs a walk queues (the page's,
 * then the walk through the table; with FEAT_TLBIRANGE one, where the
 * page is the first of the table's span), one COMPLETE, the record; the
 * level-2 table's count in its descriptor. The third, whose level-2
 * table then empties, goes up the path as a walk does.
 */
static void test_single_leaf_frees_alone(void **state)
{
	const uint64_t a = 0x8040201000ull, b = 0x8040400000ull, c = 0x8040601000ull;

	(void)state;
	for (int range = 0; range < 2; range++) {
		struct am_pt *pt;

		RANGE = range;
		pt = setup_counting(AM_PT_S2, 40);
		assert_int_equal(am_pt_map(pt, am_va(a), am_pa(0x880000000ull), K4, &RW, 0), 0);
		assert_int_equal(am_pt_map(pt, am_va(b), am_pa(0x880200000ull), K4, &RW, 0), 0);
		assert_int_equal(am_pt_map(pt, am_va(c), am_pa(0x880400000ull), K4, &RW, 0), 0);
		assert_int_equal(am_pt_tables(pt), 6);
		check();
		tlbm_watch(&H.tlb, a - K4, 3 * K4, K4);
		tlbm_watch(&H.tlb, b, K4, K4);
		tlbm_watch(&H.tlb, c, K4, K4);
		tlbm_fill(&H.tlb);
		H.log_debug = true;

		/* a: not the first page of its table's span: two TLBIs either way */
		unmap_page_counted(pt, a, 5);
		assert_int_equal(count_at(a, 1), 2);
		assert_int_equal(H.tlbi, 2);
		expect_tlbi_at(0, true, 3, a);
		expect_tlbi_at(1, false, 2, a & ~(M2 - 1));
		assert_int_equal(H.complete, 1);
		assert_int_equal(am_host_pt_logged(&H, AM_EV_PT_TABLE_FREED, a & ~(M2 - 1)), 1);
		expect_fault(a, VMSA_ACC_R, VMSA_F_TRANSLATION);
		expect_map(b, 0x880200000ull, VMSA_ACC_R);

		/* b: the first page: with FEAT_TLBIRANGE, one non-leaf TLBI for both */
		unmap_page_counted(pt, b, 4);
		assert_int_equal(count_at(b, 1), 1);
		if (range) {
			assert_int_equal(H.tlbi, 1);
			assert_false(am_host_pt_tlbi_at(&H, 0)->leaf);
			assert_int_equal(am_host_pt_tlbi_at(&H, 0)->addr, b);
		} else {
			assert_int_equal(H.tlbi, 2);
			expect_tlbi_at(0, true, 3, b);
			expect_tlbi_at(1, false, 2, b);
		}
		assert_int_equal(H.complete, 1);
		expect_fault(b, VMSA_ACC_R, VMSA_F_TRANSLATION);
		expect_map(c, 0x880400000ull, VMSA_ACC_R);

		/* c: its level-2 table empties too, and the level-1 table: up the path */
		unmap_page_counted(pt, c, 1);
		assert_int_equal(am_host_pt_logged(&H, AM_EV_PT_TABLE_FREED, ~0ull), 3);
		assert_int_equal(H.complete, 1);
		expect_fault(c, VMSA_ACC_R, VMSA_F_TRANSLATION);
		teardown(NULL);
	}
	RANGE = false;
}

/*
 * The last entry of every page the backend hands out after init, set to a
 * value the library must not write there (CANARY_ON): a page the library
 * zeroes loses it.
 */
#define CANARY 0x5a5a5a5a5a5a5a5aull
static bool CANARY_ON;
static struct am_pt_ops CANARY_OPS;

static void *canary_alloc(void *ctx, am_paddr_t *pa)
{
	uint64_t *t = am_host_pt_ops.alloc_table(ctx, pa);

	if (t && CANARY_ON)
		t[ENTS() - 1u] = CANARY;
	return t;
}

/* The last entry of the level-@level table of @va: the canary, or what the
 * library wrote; then 0, as the backend's contract has it. */
static uint64_t canary_take(uint64_t va, unsigned int level)
{
	uint64_t tpa = next_table(entry_at(va, level - 1u)), *last, e;

	last = am_host_pt_va(&H, tpa + (ENTS() - 1u) * 8u);
	assert_non_null(last);
	e = *last;
	if (e == CANARY)
		*last = 0;
	return e;
}

/*
 * AM_PT_CAP_ZEROED: the backend's pages come zeroed, so the library
 * writes only the entries it needs in a new empty table, on the
 * single-leaf path (pt_one_grow()) and in a walk (pt_descend_new()); a
 * block split into a new table still has every entry written. Without the
 * capability, the same pages are zeroed. The tables come out the same:
 * check() after each call, and the random operations with the capability.
 */
static void test_zeroed_pages(void **state)
{
	const uint64_t g = 0x40000000, pa = 0x80000000;

	(void)state;
	for (int zeroed = 0; zeroed < 2; zeroed++) {
		const uint64_t keep = zeroed ? CANARY : 0;
		struct am_pt_config cfg = {.regime = AM_PT_S1_EL2, .ia_bits = 39};
		struct am_pt *pt;

		ZEROED = zeroed;
		CANARY_OPS = am_host_pt_ops;
		CANARY_OPS.alloc_table = canary_alloc;
		pt = setup_ops(&cfg, &CANARY_OPS);
		assert_int_equal(pt->zeroed, zeroed);
		CANARY_ON = true;
		/* a level-2 and a level-3 table, by a walk (not one entry's span) */
		assert_int_equal(am_pt_map(pt, am_va(g), am_pa(pa), 2 * K4, &RW, 0), 0);
		assert_int_equal(canary_take(g, 2), keep);
		assert_int_equal(canary_take(g, 3), keep);
		check();
		/* a level-3 table alone, on the single-leaf path */
		assert_int_equal(am_pt_map(pt, am_va(g + M2), am_pa(pa + M2), K4, &RW, 0), 0);
		assert_int_equal(canary_take(g + M2, 3), keep);
		check();
		/* a block split: every entry written, the last one a page of the block */
		assert_int_equal(am_pt_map(pt, am_va(g + 2 * M2), am_pa(pa + 2 * M2), M2, &RW,
					   AM_PT_F_BLOCK),
				 0);
		assert_int_equal(am_pt_unmap(pt, am_va(g + 2 * M2), K4), 0);
		assert_int_equal(canary_take(g + 2 * M2, 3) & AM_PTE_OA_MASK, pa + 3 * M2 - K4);
		check();
		expect_map(g + 3 * M2 - K4, pa + 3 * M2 - K4, VMSA_ACC_R | VMSA_ACC_W);
		CANARY_ON = false;
		teardown(NULL);
	}
}

/* Random operations again, the backend's pages zeroed (AM_PT_CAP_ZEROED). */
static void test_random_zeroed(void **state)
{
	ZEROED = true;
	test_random(state);
}

/*
 * Fill the walk cache with the tables of [va, va + 2 MiB) (a page map and
 * a block map below them, then a query): the next call there reads none.
 */
static void walk_cache_fill(uint64_t va, uint64_t pa)
{
	struct am_pt_leaf l;

	assert_int_equal(am_pt_map(&PT, am_va(va + K4), am_pa(pa + K4), K4, &RW, 0), 0);
	assert_int_equal(am_pt_unmap(&PT, am_va(va + 3 * K4), K4), 0); /* nothing there */
	TVA_CALLS = 0;
	assert_int_equal(am_pt_query(&PT, am_va(va + K4), &l), 0);
	assert_int_equal(am_pt_query(&PT, am_va(va + 2 * K4), &l), AM_ENOENT);
	assert_int_equal(TVA_CALLS, 0);
}

/* After the tables of [va, va + 2 MiB) went: nothing there, through every call. */
static void walk_cache_gone(uint64_t va, uint64_t pa)
{
	struct am_pt_leaf l;

	check();
	assert_int_equal(am_pt_query(&PT, am_va(va + K4), &l), AM_ENOENT);
	assert_int_equal(am_pt_modify(&PT, am_va(va + K4), K4, &RO, 0), AM_ENOENT);
	assert_int_equal(am_pt_unmap(&PT, am_va(va + K4), K4), 0);
	/* and a map there builds new tables, which the hardware walks */
	assert_int_equal(am_pt_map(&PT, am_va(va + 5 * K4), am_pa(pa + 5 * K4), K4, &RW, 0), 0);
	check();
	expect_map(va + 5 * K4, pa + 5 * K4, VMSA_ACC_W);
	expect_fault(va + K4, VMSA_ACC_R, VMSA_F_TRANSLATION);
}

/*
 * The walk cache of the small calls (am_pt.wc_*): it keeps the tables the
 * last lookup to each level went through, so that the next call into the
 * same tables reads none. Every way a table leaves the tree forgets them:
 * a single-leaf unmap that empties it, an unmap of its whole span (the
 * walk), a block mapped over it, the tables above it going, destroy and
 * init. The host backend fills a page given back with garbage and hands
 * out other pages first: a call through a forgotten table would read a
 * mapping from the garbage, and write where no walker looks (check()).
 */
static void test_walk_cache(void **state)
{
	struct am_pt *pt = setup_counting(AM_PT_S2, 40);
	uint64_t va = 0x40000000, pa = 0x880000000ull;
	size_t tables;

	(void)state;
	assert_int_equal(am_pt_map(pt, am_va(G1 * 8), am_pa(pa), K4, &RW, 0), 0);
	tables = am_pt_tables(pt);
	/* the single-leaf unmap that empties the table (and those above it) */
	walk_cache_fill(va, pa);
	assert_int_equal(am_pt_tables(pt), tables + 2);
	assert_int_equal(am_pt_unmap(pt, am_va(va + K4), K4), 0);
	assert_int_equal(am_pt_tables(pt), tables);
	walk_cache_gone(va, pa);
	/* an unmap of the table's whole span, through the walk */
	assert_int_equal(am_pt_unmap(pt, am_va(va), M2), 0);
	walk_cache_fill(va, pa);
	assert_int_equal(am_pt_unmap(pt, am_va(va), M2), 0);
	assert_int_equal(am_pt_tables(pt), tables);
	walk_cache_gone(va, pa);
	/* a block over an empty table: the table goes (the block's level-2
	 * table stays, the level-2 cache with it) */
	assert_int_equal(am_pt_unmap(pt, am_va(va), M2), 0);
	walk_cache_fill(va, pa);
	assert_int_equal(am_pt_unmap(pt, am_va(va + K4), K4), 0); /* the level-2 table stays */
	assert_int_equal(am_pt_populate(pt, am_va(va), K4), 0);
	walk_cache_fill(va, pa);
	assert_int_equal(am_pt_unmap(pt, am_va(va + K4), K4), 0);
	assert_int_equal(am_pt_populate(pt, am_va(va), K4), 0);
	TVA_CALLS = 0;
	assert_int_equal(am_pt_map(pt, am_va(va), am_pa(pa), M2, &RW, AM_PT_F_BLOCK), 0);
	check();
	expect_map(va + K4, pa + K4, VMSA_ACC_W);
	assert_int_equal(am_pt_unmap(pt, am_va(va), M2), 0);
	walk_cache_gone(va, pa);
	/* the tables above it: 1 GiB over the level-2 table, from the walk */
	assert_int_equal(am_pt_unmap(pt, am_va(va), M2), 0);
	walk_cache_fill(va, pa);
	assert_int_equal(am_pt_unmap(pt, am_va(va + K4), K4), 0);
	assert_int_equal(am_pt_populate(pt, am_va(va), K4), 0);
	walk_cache_fill(va, pa);
	assert_int_equal(am_pt_unmap(pt, am_va(va + K4), K4), 0);
	assert_int_equal(am_pt_populate(pt, am_va(va), K4), 0);
	assert_int_equal(am_pt_unmap(pt, am_va(0), 4 * G1), 0);
	walk_cache_gone(va, pa);
	/* destroy, then init into the same struct, zeroed as a static one is
	 * (where a key of 0 would stand for the first 2 MiB): nothing kept */
	walk_cache_fill(0, pa);
	am_pt_destroy(pt);
	memset(pt, 0, sizeof(*pt));
	assert_int_equal(am_pt_init(pt, &(struct am_pt_config){.regime = AM_PT_S2, .ia_bits = 40, .vmid = 7},
				    &COUNTING_OPS, &H),
			 0);
	VC.root_pa = am_pa_val(pt->root_pa); /* where the hardware walks now */
	H.tlb.cfg = VC;
	walk_cache_gone(0, pa);
}

/*
 * A few leaves in one table (once mode): every rule is checked on every
 * entry before the first write, so a refusal at the fifth entry leaves
 * the first four as they were and names the fifth; no page is allocated.
 */
static void test_small_ranges(void **state)
{
	struct am_pt *pt = setup_counting(AM_PT_S1_EL2, 39);
	uint64_t va = 0x40000000, pa = 0x90000000;

	(void)state;
	assert_int_equal(am_pt_populate(pt, am_va(va), M2), 0);
	assert_int_equal(am_pt_map(pt, am_va(va + 20 * K4), am_pa(pa + 20 * K4), K4, &RW, 0), 0);
	assert_int_equal(am_pt_map(pt, am_va(va + 40 * K4), am_pa(0x09000000), K4, &DEV, 0), 0);
	tlbm_watch(&H.tlb, va, 64 * K4, K4);
	am_host_pt_fail_at(&H, 0);
	/* a run of 16 gets its hint */
	assert_int_equal(am_pt_map(pt, am_va(va), am_pa(pa), 16 * K4, &RW, AM_PT_F_CONTIG), 0);
	check();
	assert_int_equal(shape().contig[3], 16);
	assert_int_equal(count_at(va, 2), 18);
	/* refused at the fifth page: the first four stay unmapped */
	snap();
	fresh_log();
	assert_int_equal(am_pt_map(pt, am_va(va + 16 * K4), am_pa(pa + 16 * K4), 8 * K4, &RW, 0),
			 AM_EEXIST);
	assert_int_equal(am_host_pt_logged(&H, AM_EV_PT_MAPPED, va + 20 * K4), 1);
	assert_int_equal(H.nlog, 1);
	unchanged();
	fresh_log();
	assert_int_equal(am_pt_modify(pt, am_va(va + 17 * K4), 5 * K4, &RO, 0), AM_ENOENT);
	assert_int_equal(am_host_pt_logged(&H, AM_EV_NOT_FOUND, va + 17 * K4), 1);
	assert_int_equal(H.nlog, 1);
	fresh_log();
	assert_int_equal(am_pt_modify(pt, am_va(va + 38 * K4), 3 * K4, &RO, 0), AM_ENOENT);
	assert_int_equal(am_host_pt_logged(&H, AM_EV_NOT_FOUND, va + 38 * K4), 1);
	unchanged();
	/* modify a whole run: it keeps its hint; the type is checked on each */
	tlbm_fill(&H.tlb);
	assert_int_equal(am_pt_modify(pt, am_va(va), 16 * K4, &RO, 0), 0);
	check();
	assert_int_equal(shape().contig[3], 16);
	expect_fault(va + 9 * K4, VMSA_ACC_W, VMSA_F_PERMISSION);
	assert_int_equal(am_pt_map(pt, am_va(va + 41 * K4), am_pa(pa + 41 * K4), K4, &RW, 0), 0);
	snap();
	fresh_log();
	assert_int_equal(am_pt_modify(pt, am_va(va + 40 * K4), 2 * K4, &RO, 0), AM_EPERM);
	assert_int_equal(am_host_pt_logged(&H, AM_EV_TYPE_CHANGE, va + 40 * K4), 1);
	unchanged();
	/* unmap a few, holes among them; then the rest, which empties the table */
	tlbm_fill(&H.tlb);
	assert_int_equal(am_pt_unmap(pt, am_va(va + 18 * K4), 5 * K4), 0);
	check();
	assert_int_equal(count_at(va, 2), 18);
	am_host_pt_fail_at(&H, -1);
	assert_int_equal(am_pt_unmap(pt, am_va(va), 16 * K4), 0);
	assert_int_equal(am_pt_unmap(pt, am_va(va + 40 * K4), 2 * K4), 0);
	check();
	assert_int_equal(am_pt_tables(pt), 1);
}

/*
 * Tables at their PA (table_va NULL, as the bare-metal backends have it):
 * the pool's pages get PAs equal to their host addresses. The lookups,
 * the single-leaf path and the walk go through the same sequence.
 */
static void test_tables_at_pa(void **state)
{
	struct am_pt_config cfg = {.regime = AM_PT_S2, .ia_bits = 40, .vmid = 7};
	static struct am_pt_ops at_pa;
	uint64_t va = 0x40000000, pa = 0x880000000ull;
	struct am_pt_leaf l;

	(void)state;
	am_host_pt_fini(&H);
	assert_int_equal(am_host_pt_init(&H, POOL_PAGES), 0);
	H.pa_base = (uint64_t)(uintptr_t)H.pool;
	at_pa = am_host_pt_ops;
	at_pa.table_va = NULL;
	assert_int_equal(am_pt_init(&PT, &cfg, &at_pa, &H), 0);
	VC = (struct vmsa_cfg){.regime = cfg.regime,
			       .ia_bits = cfg.ia_bits,
			       .oa_bits = 48,
			       .root_pa = am_pa_val(PT.root_pa),
			       .mair = am_pt_mair(&PT)};
	am_host_pt_tlb(&H, cfg.regime, cfg.ia_bits, 48, am_pa_val(PT.root_pa), VC.mair, cfg.vmid);
	tlbm_watch(&H.tlb, va, 4 * M2, K4);
	assert_int_equal(am_pt_map(&PT, am_va(va), am_pa(pa), 3 * M2 + 5 * K4, &RW, AM_PT_F_BLOCK),
			 0);
	check();
	tlbm_fill(&H.tlb);
	assert_int_equal(am_pt_map(&PT, am_va(va + 3 * M2 + 9 * K4), am_pa(pa), K4, &RW, 0), 0);
	assert_int_equal(am_pt_modify(&PT, am_va(va + 3 * M2 + 2 * K4), K4, &RO, 0), 0);
	assert_int_equal(am_pt_unmap(&PT, am_va(va + 3 * M2), K4), 0);
	assert_int_equal(am_pt_unmap(&PT, am_va(va + M2), M2), 0);
	check();
	assert_int_equal(am_pt_query(&PT, am_va(va + 3 * M2 + 2 * K4), &l), 0);
	assert_int_equal(l.attr.perm, AM_PERM_R);
	assert_int_equal(am_pt_query(&PT, am_va(va + M2), &l), AM_ENOENT);
	expect_fault(va + 3 * M2, VMSA_ACC_R, VMSA_F_TRANSLATION);
	expect_map(va + 2 * M2 + 7 * K4, pa + 2 * M2 + 7 * K4, VMSA_ACC_W);
	assert_int_equal(am_pt_unmap(&PT, am_va(va), 4 * M2), 0);
	check();
	assert_int_equal(am_pt_tables(&PT), 1);
	am_pt_destroy(&PT);
	assert_int_equal(H.in_use, 0);
	memset(&PT, 0, sizeof(PT));
}

/* -------------------------------------------------------- query, walk -- */

struct seen {
	int n;
	uint64_t va[8];
	uint64_t size[8];
	int stop_at;
};

static int collect(void *arg, const struct am_pt_leaf *l)
{
	struct seen *s = arg;

	if (s->n < 8) {
		s->va[s->n] = am_va_val(l->va);
		s->size[s->n] = l->size;
	}
	s->n++;
	return s->n == s->stop_at ? 42 : 0;
}

static void test_query_walk(void **state)
{
	struct am_pt *pt = setup(AM_PT_S1_EL2, 39);
	struct am_pt_leaf l;
	struct seen s = {0};

	(void)state;
	assert_int_equal(am_pt_map(pt, am_va(M2 - 2 * K4), am_pa(0x80000000 - 2 * K4),
				   2 * K4 + 2 * M2, &RO, AM_PT_F_BLOCK | AM_PT_F_SW(5)),
			 0);
	assert_int_equal(am_pt_query(pt, am_va(M2 - K4), &l), 0);
	assert_int_equal(l.level, 3);
	assert_int_equal(am_pa_val(l.pa), 0x80000000 - K4);
	assert_int_equal(l.attr.perm, AM_PERM_R);
	assert_int_equal(l.attr.mtype, AM_MT_NORMAL_WB);
	assert_int_equal(l.attr.sh, AM_SH_INNER);
	assert_int_equal(l.sw, 5);
	assert_int_equal(l.valid, 1);
	assert_int_equal(am_pt_query(pt, am_va(M2 + 0x1234), &l), 0);
	assert_int_equal(l.level, 2);
	assert_int_equal(am_va_val(l.va), M2);
	assert_int_equal(am_pt_query(pt, am_va(0), &l), AM_ENOENT);
	assert_int_equal(am_pt_query(pt, am_va(1ull << 39), &l), AM_ERANGE);
	assert_int_equal(am_pt_query(pt, am_va(0), NULL), AM_EINVAL);
	assert_int_equal(am_pt_walk(pt, am_va(0), G1, collect, &s), 0);
	assert_int_equal(s.n, 4);
	assert_int_equal(s.va[0], M2 - 2 * K4);
	assert_int_equal(s.va[2], M2);
	assert_int_equal(s.size[3], M2);
	memset(&s, 0, sizeof(s));
	s.stop_at = 2;
	assert_int_equal(am_pt_walk(pt, am_va(0), G1, collect, &s), 42);
	assert_int_equal(s.n, 2);
	assert_int_equal(am_pt_walk(pt, am_va(0), G1, NULL, &s), AM_EINVAL);
	check();
}

/* ------------------------------------------------------------ regimes -- */

static void test_el10_asid_ng(void **state)
{
	struct am_pt *pt = setup(AM_PT_S1_EL10, 39);
	struct am_attr urw = {AM_PERM_R | AM_PERM_W | AM_PERM_USER, AM_MT_NORMAL_WB, AM_SH_INNER};
	struct am_attr urx = {AM_PERM_R | AM_PERM_X | AM_PERM_USER, AM_MT_NORMAL_WB, AM_SH_INNER};
	uint64_t va = 0x400000;

	(void)state;
	assert_int_equal(am_pt_map(pt, am_va(va), am_pa(va), K4, &urw, AM_PT_F_NG), 0);
	assert_int_equal(am_pt_map(pt, am_va(va + K4), am_pa(va + K4), K4, &urx, AM_PT_F_NG), 0);
	assert_int_equal(am_pt_map(pt, am_va(va + 2 * K4), am_pa(va + 2 * K4), K4, &RW, 0), 0);
	check();
	expect_map(va, va, VMSA_ACC_W | VMSA_ACC_USER);
	expect_map(va + K4, va + K4, VMSA_ACC_X | VMSA_ACC_USER);
	expect_fault(va + 2 * K4, VMSA_ACC_R | VMSA_ACC_USER, VMSA_F_PERMISSION);
	expect_map(va + 2 * K4, va + 2 * K4, VMSA_ACC_W);
	assert_int_equal(xlate(va, VMSA_ACC_R).ng, 1);
	assert_int_equal(xlate(va + 2 * K4, VMSA_ACC_R).ng, 0);
	tlbm_watch(&H.tlb, va, 3 * K4, K4);
	tlbm_fill(&H.tlb);
	assert_int_equal(am_pt_unmap(pt, am_va(va), 3 * K4), 0);
	check(); /* the TLB model drops only entries of ASID 5 */
	assert_int_equal(H.last_tlbi.asid, 5);
	assert_int_equal(H.last_tlbi.regime, AM_PT_S1_EL10);
}

static void test_stage2(void **state)
{
	struct am_pt *pt = setup(AM_PT_S2, 40);
	struct am_attr ram = {AM_PERM_R | AM_PERM_W, AM_MT_NORMAL_WB, AM_SH_INNER};
	struct am_attr wo = {AM_PERM_W, AM_MT_NORMAL_WB, AM_SH_INNER};
	struct am_attr user = {AM_PERM_R | AM_PERM_USER, AM_MT_NORMAL_WB, AM_SH_INNER};
	uint64_t ipa = 0x40000000;

	(void)state;
	assert_int_equal(pt->root_level, 0);
	assert_int_equal(
		am_pt_map(pt, am_va(ipa), am_pa(0x880000000ull), 4 * M2, &ram, AM_PT_F_BLOCK), 0);
	assert_int_equal(am_pt_map(pt, am_va(0x09000000), am_pa(0x09000000), K4, &DEV, 0), 0);
	assert_int_equal(am_pt_map(pt, am_va(0x0a000000), am_pa(0x0a000000), K4, &wo, 0), 0);
	assert_int_equal(am_pt_map(pt, am_va(0x0b000000), am_pa(0x0b000000), K4, &user, 0),
			 AM_ENOTSUP);
	check();
	expect_map(ipa + M2 + 5, 0x880000000ull + M2 + 5, VMSA_ACC_R | VMSA_ACC_W);
	expect_fault(ipa, VMSA_ACC_X, VMSA_F_PERMISSION);
	assert_int_equal(xlate(ipa, VMSA_ACC_R).mem, 0xf);
	assert_int_equal(xlate(0x09000000, VMSA_ACC_R).mem, 0x1);
	expect_fault(0x0a000000, VMSA_ACC_R, VMSA_F_PERMISSION);
	expect_map(0x0a000000, 0x0a000000, VMSA_ACC_W);
	tlbm_watch(&H.tlb, ipa, 4 * M2, K4 * 64);
	tlbm_fill(&H.tlb);
	assert_int_equal(am_pt_unmap(pt, am_va(ipa + M2 + K4), K4), 0);
	check();
	assert_int_equal(H.last_tlbi.vmid, 7);
	assert_int_equal(H.last_tlbi.regime, AM_PT_S2);
	assert_int_equal(am_pt_ttbr(pt) >> 48, 7);
}

/* ---------------------------------------------------- fault injection -- */

typedef int (*op_fn)(struct am_pt *pt);

/*
 * Run @op with the allocator failing at its 1st, 2nd, ... allocation until
 * it succeeds: every failed attempt must return AM_ENOMEM with the tables
 * byte for byte as before and no maintenance issued. Returns the
 * allocations the successful run made.
 */
static long inject(op_fn prep, op_fn op)
{
	struct am_pt *pt = setup(AM_PT_S1_EL2, 48);
	long f;

	if (prep)
		assert_int_equal(prep(pt), 0);
	check();
	for (f = 0;; f++) {
		int rc;

		snap();
		am_host_pt_clear_log(&H);
		am_host_pt_fail_at(&H, f);
		rc = op(pt);
		am_host_pt_fail_at(&H, -1);
		if (rc == 0) {
			check();
			break;
		}
		assert_int_equal(rc, AM_ENOMEM);
		assert_int_equal(am_host_pt_logged(&H, AM_EV_PT_NO_MEMORY, ~0ull), 1);
		unchanged();
		check();
		assert_true(f < 64);
	}
	return f;
}

static int op_map_pages(struct am_pt *pt)
{
	return am_pt_map(pt, am_va((1ull << 39) - 3 * M2 - K4), am_pa(0x80000000), 6 * M2, &RW, 0);
}

static int op_map_mixed(struct am_pt *pt)
{
	return am_pt_map(pt, am_va((1ull << 39) - G1 - M2 - K4), am_pa(0x80000000 - M2 - K4),
			 2 * G1 + 3 * M2 + 5 * K4, &RW, AM_PT_F_BLOCK | AM_PT_F_CONTIG);
}

static int prep_blocks(struct am_pt *pt)
{
	int rc = am_pt_map(pt, am_va(G1), am_pa(0), 2 * G1, &RW, AM_PT_F_BLOCK);

	tlbm_watch(&H.tlb, G1, 2 * G1, M2);
	tlbm_fill(&H.tlb);
	return rc;
}

static int op_unmap_holes(struct am_pt *pt)
{
	return am_pt_unmap(pt, am_va(2 * G1 - K4), 2 * K4); /* shatters both 1 GiB blocks */
}

static int op_modify_holes(struct am_pt *pt)
{
	return am_pt_modify(pt, am_va(G1 + M2 - K4), M2 + 2 * K4, &RO, 0);
}

static int op_populate(struct am_pt *pt)
{
	return am_pt_populate(pt, am_va((1ull << 40) - M2 - K4), 4 * M2);
}

static void test_fault_injection(void **state)
{
	(void)state;
	/* across the 512 GiB boundary: L1 x2, L2 x2, L3 x7 (4 below, 3 above) */
	assert_int_equal(inject(NULL, op_map_pages), 11);
	teardown(NULL);
	assert_int_equal(inject(NULL, op_map_mixed),
			 expected_shape((1ull << 39) - G1 - M2 - K4, 0x80000000 - M2 - K4,
					2 * G1 + 3 * M2 + 5 * K4, true, true, 0)
					 .tables -
				 1);
	teardown(NULL);
	/* each 1 GiB block: one L2 table and one L3 table */
	assert_int_equal(inject(prep_blocks, op_unmap_holes), 4);
	expect_fault(2 * G1 - K4, VMSA_ACC_R, VMSA_F_TRANSLATION);
	expect_map(2 * G1 - 2 * K4, G1 - 2 * K4, VMSA_ACC_R);
	expect_map(2 * G1 + K4, G1 + K4, VMSA_ACC_R);
	teardown(NULL);
	assert_int_equal(inject(prep_blocks, op_modify_holes), 3);
	expect_fault(G1 + M2, VMSA_ACC_W, VMSA_F_PERMISSION);
	expect_map(G1 + 2 * M2 + K4, 2 * M2 + K4, VMSA_ACC_W);
	teardown(NULL);
	/* across 1 TiB: L1 x2, L2 x2, L3 x5 */
	assert_int_equal(inject(NULL, op_populate), 9);
}

/* ------------------------------------------------------ random model -- */

/*
 * Random map / unmap / modify in a 16 MiB window against a shadow of what
 * each page should translate to; after each call, every page of the window
 * is checked through the walker model, with the TLB model watching.
 */
static void test_random(void **state)
{
	enum { PAGES = 4096 };
	static uint64_t want_pa[PAGES];
	static uint8_t want_perm[PAGES];
	struct am_pt *pt = setup(AM_PT_S1_EL2, 39);
	uint64_t base = 0x40000000;

	(void)state;
	memset(want_pa, 0, sizeof(want_pa));
	memset(want_perm, 0, sizeof(want_perm));
	/* with ranges, every page: a range one page short shows */
	tlbm_watch(&H.tlb, base, PAGES * K4, RANGE ? K4 : 16 * K4);
	srand(99);
	for (int it = 0; it < 600; it++) {
		unsigned int first = (unsigned int)rand() % PAGES;
		unsigned int n = 1 + (unsigned int)rand() % (rand() % 4 ? 64 : 1536);
		int op = rand() % 3;
		int rc;

		if (rand() % 3 == 0)
			first &= ~511u;
		if (first + n > PAGES)
			n = PAGES - first;
		tlbm_fill(&H.tlb);
		if (op == 0) {
			uint64_t pa = 0x100000000ull + ((uint64_t)(rand() % 64) << 21) +
				      (rand() % 2 ? (uint64_t)first * K4 % M2
						  : (uint64_t)(rand() % 512) * K4);
			bool free_all = true;

			for (unsigned int i = 0; i < n; i++)
				free_all &= !want_perm[first + i];
			rc = am_pt_map(pt, am_va(base + first * K4), am_pa(pa), n * K4, &RW,
				       (unsigned int)rand() % 4);
			assert_int_equal(rc, free_all ? 0 : AM_EEXIST);
			if (!rc)
				for (unsigned int i = 0; i < n; i++) {
					want_pa[first + i] = pa + i * K4;
					want_perm[first + i] = 3;
				}
		} else if (op == 1) {
			assert_int_equal(am_pt_unmap(pt, am_va(base + first * K4), n * K4), 0);
			for (unsigned int i = 0; i < n; i++)
				want_perm[first + i] = 0;
		} else {
			bool all = true;
			bool ro = rand() % 2;

			for (unsigned int i = 0; i < n; i++)
				all &= want_perm[first + i] != 0;
			rc = am_pt_modify(pt, am_va(base + first * K4), n * K4, ro ? &RO : &RW, 0);
			assert_int_equal(rc, all ? 0 : AM_ENOENT);
			if (!rc)
				for (unsigned int i = 0; i < n; i++)
					want_perm[first + i] = ro ? 1 : 3;
		}
		check();
		for (unsigned int i = 0; i < PAGES; i++) {
			uint64_t va = base + i * K4;

			if (!want_perm[i]) {
				expect_fault(va, VMSA_ACC_R, VMSA_F_TRANSLATION);
				continue;
			}
			expect_map(va, want_pa[i], VMSA_ACC_R);
			if (want_perm[i] == 1)
				expect_fault(va, VMSA_ACC_W, VMSA_F_PERMISSION);
		}
	}
	assert_int_equal(am_pt_unmap(pt, am_va(base), PAGES * K4), 0);
	check();
	assert_int_equal(am_pt_tables(pt), 1);
}

/*
 * Four threads share one table under a real mutex (tests/unit/threads.h),
 * each mapping, modifying and unmapping its own 32 MiB and fighting over
 * one shared 8 MiB window, with refused calls among them whose records go
 * to a log hook that relies on the lock. No record outside the lock, no
 * lost update: each thread's final range translates as it left it, the
 * shared window as its last successful call did, and the pool's pages are
 * the tables.
 */
#define TH_N 4
#define TH_OPS 300
#define TH_BASE 0x40000000ull
#define TH_SHARED (TH_BASE + TH_N * 16 * M2)

static struct am_pt_ops TH_OPS_TABLE;

static void *pt_thread(void *arg)
{
	unsigned int id = (unsigned int)(uintptr_t)arg;
	uint64_t base = TH_BASE + id * 16 * M2, pa = 0x100000000ull + id * 16 * M2;
	uint64_t seed = 0x9e3779b97f4a7c15ull * (id + 1);

	for (unsigned int i = 0; i < TH_OPS; i++) {
		unsigned int k = i % 16;
		uint64_t va = base + k * M2;

		seed ^= seed << 13, seed ^= seed >> 7, seed ^= seed << 17;
		if (am_pt_map(&PT, am_va(va), am_pa(pa + k * M2), M2, &RW,
			      seed & 1 ? AM_PT_F_BLOCK : 0) ||
		    am_pt_map(&PT, am_va(va), am_pa(pa), K4, &RW, 0) !=
			    AM_EEXIST || /* refused, logged */
		    am_pt_map(&PT, am_va(va), am_pa(pa), K4, NULL, 0) != AM_EINVAL ||
		    am_pt_modify(&PT, am_va(va + K4 * (seed % 512)), K4, &RO, 0) ||
		    am_pt_unmap(&PT, am_va(va + K4 * ((seed >> 9) % 512)), K4) ||
		    am_pt_unmap(&PT, am_va(va), M2))
			th_fail("thread %u, op %u: a call failed", id, i);
		/* the shared window: any outcome the rules allow */
		va = TH_SHARED + (seed >> 20) % 4 * M2;
		if ((seed >> 30) & 1) {
			int rc = am_pt_map(&PT, am_va(va), am_pa(0x200000000ull), 2 * M2, &RW,
					   AM_PT_F_BLOCK);

			if (rc && rc != AM_EEXIST)
				th_fail("thread %u: shared map %d", id, rc);
		} else if (am_pt_unmap(&PT, am_va(va), M2)) {
			th_fail("thread %u: shared unmap", id);
		}
	}
	/* leave a known pattern: every other 2 MiB mapped, by pages */
	for (unsigned int k = 0; k < 16; k += 2)
		if (am_pt_map(&PT, am_va(base + k * M2), am_pa(pa + k * M2), M2, &RW, 0))
			th_fail("thread %u: final map", id);
	return NULL;
}


/* ------------------------------------------------ 16 and 64 KiB granules -- */

/* The leaf that maps @va, through the library (its level and size). */
static struct am_pt_leaf leaf_at(uint64_t va)
{
	struct am_pt_leaf l;

	assert_int_equal(am_pt_query(&PT, am_va(va), &l), 0);
	return l;
}

/*
 * Each granule in each regime, through the models: the geometry (root
 * level, concatenated stage-2 roots, TCR / VTCR fields), pages, blocks
 * where the granule has them and nowhere else, contiguous runs of the
 * granule's length, a run broken by a partial unmap, modify, tables given
 * back, and FEAT_TLBIRANGE operands in the granule's units. check() after
 * every call: the TLB model saw no break-before-make violation and holds
 * nothing stale, every table page is reachable, every count is right.
 */
static void granule_story(unsigned int granule, enum am_pt_regime r, unsigned int ia, bool upper,
			  bool range)
{
	struct am_pt_config cfg = {.regime = r,
				   .ia_bits = ia,
				   .granule = granule,
				   .asid = 5,
				   .vmid = 7,
				   .upper = upper};
	const uint64_t g = granule, blk = granule == AM_PT_GRANULE_16K ? 32ull << 20 : 512ull << 20;
	const unsigned int nc3 = am_pt_contig_entries(granule, 3);
	const uint64_t base = upper ? 0 - (1ull << ia) : 0;
	uint64_t va = base + 4 * blk, pa = 0x4000000000ull;
	const unsigned int acc = VMSA_ACC_R;
	struct am_pt_leaf l;

	RANGE = range;
	setup_cfg(&cfg);
	/* the geometry */
	assert_int_equal(PT.gshift, granule == AM_PT_GRANULE_16K ? 14 : 16);
	{
		unsigned int bits = PT.gshift - 3u, rl = 3u, cover = PT.gshift + bits;

		while (cover < ia)
			rl--, cover += bits;
		if (r == AM_PT_S2 && rl < 3 && ia - (cover - bits) <= 4) { /* concatenated */
			assert_int_equal(PT.root_level, rl + 1);
			assert_int_equal(PT.root_pages, 1u << (ia - (cover - bits)));
		} else {
			assert_int_equal(PT.root_level, rl);
			assert_int_equal(PT.root_pages, 1);
		}
	}
	if (r == AM_PT_S2) {
		uint64_t vtcr = am_pt_tcr(&PT);

		assert_int_equal((vtcr >> 14) & 3, granule == AM_PT_GRANULE_16K ? 2 : 1);
		assert_int_equal((vtcr >> 6) & 3, 3u - PT.root_level); /* SL0 */
	} else if (upper) {
		assert_int_equal((am_pt_tcr(&PT) >> 30) & 3, granule == AM_PT_GRANULE_16K ? 1 : 3);
	} else {
		assert_int_equal((am_pt_tcr(&PT) >> 14) & 3, granule == AM_PT_GRANULE_16K ? 2 : 1);
	}
	/* granule alignment: a 4 KiB page is refused, nothing changed */
	snap();
	assert_int_equal(am_pt_map(&PT, am_va(va), am_pa(pa), 4096, &RW, 0), AM_EINVAL);
	assert_int_equal(am_pt_map(&PT, am_va(va), am_pa(pa + 4096), g, &RW, 0), AM_EINVAL);
	unchanged();
	/* one page */
	assert_int_equal(am_pt_map(&PT, am_va(va), am_pa(pa), g, &RW, 0), 0);
	check();
	expect_map(va + g - 8, pa + g - 8, acc);
	expect_fault(va + g, acc, VMSA_F_TRANSLATION);
	l = leaf_at(va + 8);
	assert_int_equal(l.level, 3);
	assert_int_equal(l.size, g);
	/* a block: the granule's level-2 block, with the flag */
	assert_int_equal(am_pt_map(&PT, am_va(va + blk), am_pa(pa + blk), blk, &RW, AM_PT_F_BLOCK),
			 0);
	check();
	l = leaf_at(va + blk + g);
	assert_int_equal(l.level, 2);
	assert_int_equal(l.size, blk);
	expect_map(va + 2 * blk - 8, pa + 2 * blk - 8, acc);
	/* a contiguous run of pages: the granule's count */
	assert_int_equal(am_pt_map(&PT, am_va(va + 2 * blk), am_pa(pa + 2 * blk), nc3 * g, &RW,
				   AM_PT_F_CONTIG),
			 0);
	check();
	assert_int_equal(shape().contig[3], nc3);
	assert_true(leaf_at(va + 2 * blk).contig);
	/* what the hardware may cache now: the page, the block, the run */
	tlbm_watch(&H.tlb, va, g, g);
	tlbm_watch(&H.tlb, va + blk, blk, blk / 8);
	tlbm_watch(&H.tlb, va + 2 * blk, nc3 * g, g);
	tlbm_fill(&H.tlb);
	/* a partial unmap breaks the run: the rest stays mapped, unhinted */
	assert_int_equal(am_pt_unmap(&PT, am_va(va + 2 * blk + 3 * g), g), 0);
	check();
	assert_int_equal(shape().contig[3], 0);
	expect_fault(va + 2 * blk + 3 * g, acc, VMSA_F_TRANSLATION);
	expect_map(va + 2 * blk + 4 * g, pa + 2 * blk + 4 * g, acc);
	/* modify across the page, the block (broken: a partial range) and the run */
	assert_int_equal(am_pt_modify(&PT, am_va(va + blk + blk / 2), blk / 2 + 2 * g, &RO, 0), 0);
	check();
	assert_int_equal(leaf_at(va + blk).level, 3); /* the block was split */
	assert_int_equal(leaf_at(va + blk + blk / 2).attr.perm, AM_PERM_R);
	assert_int_equal(leaf_at(va + blk).attr.perm, AM_PERM_R | AM_PERM_W);
	/* a whole last-level table: its count goes above 1023 (2048 and 8192 entries) */
	assert_int_equal(am_pt_map(&PT, am_va(va + 8 * blk), am_pa(pa), blk, &RW, 0), 0);
	check();
	assert_int_equal(shape().leaves[3], 1 + (blk / g) + (nc3 - 1) + blk / g);
	assert_int_equal(am_pt_unmap(&PT, am_va(va + 8 * blk + g), blk - g), 0);
	check();
	assert_int_equal(am_pt_unmap(&PT, am_va(va + 8 * blk), g), 0); /* now empty: freed */
	check();
	/* a whole level-1 span with blocks allowed: level-2 blocks, the granule has no others */
	if (ia >= (granule == AM_PT_GRANULE_16K ? 37u : 43u)) {
		uint64_t l1 = 1ull << am_pt_level_shift_g(granule, 1);

		assert_int_equal(am_pt_map(&PT, am_va(base + l1), am_pa(l1), l1, &RW, AM_PT_F_BLOCK),
				 0);
		check();
		l = leaf_at(base + 2 * l1 - g);
		assert_int_equal(l.level, 2);
		expect_map(base + 2 * l1 - 8, 2 * l1 - 8, acc);
		assert_int_equal(am_pt_unmap(&PT, am_va(base + l1), l1), 0);
		check();
	}
	/* everything away: only the root is left */
	tlbm_fill(&H.tlb);
	assert_int_equal(am_pt_unmap(&PT, am_va(base), 16 * blk), 0);
	check();
	assert_int_equal(am_pt_tables(&PT), PT.root_pages);
	expect_fault(va, acc, VMSA_F_TRANSLATION);
	if (range)
		assert_true(H.tlbi_range > 0);
}

static void test_granules(void **state)
{
	static const enum am_pt_regime regs[] = {AM_PT_S1_EL2, AM_PT_S1_EL10, AM_PT_S2,
						 AM_PT_S1_EL3, AM_PT_S1_EL20};
	static const unsigned int gran[] = {AM_PT_GRANULE_16K, AM_PT_GRANULE_64K};
	/* input sizes: the usual 48 and 39 bits, and for stage 2 the concatenated ones */
	static const unsigned int ias[] = {48, 39, 36, 40, 44, 47, 42};

	(void)state;
	for (unsigned int gi = 0; gi < 2; gi++)
		for (unsigned int ri = 0; ri < 5; ri++)
			for (unsigned int ii = 0; ii < sizeof(ias) / sizeof(ias[0]); ii++) {
				unsigned int ia = ias[ii];
				bool upper = (regs[ri] == AM_PT_S1_EL10 || regs[ri] == AM_PT_S1_EL20) &&
					     (ii & 1);

				if (ia < 36 + (gran[gi] == AM_PT_GRANULE_64K ? 0 : 0))
					continue;
				granule_story(gran[gi], regs[ri], ia, upper, (ii + ri) & 1);
				teardown(NULL);
			}
}

/*
 * Roots at level 3: the smallest input sizes of 16 KiB (25 bits) and 64
 * KiB (25..29 bits) resolve one level, whose table is the root (stage 2
 * too: VTCR_EL2.SL0 0b00; nothing is concatenated). Each regime, the upper
 * range of EL1&0 and EL2&0 now and then: pages only (a block asked for
 * gives pages), contiguous runs, modify and unmap with the TLB model
 * watching, the whole input range mapped and unmapped; the root is never
 * freed.
 */
static void level3_story(unsigned int granule, enum am_pt_regime r, unsigned int ia, bool upper,
			 bool range)
{
	struct am_pt_config cfg = {.regime = r,
				   .ia_bits = ia,
				   .granule = granule,
				   .asid = 5,
				   .vmid = 7,
				   .upper = upper};
	const uint64_t g = granule, end = 1ull << ia;
	const unsigned int nc3 = am_pt_contig_entries(granule, 3);
	const uint64_t base = upper ? 0 - end : 0, pa = 0x4000000000ull;
	const uint64_t va = base + 2 * nc3 * g;
	uint64_t tcr;

	RANGE = range;
	setup_cfg(&cfg);
	assert_int_equal(PT.root_level, 3);
	assert_int_equal(PT.root_pages, 1);
	assert_int_equal(am_pt_tables(&PT), 1);
	/* populate: the last-level table is there already */
	assert_int_equal(am_pt_populate(&PT, am_va(base), end), 0);
	check();
	assert_int_equal(am_pt_tables(&PT), 1);
	tcr = am_pt_tcr(&PT);
	if (r == AM_PT_S2) {
		assert_int_equal((tcr >> 6) & 3, 0); /* SL0: level 3 with 16 and 64 KiB */
		assert_int_equal(tcr & 0x3f, 64 - ia);
	} else if (upper) {
		assert_int_equal((tcr >> 16) & 0x3f, 64 - ia); /* T1SZ */
	} else {
		assert_int_equal(tcr & 0x3f, 64 - ia); /* T0SZ */
	}
	/* a page, then a run with its hint */
	assert_int_equal(am_pt_map(&PT, am_va(base + g), am_pa(pa + g), g, &RW, 0), 0);
	check();
	expect_map(base + 2 * g - 8, pa + 2 * g - 8, VMSA_ACC_R);
	expect_fault(base, VMSA_ACC_R, VMSA_F_TRANSLATION);
	assert_int_equal(leaf_at(base + g).level, 3);
	assert_int_equal(am_pt_map(&PT, am_va(va), am_pa(pa), nc3 * g, &RW, AM_PT_F_CONTIG), 0);
	check();
	assert_int_equal(shape().contig[3], nc3);
	/* blocks asked for: there is no level above, pages */
	assert_int_equal(am_pt_map(&PT, am_va(va + nc3 * g), am_pa(pa + nc3 * g), 2 * nc3 * g, &RW,
				   AM_PT_F_BLOCK | AM_PT_F_CONTIG),
			 0);
	check();
	assert_int_equal(shape().leaves[3], 1 + 3 * nc3);
	assert_int_equal(shape().contig[3], 3 * nc3);
	assert_int_equal(am_pt_tables(&PT), 1);
	/* what the hardware may cache now, then changes to it */
	tlbm_watch(&H.tlb, base, 4 * nc3 * g + va - base, g);
	tlbm_fill(&H.tlb);
	assert_int_equal(am_pt_modify(&PT, am_va(va + g), 2 * g, &RO, 0), 0);
	check();
	assert_int_equal(leaf_at(va + 2 * g).attr.perm, AM_PERM_R);
	assert_int_equal(leaf_at(va).attr.perm, AM_PERM_R | AM_PERM_W);
	assert_int_equal(shape().contig[3], 2 * nc3); /* the first run was broken */
	assert_int_equal(am_pt_unmap(&PT, am_va(va + nc3 * g + 5 * g), g), 0);
	check();
	expect_fault(va + nc3 * g + 5 * g, VMSA_ACC_R, VMSA_F_TRANSLATION);
	expect_map(va + nc3 * g + 6 * g, pa + nc3 * g + 6 * g, VMSA_ACC_R);
	/* a map over what is mapped: refused, nothing changed */
	snap();
	assert_int_equal(am_pt_map(&PT, am_va(base), am_pa(0), 4 * g, &RW, 0), AM_EEXIST);
	unchanged();
	/* everything away: the root stays */
	tlbm_fill(&H.tlb);
	assert_int_equal(am_pt_unmap(&PT, am_va(base), end), 0);
	check();
	assert_int_equal(shape().leaves[3], 0);
	assert_int_equal(am_pt_tables(&PT), 1);
	/* the whole input range, in runs, and away again */
	assert_int_equal(am_pt_map(&PT, am_va(base), am_pa(pa), end, &RW,
				   AM_PT_F_BLOCK | AM_PT_F_CONTIG),
			 0);
	check();
	assert_int_equal(shape().leaves[3], end / g);
	assert_int_equal(shape().contig[3], end / g);
	expect_map(base + end - 8, pa + end - 8, VMSA_ACC_R);
	tlbm_fill(&H.tlb);
	assert_int_equal(am_pt_unmap(&PT, am_va(base), end), 0);
	check();
	assert_int_equal(am_pt_tables(&PT), 1);
	expect_fault(base + end - g, VMSA_ACC_R, VMSA_F_TRANSLATION);
	if (range)
		assert_true(H.tlbi_range > 0);
}

static void test_level3_root(void **state)
{
	static const enum am_pt_regime regs[] = {AM_PT_S1_EL2, AM_PT_S1_EL10, AM_PT_S2,
						 AM_PT_S1_EL3, AM_PT_S1_EL20};

	(void)state;
	for (unsigned int ri = 0; ri < 5; ri++) {
		bool el10 = regs[ri] == AM_PT_S1_EL10 || regs[ri] == AM_PT_S1_EL20;

		level3_story(AM_PT_GRANULE_16K, regs[ri], 25, el10, ri & 1);
		teardown(NULL);
		for (unsigned int ia = 25; ia <= 29; ia++) {
			level3_story(AM_PT_GRANULE_64K, regs[ri], ia, el10 && (ia & 1), (ia + ri) & 1);
			teardown(NULL);
		}
	}
}

/*
 * FEAT_LPA: a 64 KiB table with 52-bit outputs, its own table pages above
 * 2^48 (the pool at 2^50), each regime. OA[51:48] go to descriptor bits
 * [15:12] and TTBR bits [5:2]; level-1 entries may be 4 TiB blocks; a run
 * of pages crossing 2^48 in the output is written in two parts; the walker
 * model reads the descriptors as the hardware does.
 */
static void test_lpa_64k(void **state)
{
	static const enum am_pt_regime regs[] = {AM_PT_S1_EL2, AM_PT_S1_EL10, AM_PT_S2,
						 AM_PT_S1_EL3, AM_PT_S1_EL20};
	const uint64_t K64 = 0x10000, T4 = 1ull << 42, P48 = 1ull << 48;

	(void)state;
	for (unsigned int ri = 0; ri < 5; ri++) {
		struct am_pt_config cfg = {.regime = regs[ri],
					   .granule = AM_PT_GRANULE_64K,
					   .ia_bits = 48,
					   .oa_bits = 52,
					   .asid = 5,
					   .vmid = 7};
		struct am_pt_leaf l;
		uint64_t root;

		RANGE = ri & 1;
		PA_BASE = 1ull << 50;
		setup_cfg(&cfg);
		root = am_pa_val(PT.root_pa);
		assert_true(root >= 1ull << 50);
		assert_int_equal(am_pt_ttbr(&PT) & 0x0000ffffffffffc0ull, root & 0x0000ffffffffffffull);
		assert_int_equal((am_pt_ttbr(&PT) >> 2) & 0xf, (root >> 48) & 0xf);
		assert_int_equal((am_pt_tcr(&PT) >> (regs[ri] == AM_PT_S1_EL10 || regs[ri] == AM_PT_S1_EL20
							     ? 32
							     : 16)) &
					 7,
				 6); /* PS / IPS: 52 bits */
		/* the contiguous hint asked of a 4 TiB block at entry 0 of level 1,
		 * which has no runs: written without it */
		assert_int_equal(am_pt_map(&PT, am_va(0), am_pa(0), T4, &RW,
					   AM_PT_F_BLOCK | AM_PT_F_CONTIG),
				 0);
		check();
		assert_int_equal(am_pt_query(&PT, am_va(8), &l), 0);
		assert_int_equal(l.level, 1);
		assert_int_equal(l.contig, 0);
		assert_int_equal(am_pt_unmap(&PT, am_va(0), T4), 0);
		check();
		/* a page above 2^48, through tables above 2^48 */
		assert_int_equal(am_pt_map(&PT, am_va(0x40000000), am_pa(0xf123456780000ull), K64,
					   &RW, 0),
				 0);
		check();
		expect_map(0x40000000 + 0x1238, 0xf123456781238ull, VMSA_ACC_R);
		assert_int_equal(am_pt_query(&PT, am_va(0x40000000), &l), 0);
		assert_int_equal(am_pa_val(l.pa), 0xf123456780000ull);
		/* a 4 TiB block at level 1 */
		assert_int_equal(am_pt_map(&PT, am_va(2 * T4), am_pa(1ull << 51), T4, &RW,
					   AM_PT_F_BLOCK),
				 0);
		check();
		assert_int_equal(am_pt_query(&PT, am_va(3 * T4 - K64), &l), 0);
		assert_int_equal(l.level, 1);
		assert_int_equal(l.size, T4);
		expect_map(3 * T4 - 8, (1ull << 51) + T4 - 8, VMSA_ACC_R);
		/* the contiguous hint asked of 4 TiB blocks: level 1 has no runs (the
		 * blocks are written without it), VA == PA */
		assert_int_equal(am_pt_map(&PT, am_va(4 * T4), am_pa(4 * T4), 2 * T4, &RW,
					   AM_PT_F_BLOCK | AM_PT_F_CONTIG),
				 0);
		check();
		assert_int_equal(am_pt_query(&PT, am_va(5 * T4), &l), 0);
		assert_int_equal(l.level, 1);
		assert_int_equal(l.contig, 0);
		assert_int_equal(am_pt_unmap(&PT, am_va(4 * T4), 2 * T4), 0);
		check();
		/* pages whose outputs cross 2^48, with contiguous runs on both sides */
		assert_int_equal(am_pt_map(&PT, am_va(0x100000000ull), am_pa(P48 - 0x200000), 0x400000,
					   &RW, AM_PT_F_CONTIG),
				 0);
		check();
		expect_map(0x100000000ull + 0x1fff8, P48 - 0x200000 + 0x1fff8, VMSA_ACC_R);
		expect_map(0x100200000ull + 0x10, P48 + 0x10, VMSA_ACC_R);
		expect_map(0x100400000ull - 8, P48 + 0x200000 - 8, VMSA_ACC_R);
		assert_int_equal(shape().contig[3], 0x400000 / K64);
		tlbm_watch(&H.tlb, 0x100000000ull, 0x400000, K64);
		tlbm_watch(&H.tlb, 2 * T4, T4, T4 / 4);
		tlbm_fill(&H.tlb);
		/* pages without the hint crossing 2^48: one run of stores must not carry
		 * the OA into bit 48 of the descriptor */
		assert_int_equal(am_pt_map(&PT, am_va(0x200000000ull), am_pa(P48 - 0x30000), 0x60000,
					   &RW, 0),
				 0);
		check();
		expect_map(0x200020008ull, P48 - 0x10000 + 8, VMSA_ACC_R);
		expect_map(0x200030008ull, P48 + 8, VMSA_ACC_R);
		expect_map(0x200050008ull, P48 + 0x20000 + 8, VMSA_ACC_R);
		/* a break in the run on the high side, then everything away */
		assert_int_equal(am_pt_unmap(&PT, am_va(0x100210000ull), K64), 0);
		check();
		expect_fault(0x100210000ull, VMSA_ACC_R, VMSA_F_TRANSLATION);
		expect_map(0x100220000ull, P48 + 0x20000, VMSA_ACC_R);
		assert_int_equal(am_pt_modify(&PT, am_va(2 * T4 + T4 / 2), K64, &RO, 0), 0);
		check();
		assert_int_equal(am_pt_query(&PT, am_va(2 * T4 + T4 / 2), &l), 0);
		assert_int_equal(am_pa_val(l.pa), (1ull << 51) + T4 / 2);
		assert_int_equal(am_pt_unmap(&PT, am_va(0), 1ull << 48), 0);
		check();
		assert_int_equal(am_pt_tables(&PT), PT.root_pages);
		teardown(NULL);
	}
}

/*
 * FEAT_LPA2: 4 and 16 KiB tables with 52-bit outputs (TCR.DS), their own
 * table pages at 3 << 50 (so that every table descriptor carries OA[51:50]
 * in bits [9:8]); 16 KiB with 52-bit inputs too (a level-0 root of 32
 * entries), the upper range of EL1&0 included. A leaf has no shareability
 * of its own (inner; outer for devices): any other is refused, nothing
 * changed; runs whose outputs cross 2^50 are written in parts; modify
 * works across leaves whose bits [9:8] differ.
 */
static void test_lpa2(void **state)
{
	static const enum am_pt_regime regs[] = {AM_PT_S1_EL2, AM_PT_S1_EL10, AM_PT_S2,
						 AM_PT_S1_EL3, AM_PT_S1_EL20};
	const uint64_t P50 = 1ull << 50;

	(void)state;
	for (unsigned int gi = 0; gi < 2; gi++)
		for (unsigned int ri = 0; ri < 5; ri++) {
			const unsigned int granule = gi ? AM_PT_GRANULE_16K : AM_PT_GRANULE_4K;
			const uint64_t pg = granule, blk = gi ? 32ull << 20 : 2ull << 20;
			const bool el10 = regs[ri] == AM_PT_S1_EL10 || regs[ri] == AM_PT_S1_EL20;
			struct am_pt_config cfg = {.regime = regs[ri],
						   .granule = granule,
						   .ia_bits = 52, /* 4 KiB: level -1 (stage 2:
								   * 16 concatenated level-0 tables) */
						   .oa_bits = 52,
						   .asid = 5,
						   .vmid = 7,
						   .upper = el10 && gi};
			const struct am_attr outer = {AM_PERM_R | AM_PERM_W, AM_MT_NORMAL_WB,
						      AM_SH_OUTER};
			const uint64_t base = cfg.upper ? 0 - (1ull << cfg.ia_bits) : 0;
			const uint64_t va = base + (cfg.ia_bits == 52 ? 3ull << 49 : 1ull << 40);
			struct am_pt_leaf l;

			PA_BASE = 3ull << 50;
			RANGE = (ri + gi) & 1; /* LPA2 ranges: BaseADDR in 64 KiB */
			setup_cfg(&cfg);
			assert_int_equal(PT.lpa, 2);
			assert_true(am_pa_val(PT.root_pa) >= 3ull << 50);
			/* TTBR: the level -1 table for 4 KiB stage 1, else the root */
			assert_int_equal(PT.top != NULL, !gi && regs[ri] != AM_PT_S2);
			assert_int_equal(PT.root_pages, gi ? (regs[ri] == AM_PT_S2 ? 1 : 1) : 16);
			assert_int_equal((am_pt_ttbr(&PT) >> 2) & 0xf,
					 am_pa_val(PT.top ? PT.top_pa : PT.root_pa) >> 48);
			assert_int_equal((am_pt_tcr(&PT) >> (el10 ? 59 : 32)) & 1, 1); /* DS */
			/* a page far up: OA[51:50] in [9:8] */
			assert_int_equal(
				am_pt_map(&PT, am_va(va), am_pa(0xf000123450000ull), pg, &RW, 0), 0);
			check();
			expect_map(va + 8, 0xf000123450008ull, VMSA_ACC_R);
			assert_int_equal(am_pt_query(&PT, am_va(va), &l), 0);
			assert_int_equal(am_pa_val(l.pa), 0xf000123450000ull);
			assert_int_equal(l.attr.sh, AM_SH_INNER);
			/* a device: outer, as the hardware takes it */
			assert_int_equal(am_pt_map(&PT, am_va(va + pg), am_pa(0x9000000), pg, &DEV, 0),
					 0);
			check();
			assert_int_equal(am_pt_query(&PT, am_va(va + pg), &l), 0);
			assert_int_equal(l.attr.sh, AM_SH_OUTER);
			/* normal memory outer shareable: not expressible, nothing changed */
			snap();
			assert_int_equal(am_pt_map(&PT, am_va(va + 2 * pg), am_pa(0x80000000ull), pg,
						   &outer, 0),
					 AM_ENOTSUP);
			unchanged();
			/* a block whose output has bits [51:50] */
			assert_int_equal(am_pt_map(&PT, am_va(va + 4 * blk), am_pa(P50 + 8 * blk), blk,
						   &RW, AM_PT_F_BLOCK),
					 0);
			check();
			assert_int_equal(am_pt_query(&PT, am_va(va + 4 * blk + pg), &l), 0);
			assert_int_equal(l.level, 2);
			expect_map(va + 5 * blk - 8, P50 + 9 * blk - 8, VMSA_ACC_R);
			/* pages crossing 2^50 in the output, with and without runs */
			assert_int_equal(am_pt_map(&PT, am_va(va + 8 * blk), am_pa(P50 - 4 * pg), 8 * pg,
						   &RW, 0),
					 0);
			check();
			expect_map(va + 8 * blk + 3 * pg + 8, P50 - pg + 8, VMSA_ACC_R);
			expect_map(va + 8 * blk + 4 * pg + 8, P50 + 8, VMSA_ACC_R);
			assert_int_equal(am_pt_map(&PT, am_va(va + 12 * blk), am_pa(P50 - blk), 2 * blk,
						   &RW, AM_PT_F_CONTIG),
					 0);
			check();
			expect_map(va + 13 * blk + 8, P50 + 8, VMSA_ACC_R);
			/* what the hardware may cache now: the runs and the block */
			tlbm_watch(&H.tlb, va + 8 * blk, 8 * pg, pg);
			tlbm_watch(&H.tlb, va + 12 * blk, 2 * blk, 4 * pg);
			tlbm_watch(&H.tlb, va + 4 * blk, blk, blk / 4);
			tlbm_fill(&H.tlb);
			/* modify across leaves whose [9:8] differ */
			assert_int_equal(am_pt_modify(&PT, am_va(va + 8 * blk), 8 * pg, &RO, 0), 0);
			check();
			assert_int_equal(am_pt_query(&PT, am_va(va + 8 * blk + 5 * pg), &l), 0);
			assert_int_equal(l.attr.perm, AM_PERM_R);
			assert_int_equal(am_pa_val(l.pa), P50 + pg);
			/* a part of the run, then everything away */
			assert_int_equal(am_pt_unmap(&PT, am_va(va + 13 * blk + 3 * pg), pg), 0);
			check();
			expect_fault(va + 13 * blk + 3 * pg, VMSA_ACC_R, VMSA_F_TRANSLATION);
			expect_map(va + 13 * blk + 4 * pg, P50 + 4 * pg, VMSA_ACC_R);
			tlbm_fill(&H.tlb);
			assert_int_equal(am_pt_unmap(&PT, am_va(base), 1ull << cfg.ia_bits), 0);
			check();
			assert_int_equal(am_pt_tables(&PT), PT.root_pages + (PT.top != NULL));
			if (RANGE) /* range TLBIs were used, BaseADDR in 64 KiB (the model checks) */
				assert_true(H.tlbi_range > 0);
			teardown(NULL);
		}
}

static void test_threads_table(void **state)
{
	struct am_pt_config cfg = {.regime = AM_PT_S1_EL2, .ia_bits = 39};

	(void)state;
	am_host_pt_fini(&H);
	assert_int_equal(am_host_pt_init(&H, POOL_PAGES), 0);
	TH_OPS_TABLE = am_host_pt_ops;
	TH_OPS_TABLE.env = TLK_ENV;
	assert_int_equal(am_pt_init(&PT, &cfg, &TH_OPS_TABLE, &H), 0);
	VC = (struct vmsa_cfg){.regime = cfg.regime,
			       .ia_bits = 39,
			       .oa_bits = 48,
			       .root_pa = am_pa_val(PT.root_pa),
			       .mair = am_pt_mair(&PT)};
	tlk_reset();
	run_threads(pt_thread, TH_N);
	assert_int_equal(TLK.unlocked, 0);
	assert_true(TLK.nrec >= 2u * TH_N * TH_OPS);
	for (unsigned int id = 0; id < TH_N; id++)
		for (unsigned int k = 0; k < 16; k++) {
			uint64_t va = TH_BASE + id * 16 * M2 + k * M2 + 5 * K4;

			if (k % 2)
				expect_fault(va, VMSA_ACC_R, VMSA_F_TRANSLATION);
			else
				expect_map(va, 0x100000000ull + id * 16 * M2 + k * M2 + 5 * K4,
					   VMSA_ACC_W);
		}
	for (uint64_t va = TH_SHARED; va < TH_SHARED + 5 * M2; va += M2) {
		struct vmsa_result r = xlate(va, VMSA_ACC_R);

		assert_true(r.fault == VMSA_OK || r.fault == VMSA_F_TRANSLATION);
	}
	assert_int_equal(H.in_use, am_pt_tables(&PT));
	assert_int_equal(H.bad_frees, 0);
	am_pt_destroy(&PT);
	assert_int_equal(H.in_use, 0);
}

/* Lock and log: every call, refused or not, releases what it took. */
static void test_registers(void **state)
{
	struct am_pt *pt = setup(AM_PT_S1_EL2, 39);

	(void)state;
	assert_int_equal(am_pt_ttbr(pt), am_pa_val(pt->root_pa));
	assert_int_equal(am_pt_tcr(pt) & 0x3f, 64 - 39);
	assert_int_equal(am_pt_mair(pt), 0xffbb440400ull);
}

int main(void)
{
	struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_init_errors, teardown),
		cmocka_unit_test_teardown(test_map_pages, teardown),
		cmocka_unit_test_teardown(test_template_cache, teardown),
		cmocka_unit_test_teardown(test_park_walk, teardown),
		cmocka_unit_test_teardown(test_map_refusals, teardown),
		cmocka_unit_test_teardown(test_el3_and_ns, teardown),
		cmocka_unit_test_teardown(test_query_decoded_leaf, teardown),
		cmocka_unit_test_teardown(test_s2_concatenated_root, teardown),
		cmocka_unit_test_teardown(test_upper_va_range, teardown),
		cmocka_unit_test_teardown(test_block_sizes, teardown),
		cmocka_unit_test_teardown(test_minimal_random, teardown),
		cmocka_unit_test_teardown(test_unmap_shatters_block, teardown),
		cmocka_unit_test_teardown(test_unmap_shatters_1g, teardown),
		cmocka_unit_test_teardown(test_modify_shatters_block, teardown),
		cmocka_unit_test_teardown(test_contig_runs, teardown),
		cmocka_unit_test_teardown(test_modify_lines, teardown),
		cmocka_unit_test_teardown(test_granules, teardown),
		cmocka_unit_test_teardown(test_level3_root, teardown),
		cmocka_unit_test_teardown(test_lpa_64k, teardown),
		cmocka_unit_test_teardown(test_lpa2, teardown),
		cmocka_unit_test_teardown(test_contig_blocks, teardown),
		cmocka_unit_test_teardown(test_contig_run_with_table, teardown),
		cmocka_unit_test_teardown(test_map_over_later_empty_table, teardown),
		cmocka_unit_test_teardown(test_unmap_report, teardown),
		cmocka_unit_test_teardown(test_unmap_report_parked, teardown),
		cmocka_unit_test_teardown(test_unmap_report_teardown, teardown),
		cmocka_unit_test_teardown(test_destroy_report, teardown),
		cmocka_unit_test_teardown(test_destroy_one_walk, teardown),
		cmocka_unit_test_teardown(test_unmap_frees_tables, teardown),
		cmocka_unit_test_teardown(test_unmap_harmless, teardown),
		cmocka_unit_test_teardown(test_tlbi_batching, teardown),
		cmocka_unit_test_teardown(test_tlbi_range, teardown),
		cmocka_unit_test_teardown(test_tlbi_range_1g, teardown),
		cmocka_unit_test_teardown(test_modify_rules, teardown),
		cmocka_unit_test_teardown(test_parked, teardown),
		cmocka_unit_test_teardown(test_populate, teardown),
		cmocka_unit_test_teardown(test_table_counts, teardown),
		cmocka_unit_test_teardown(test_single_leaf_hits, teardown),
		cmocka_unit_test_teardown(test_walk_cache_level2, teardown),
		cmocka_unit_test_teardown(test_fast_path_checks, teardown),
		cmocka_unit_test_teardown(test_single_leaf_misses, teardown),
		cmocka_unit_test_teardown(test_single_leaf_refusals, teardown),
		cmocka_unit_test_teardown(test_single_leaf_frees, teardown),
		cmocka_unit_test_teardown(test_single_leaf_frees_alone, teardown),
		cmocka_unit_test_teardown(test_zeroed_pages, teardown),
		cmocka_unit_test_teardown(test_walk_cache, teardown),
		cmocka_unit_test_teardown(test_small_ranges, teardown),
		cmocka_unit_test_teardown(test_tables_at_pa, teardown),
		cmocka_unit_test_teardown(test_query_walk, teardown),
		cmocka_unit_test_teardown(test_el10_asid_ng, teardown),
		cmocka_unit_test_teardown(test_stage2, teardown),
		cmocka_unit_test_teardown(test_fault_injection, teardown),
		cmocka_unit_test_teardown(test_random, teardown),
		cmocka_unit_test_teardown(test_random_range, teardown),
		cmocka_unit_test_teardown(test_random_zeroed, teardown),
		cmocka_unit_test_teardown(test_registers, teardown),
		cmocka_unit_test_teardown(test_threads_table, teardown),
	};

	AM_RUN_SUITE("unit-pt", tests);
}
