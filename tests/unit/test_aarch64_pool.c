/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The aarch64 backend's table-page pool (arch/aarch64/pool.c, plain C, built
 * here for the host): no hard cap (a pool beyond the context's inline bitmap
 * keeps its bitmap in its own first pages), every page handed out once,
 * refusals counted and changing nothing. The QEMU images use the same pool.
 */
#include "tests/unit/harness.h"

#include <stdlib.h>

#include "arch/aarch64/pool.c"

/* the backend's CPU feature probe (pt_ops.c, system registers): none here */
bool am_aarch64_has_tlbi_range(void)
{
	return false;
}

#define PG 4096u

static void *pool_alloc(size_t pages)
{
	void *p = aligned_alloc(PG, pages * PG);

	assert_non_null(p);
	return p;
}

/* Hand out every page: each once, each inside the pool past its bitmap. */
static void drain(struct am_aarch64_pt_ctx *c, uint8_t *first, unsigned int want)
{
	uint8_t *seen = calloc(want, 1);
	am_paddr_t pa;

	assert_non_null(seen);
	for (unsigned int i = 0; i < want; i++) {
		uint8_t *p = am_aarch64_alloc_table(c, &pa);
		size_t k;

		assert_non_null(p);
		assert_true(p >= first && ((uintptr_t)p & (PG - 1)) == 0);
		k = (size_t)(p - first) / PG;
		assert_true(k < want && !seen[k]);
		seen[k] = 1;
		assert_int_equal(am_pa_val(pa), (uintptr_t)p);
	}
	assert_null(am_aarch64_alloc_table(c, &pa));
	assert_int_equal(c->in_use, want);
	assert_int_equal(c->alloc_fails, 1);
	free(seen);
}

static void small_pool_keeps_its_bitmap_inline(void **state)
{
	struct am_aarch64_pt_ctx c;
	uint8_t *pool = pool_alloc(8);

	(void)state;
	assert_int_equal(am_aarch64_pt_ctx_init(&c, pool, 8 * PG), 0);
	assert_ptr_equal(c.used, c.inline_used);
	assert_ptr_equal(c.pool, pool);
	assert_int_equal(c.pages, 8);
	drain(&c, pool, 8);
	free(pool);
}

static void large_pool_has_no_cap(void **state)
{
	/* 70000 pages (273 MiB): past the old cap of 1024 and the inline 512;
	 * the bitmap (70000 bits) takes the first three pages */
	const unsigned int n = 70000, meta = 3;
	struct am_aarch64_pt_ctx c;
	uint8_t *pool = pool_alloc(n);
	am_paddr_t pa;
	void *p;

	(void)state;
	assert_int_equal(am_aarch64_pt_ctx_init(&c, pool, (size_t)n * PG), 0);
	assert_ptr_equal(c.used, (uint64_t *)pool);
	assert_ptr_equal(c.pool, pool + meta * PG);
	assert_int_equal(c.pages, n - meta);
	drain(&c, pool + meta * PG, n - meta);
	/* a page given back comes out again, and only that one */
	p = pool + (meta + 40000) * (size_t)PG;
	am_aarch64_free_table(&c, p, am_pa((uintptr_t)p));
	assert_int_equal(c.frees, 1);
	assert_ptr_equal(am_aarch64_alloc_table(&c, &pa), p);
	free(pool);
}

static void bad_frees_are_counted_and_change_nothing(void **state)
{
	struct am_aarch64_pt_ctx c;
	uint8_t *pool = pool_alloc(600); /* bitmap in the pool: 1 page */
	uint8_t *p, *q;
	am_paddr_t pa;

	(void)state;
	assert_int_equal(am_aarch64_pt_ctx_init(&c, pool, 600 * PG), 0);
	p = am_aarch64_alloc_table(&c, &pa);
	assert_non_null(p);
	q = p + PG;							   /* not handed out */
	am_aarch64_free_table(&c, q, am_pa((uintptr_t)q));		   /* never handed out */
	am_aarch64_free_table(&c, p + 8, am_pa((uintptr_t)p + 8));	   /* not a page start */
	am_aarch64_free_table(&c, p, am_pa((uintptr_t)p + PG));		   /* PA and VA disagree */
	am_aarch64_free_table(&c, pool, am_pa((uintptr_t)pool));	   /* the bitmap's page */
	am_aarch64_free_table(&c, pool - PG, am_pa((uintptr_t)pool - PG)); /* below the pool */
	assert_int_equal(c.bad_frees, 5);
	assert_int_equal(c.in_use, 1);
	am_aarch64_free_table(&c, p, pa);
	am_aarch64_free_table(&c, p, pa); /* double */
	assert_int_equal(c.bad_frees, 6);
	assert_int_equal(c.in_use, 0);
	assert_int_equal(c.frees, 1);
	am_aarch64_free_table(NULL, p, pa); /* no context: nothing */
	assert_null(am_aarch64_alloc_table(&c, NULL));
	free(pool);
}

