/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Suite unit-pt_engine: the translation-table engine's own sequence, seen
 * from a probe visitor (src/pt/pt_internal.h). unit-pt checks what the
 * operations do through the models; this suite checks which way pt_exec()
 * takes: the single-leaf path for a range that is exactly one entry with
 * its tables present, then once mode, then dry, reserve, commit, each
 * tried only when the one before returned PT_AGAIN; which entry each is
 * given; where the walker's own descent stops; that the entry count a
 * one op reports lands in the table's descriptor, or unlinks the table
 * through the post visits when it reaches 0; the one flush the
 * single-leaf path hands the backend; and the one table it creates for a
 * visitor that grows.
 */
#include "tests/unit/harness.h"

#include <string.h>

#include <armmap/errors.h>
#include <armmap/pt.h>

#include "arch/host/pt_host.h"
#include "src/pt/pt_internal.h"

#define K4 0x1000ull
#define M2 0x200000ull
#define G1 0x40000000ull

static struct am_host_pt H;
static struct am_pt PT;
static const struct am_attr RW = AM_ATTR_RW_DATA;

/* What the probe saw and what it answers. */
struct probe {
	int leaf_rc;	 /* the one op's answer */
	am_pte_t leaf_new; /* what an entry of a table not there yet becomes (grow) */
	int leaf_dcnt;	 /* its x->dcnt when leaf_rc is 0 */
	bool leaf_inval; /* its x->inval when leaf_rc is 0 */
	int once_rc;	 /* visit in once mode: this, or s->n when 0 */
	int dry_rc;	 /* visit in the dry run: this, or s->n when 0 */
	unsigned int leaves, onces, drys, commits, posts;
	struct pt_one x;	    /* the last entry the one op got */
	unsigned int level, idx, n; /* the last slot visited */
	const am_pte_t *table;	    /* its table */
	unsigned int post_level;    /* the last post visit */
	unsigned int post_cnt;
};

static struct probe P;

/* The one op: the entry stays as it is (x->v), its count and invalidation as asked. */
static int probe_one(struct am_pt *pt, void *arg, struct pt_one *x)
{
	(void)pt;
	(void)arg;
	P.leaves++;
	P.x = *x;
	if (!P.leaf_rc) {
		x->v = x->p ? x->e : P.leaf_new;
		x->dcnt = P.leaf_dcnt;
		x->inval = P.leaf_inval;
	}
	return P.leaf_rc;
}

static int probe_visit(struct pt_walk *w, struct pt_slot *s)
{
	P.level = s->level;
	P.idx = s->idx;
	P.n = s->n;
	P.table = s->t->p;
	if (w->once) {
		P.onces++;
		return P.once_rc ? P.once_rc : (int)s->n;
	}
	if (w->dry) {
		P.drys++;
		return P.dry_rc ? P.dry_rc : (int)s->n;
	}
	P.commits++;
	return (int)s->n;
}

static void probe_post(struct pt_walk *w, struct pt_slot *s)
{
	if (w->dry)
		return;
	P.posts++;
	P.post_level = s->level;
	P.post_cnt = s->child.cnt;
}

static const struct pt_visitor PROBE = {.visit = probe_visit,
					.post = probe_post,
					.one = probe_one,
					.once = 1,
					.deepest = AM_PT_MAX_LEVEL};

/* The probe, growing: the single-leaf path may create the one table missing. */
static const struct pt_visitor PROBE_GROW = {.visit = probe_visit,
					     .post = probe_post,
					     .one = probe_one,
					     .once = 1,
					     .grow = 1,
					     .deepest = AM_PT_MAX_LEVEL};

/* A table of @regime and @ia_bits in a fresh pool, the probe cleared. */
static void setup(enum am_pt_regime regime, unsigned int ia_bits)
{
	struct am_pt_config cfg = {.regime = regime, .ia_bits = ia_bits};

	am_host_pt_fini(&H);
	assert_int_equal(am_host_pt_init(&H, 256), 0);
	assert_int_equal(am_pt_init(&PT, &cfg, &am_host_pt_ops, &H), 0);
	memset(&P, 0, sizeof(P));
}

static int teardown(void **state)
{
	(void)state;
	if (PT.ready)
		am_pt_destroy(&PT);
	memset(&PT, 0, sizeof(PT));
	am_host_pt_fini(&H);
	return 0;
}

static int run(const struct pt_visitor *v, uint64_t va, uint64_t size)
{
	return pt_exec_g(&PT, v, NULL, va, size, 0, 12u, true); /* plain 4 KiB tables */
}

/* The table at @level on the way to @va (the root at its level). */
static am_pte_t *table_at(uint64_t va, unsigned int level)
{
	am_pte_t *t = PT.root;

	for (unsigned int l = PT.root_level; l < level; l++) {
		am_pte_t e = t[(va >> am_pt_level_shift(l)) & 511];

		assert_int_equal(e & 3, 3);
		t = am_host_pt_va(&H, e & AM_PTE_OA_MASK);
	}
	return t;
}

static unsigned int count_of(uint64_t va, unsigned int level)
{
	am_pte_t *t = table_at(va, level);

	return (unsigned int)((t[(va >> am_pt_level_shift(level)) & 511] >> 2) & 0x3ff);
}

/*
 * One page whose tables exist: the one op alone, given the entry itself
 * (its address in the level-3 table, its value, VA and level); nothing
 * visited. The count it reports goes into the table's descriptor.
 */
static void test_leaf_first(void **state)
{
	uint64_t va = 0x8040201000ull;

	(void)state;
	setup(AM_PT_S2, 40);
	assert_int_equal(am_pt_map(&PT, am_va(va + K4), am_pa(0x80000000), K4, &RW, 0), 0);
	P.leaf_dcnt = 1;
	assert_int_equal(run(&PROBE, va, K4), 0);
	assert_int_equal(P.leaves, 1);
	assert_int_equal(P.onces + P.drys + P.commits + P.posts, 0);
	assert_int_equal(P.x.level, 3);
	assert_int_equal(P.x.va, va);
	assert_int_equal(P.x.e, 0);
	assert_ptr_equal(P.x.p, &table_at(va, 3)[1]);
	assert_int_equal(count_of(va, 2), 2); /* 1 + the probe's 1 */
	/* a refusal from the one op is the call's answer: nothing else runs */
	memset(&P, 0, sizeof(P));
	P.leaf_rc = AM_EEXIST;
	assert_int_equal(run(&PROBE, va + K4, K4), AM_EEXIST);
	assert_int_equal(P.leaves, 1);
	assert_int_equal(P.x.e & AM_PTE_OA_MASK, 0x80000000);
	assert_int_equal(P.onces + P.drys + P.commits, 0);
	assert_int_equal(count_of(va, 2), 2);
}

/* Block-sized ranges: the one op at level 2, or 1 (in a 39-bit table's
 * root, whose count is kept nowhere). */
static void test_leaf_levels(void **state)
{
	(void)state;
	setup(AM_PT_S1_EL2, 39);
	assert_int_equal(am_pt_map(&PT, am_va(G1), am_pa(0x80000000), K4, &RW, 0), 0);
	assert_int_equal(run(&PROBE, G1 + 4 * M2, M2), 0);
	assert_int_equal(P.leaves, 1);
	assert_int_equal(P.x.level, 2);
	assert_ptr_equal(P.x.p, &table_at(G1, 2)[4]);
	memset(&P, 0, sizeof(P));
	P.leaf_dcnt = 1;
	assert_int_equal(run(&PROBE, 3 * G1, G1), 0);
	assert_int_equal(P.leaves, 1);
	assert_int_equal(P.x.level, 1);
	assert_ptr_equal(P.x.p, &PT.root[3]);
	assert_int_equal(PT.root[3], 0); /* nothing written for the root's count */
	/* not one entry: 2 pages, a misaligned block span, 512 GiB */
	memset(&P, 0, sizeof(P));
	assert_int_equal(run(&PROBE, G1, 2 * K4), 0);
	assert_int_equal(run(&PROBE, G1 + K4, M2), 0);
	assert_int_equal(P.leaves, 0);
	assert_int_equal(P.onces, 2);
}