/* Runs of pages for a concatenated root: aligned to their size, whole, given back whole. */
static void runs_for_concatenated_roots(void **state)
{
	struct am_aarch64_pt_ctx c;
	uint8_t *pool = aligned_alloc(16 * PG, 32 * PG); /* its runs of 16 aligned too */
	am_paddr_t pa, pa2;
	uint8_t *p, *q;

	(void)state;
	assert_non_null(pool);
	assert_int_equal(am_aarch64_pt_ctx_init(&c, pool, 32 * PG), 0);
	p = am_aarch64_alloc_table(&c, &pa); /* page 0 taken: the first run of 8 is pages 8..15 */
	assert_ptr_equal(p, pool);
	q = am_aarch64_alloc_tables(&c, 8, &pa2);
	assert_ptr_equal(q, pool + 8 * PG);
	assert_int_equal(am_pa_val(pa2) % (8 * PG), 0);
	assert_int_equal(c.in_use, 9);
	assert_ptr_equal(am_aarch64_alloc_tables(&c, 16, &pa2), pool + 16 * PG); /* 16..31 */
	assert_int_equal(c.in_use, 25);
	assert_null(am_aarch64_alloc_tables(&c, 8, &pa2)); /* pages 0..7 hold page 0 */
	assert_null(am_aarch64_alloc_tables(&c, 3, &pa2)); /* not a power of two */
	assert_null(am_aarch64_alloc_tables(&c, 0, &pa2));
	assert_int_equal(c.alloc_fails, 3);
	am_aarch64_free_tables(&c, q, am_pa((uintptr_t)q), 8);
	assert_int_equal(c.in_use, 17);
	assert_int_equal(c.bad_frees, 0);
	assert_ptr_equal(am_aarch64_alloc_tables(&c, 8, &pa2), q);
	free(pool);
}

static void init_refuses_bad_pools(void **state)
{
	struct am_aarch64_pt_ctx c;
	uint8_t *pool = pool_alloc(2);

	(void)state;
	assert_int_equal(am_aarch64_pt_ctx_init(NULL, pool, PG), AM_EINVAL);
	assert_int_equal(am_aarch64_pt_ctx_init(&c, NULL, PG), AM_EINVAL);
	assert_int_equal(am_aarch64_pt_ctx_init(&c, pool + 8, PG), AM_EINVAL);
	assert_int_equal(am_aarch64_pt_ctx_init(&c, pool, 0), AM_EINVAL);
	assert_int_equal(am_aarch64_pt_ctx_init(&c, pool, PG + 1), AM_EINVAL);
	/* 2^32 pages, and a pool that wraps the address space: nothing touched */
	assert_int_equal(am_aarch64_pt_ctx_init(&c, pool, (size_t)1 << 44), AM_ERANGE);
	assert_int_equal(
		am_aarch64_pt_ctx_init(&c, (void *)(uintptr_t)0xfffffffffffff000ull, 2 * PG),
		AM_ERANGE);
	free(pool);
}

int main(void)
{
	struct CMUnitTest tests[] = {
		cmocka_unit_test(small_pool_keeps_its_bitmap_inline),
		cmocka_unit_test(large_pool_has_no_cap),
		cmocka_unit_test(bad_frees_are_counted_and_change_nothing),
		cmocka_unit_test(runs_for_concatenated_roots),
		cmocka_unit_test(init_refuses_bad_pools),
	};
	AM_RUN_SUITE("unit-aarch64_pool", tests);
}