/*
 * The one op is not asked where the tables end above its level (it would
 * need one created), nor when it answers PT_AGAIN: once mode follows, and
 * dry, reserve, commit only after once mode's PT_AGAIN.
 */
static void test_fallbacks(void **state)
{
	uint64_t va = G1 + 3 * M2;

	(void)state;
	setup(AM_PT_S1_EL2, 39);
	assert_int_equal(run(&PROBE, va, K4), 0); /* no tables at all */
	assert_int_equal(P.leaves, 0);
	assert_int_equal(P.onces, 1);
	assert_int_equal(P.level, 1); /* the root's entry: nothing below it */
	assert_int_equal(am_pt_map(&PT, am_va(va), am_pa(0x80000000), K4, &RW, 0), 0);
	memset(&P, 0, sizeof(P));
	P.leaf_rc = PT_AGAIN;
	assert_int_equal(run(&PROBE, va + K4, K4), 0);
	assert_int_equal(P.leaves, 1);
	assert_int_equal(P.onces, 1);
	assert_int_equal(P.drys + P.commits, 0);
	assert_int_equal(P.level, 3);
	assert_int_equal(P.idx, 1);
	assert_ptr_equal(P.table, table_at(va, 3));
	memset(&P, 0, sizeof(P));
	P.leaf_rc = PT_AGAIN;
	P.once_rc = PT_AGAIN;
	assert_int_equal(run(&PROBE, va + K4, K4), 0);
	assert_int_equal(P.leaves, 1);
	assert_int_equal(P.onces, 1);
	assert_int_equal(P.drys, 1);
	assert_int_equal(P.commits, 1);
	/* a refusal in once mode is the answer; a refusal of the dry run too */
	memset(&P, 0, sizeof(P));
	P.once_rc = AM_ENOENT;
	assert_int_equal(run(&PROBE, va, 3 * K4), AM_ENOENT);
	assert_int_equal(P.drys + P.commits, 0);
	memset(&P, 0, sizeof(P));
	P.once_rc = PT_AGAIN;
	P.dry_rc = AM_EPERM;
	assert_int_equal(run(&PROBE, va, 3 * K4), AM_EPERM);
	assert_int_equal(P.drys, 1);
	assert_int_equal(P.commits, 0);
	/* a visitor without a one op, or without once mode */
	{
		struct pt_visitor v = PROBE;

		v.one = NULL;
		v.once = 0;
		memset(&P, 0, sizeof(P));
		assert_int_equal(run(&v, va + K4, K4), 0);
		assert_int_equal(P.leaves + P.onces, 0);
		assert_int_equal(P.drys, 1);
		assert_int_equal(P.commits, 1);
	}
}

/*
 * The walker's own descent: through tables that hold all of the range and
 * are not wholly covered by it, and no deeper than the visitor's deepest
 * level; a wholly covered table entry is the visitor's.
 */
static void test_descent(void **state)
{
	uint64_t va = 0x8040200000ull;
	struct pt_visitor v = PROBE;

	(void)state;
	setup(AM_PT_S2, 40);
	v.one = NULL;
	assert_int_equal(am_pt_map(&PT, am_va(va), am_pa(0x80000000), K4, &RW, 0), 0);
	assert_int_equal(run(&v, va + 5 * K4, 7 * K4), 0);
	assert_int_equal(P.level, 3);
	assert_int_equal(P.idx, 5);
	assert_int_equal(P.n, 7);
	assert_ptr_equal(P.table, table_at(va, 3));
	/* the whole 2 MiB of that table: its level-2 entry is visited */
	assert_int_equal(run(&v, va, M2), 0);
	assert_int_equal(P.level, 2);
	assert_int_equal(P.n, 1);
	/* across two level-3 tables: the level-2 table is where it starts */
	assert_int_equal(run(&v, va + M2 - K4, 2 * K4), 0);
	assert_int_equal(P.level, 2);
	assert_int_equal(P.n, 2);
	/* a visitor that stops above the last level (populate) */
	v.deepest = AM_PT_MAX_LEVEL - 1;
	assert_int_equal(run(&v, va + 5 * K4, K4), 0);
	assert_int_equal(P.level, 2);
}

/*
 * A one op that empties its table: the table is left through the post
 * visit with its count at 0 (unmap unlinks it there), then as any walked
 * table: its count goes into its descriptor if it is still linked.
 */
static void test_leaf_emptied(void **state)
{
	uint64_t va = 0x8040201000ull;

	(void)state;
	setup(AM_PT_S2, 40);
	assert_int_equal(am_pt_map(&PT, am_va(va), am_pa(0x80000000), K4, &RW, 0), 0);
	P.leaf_dcnt = -1;
	assert_int_equal(run(&PROBE, va, K4), 0);
	assert_int_equal(P.leaves, 1);
	assert_int_equal(P.posts, 1);
	assert_int_equal(P.post_level, 2);
	assert_int_equal(P.post_cnt, 0);
	assert_int_equal(count_of(va, 2), 0); /* the probe's post unlinks nothing */
	/* not emptied: the new count, no post visit (the probe left the count
	 * at 0 with a page in the table: two more make it 2) */
	assert_int_equal(am_pt_map(&PT, am_va(va + K4), am_pa(0x80001000), 2 * K4, &RW, 0), 0);
	assert_int_equal(count_of(va, 2), 2);
	memset(&P, 0, sizeof(P));
	P.leaf_dcnt = -1;
	assert_int_equal(run(&PROBE, va, K4), 0);
	assert_int_equal(P.posts, 0);
	assert_int_equal(count_of(va, 2), 1);
}

/*
 * The way to the entry stops above it (PT_NOWAY): a visitor that does not
 * grow goes to the walk without its one op; one that grows (map) gets its
 * one op on an empty entry of a table not there yet (x->p NULL), and when
 * the way ends in an empty entry just above, the table is created: one
 * page, zeroed, the entry in it, linked with a count of 1, the count of
 * the table above one more, one PUBLISH and one COMPLETE, no TLBI, no
 * walk. PT_AGAIN from that one op, two tables missing, or no page: nothing
 * written (the walk, or AM_ENOMEM with its record).
 */
static void test_grow(void **state)
{
	const am_pte_t leaf = 0x80000000ull | 0x743; /* a valid page */
	size_t tables;

	(void)state;
	setup(AM_PT_S1_EL2, 39); /* root at level 1 */
	assert_int_equal(am_pt_map(&PT, am_va(G1), am_pa(0x80000000), K4, &RW, 0), 0);
	tables = am_pt_tables(&PT);
	/* no grow: the walk, no one op */
	assert_int_equal(run(&PROBE, G1 + M2, K4), 0);
	assert_int_equal(P.leaves, 0);
	assert_int_equal(P.onces, 1);
	assert_int_equal(am_pt_tables(&PT), tables);
	/* grow: the table made, the entry in it */
	memset(&P, 0, sizeof(P));
	P.leaf_dcnt = 1;
	P.leaf_new = leaf;
	H.publish = H.complete = H.tlbi = H.allocs = 0;
	assert_int_equal(run(&PROBE_GROW, G1 + M2 + 5 * K4, K4), 0);
	assert_int_equal(P.leaves, 1);
	assert_int_equal(P.onces + P.drys + P.commits + P.posts, 0);
	assert_null(P.x.p);
	assert_int_equal(P.x.e, 0);
	assert_int_equal(P.x.level, 3);
	assert_int_equal(P.x.va, G1 + M2 + 5 * K4);
	assert_int_equal(am_pt_tables(&PT), tables + 1);
	assert_int_equal(count_of(G1 + M2, 2), 1);
	assert_int_equal(count_of(G1, 1), 2); /* the level-2 table: 2 level-3 tables now */
	assert_int_equal(table_at(G1 + M2, 3)[5], leaf);
	for (unsigned int i = 0; i < 512; i++)
		if (i != 5)
			assert_int_equal(table_at(G1 + M2, 3)[i], 0);
	assert_int_equal(H.allocs, 1);
	assert_int_equal(H.publish, 1);
	assert_int_equal(H.complete, 1);
	assert_int_equal(H.tlbi, 0);
	/* its one op says PT_AGAIN: the walk, nothing allocated */
	memset(&P, 0, sizeof(P));
	P.leaf_rc = PT_AGAIN;
	H.allocs = 0;
	assert_int_equal(run(&PROBE_GROW, G1 + 2 * M2, K4), 0);
	assert_int_equal(P.leaves, 1);
	assert_int_equal(P.onces, 1);
	assert_int_equal(H.allocs, 0);
	/* two tables missing (no level-2 table at 2 GiB): the walk, nothing allocated */
	memset(&P, 0, sizeof(P));
	P.leaf_new = leaf;
	assert_int_equal(run(&PROBE_GROW, 2 * G1, K4), 0);
	assert_int_equal(P.onces, 1);
	assert_int_equal(H.allocs, 0);
	assert_int_equal(am_pt_tables(&PT), tables + 1);
	/* no page: AM_ENOMEM and its record, nothing written */
	memset(&P, 0, sizeof(P));
	P.leaf_dcnt = 1;
	P.leaf_new = leaf;
	am_host_pt_fail_at(&H, 0);
	assert_int_equal(run(&PROBE_GROW, G1 + 3 * M2, K4), AM_ENOMEM);
	am_host_pt_fail_at(&H, -1);
	assert_int_equal(am_host_pt_logged(&H, AM_EV_PT_NO_MEMORY, 1), 1);
	assert_int_equal(am_pt_tables(&PT), tables + 1);
	assert_int_equal(count_of(G1, 1), 2);
	assert_int_equal(table_at(G1, 2)[3], 0);
}

/*
 * The single-leaf path's one flush op: the entry's invalidation (leaf
 * only, its level as the hint) when the one op asks for it, else the
 * COMPLETE of the write; nothing when the entry stays as it is.
 */
static void test_one_flush(void **state)
{
	uint64_t va = 0x8040201000ull;
	unsigned long f0, p0, c0, t0;

	(void)state;
	setup(AM_PT_S2, 40);
	assert_int_equal(am_pt_map(&PT, am_va(va + K4), am_pa(0x80000000), K4, &RW, 0), 0);
	f0 = H.flushes;
	p0 = H.publish;
	c0 = H.complete;
	t0 = H.tlbi;
	assert_int_equal(run(&PROBE, va, K4), 0);
	assert_int_equal(H.flushes - f0, 1);
	assert_int_equal(H.publish - p0, 0);
	assert_int_equal(H.complete - c0, 1);
	assert_int_equal(H.tlbi - t0, 0);

	P.leaf_inval = true;
	assert_int_equal(run(&PROBE, va + K4, K4), 0);
	assert_int_equal(H.flushes - f0, 2);
	assert_int_equal(H.publish - p0, 1);
	assert_int_equal(H.complete - c0, 2);
	assert_int_equal(H.tlbi - t0, 1);
	assert_int_equal(H.last_tlbi.addr, va + K4);
	assert_int_equal(H.last_tlbi.level, 3);
	assert_int_equal(H.last_tlbi.leaf, 1);
	assert_int_equal(H.last_tlbi.vmid, 0);

	/* the entry as it is: no write, no flush, nothing walked */
	memset(&P, 0, sizeof(P));
	P.leaf_rc = PT_ONE_SAME;
	assert_int_equal(run(&PROBE, va + K4, K4), 0);
	assert_int_equal(P.leaves, 1);
	assert_int_equal(P.onces + P.drys + P.commits, 0);
	assert_int_equal(H.flushes - f0, 2);
	assert_int_equal(count_of(va, 2), 1);
}

int main(void)
{
	struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_leaf_first, teardown),
		cmocka_unit_test_teardown(test_leaf_levels, teardown),
		cmocka_unit_test_teardown(test_fallbacks, teardown),
		cmocka_unit_test_teardown(test_descent, teardown),
		cmocka_unit_test_teardown(test_leaf_emptied, teardown),
		cmocka_unit_test_teardown(test_one_flush, teardown),
		cmocka_unit_test_teardown(test_grow, teardown),
	};

	AM_RUN_SUITE("unit-pt_engine", tests);
}
