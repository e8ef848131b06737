/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The aarch64 backend's table-page pool (arch/aarch64/pool.c, plain C, built
 * here for the host): no hard cap (a pool beyond the context's inline bitmap
 * keeps its bitmap in its own first pages), every page handed out once,
 * refusals counted and changing nothing; the same in pages of 16 and 64 KiB
 * (am_aarch64_pt_ctx_init_g(): every page and run aligned to its size, the
 * bitmap counted in those pages). The QEMU images use the same pool.
 */
#include "tests/unit/harness.h"

#include <stdlib.h>
#include <string.h>

#include "arch/aarch64/pool.c"

/* the backend's CPU feature probe (pt_ops.c, system registers): none here */
bool am_aarch64_has_tlbi_range(void)
{
	return false;
}

#define PG 4096u
#define PG16 16384u
#define PG64 65536u

static void *pool_alloc_g(size_t pages, size_t page)
{
	void *p = aligned_alloc(page, pages * page);

	assert_non_null(p);
	return p;
}

static void *pool_alloc(size_t pages)
{
	return pool_alloc_g(pages, PG);
}

/* Hand out every page of c->page bytes: each once, each inside the pool past its bitmap. */
static void drain(struct am_aarch64_pt_ctx *c, uint8_t *first, unsigned int want)
{
	uint8_t *seen = calloc(want, 1);
	size_t pg = c->page;
	am_paddr_t pa;

	assert_non_null(seen);
	for (unsigned int i = 0; i < want; i++) {
		uint8_t *p = am_aarch64_alloc_table(c, &pa);
		size_t k;

		assert_non_null(p);
		assert_true(p >= first && ((uintptr_t)p & (pg - 1)) == 0);
		k = (size_t)(p - first) / pg;
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
	assert_int_equal(c.page, PG); /* am_aarch64_pt_ctx_init(): 4 KiB pages */
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

/* ---- pools of 16 and 64 KiB pages (am_aarch64_pt_ctx_init_g()) ---- */

/* A small pool: its bitmap inline, every page handed out once, page-aligned. */
static void granule_pools_hand_out_their_pages(void **state)
{
	static const size_t pages[] = {PG16, PG64};

	(void)state;
	for (unsigned int g = 0; g < 2; g++) {
		struct am_aarch64_pt_ctx c;
		uint8_t *pool = pool_alloc_g(8, pages[g]);
		uint8_t *p;
		am_paddr_t pa;

		assert_int_equal(am_aarch64_pt_ctx_init_g(&c, pool, 8 * pages[g], pages[g]), 0);
		assert_int_equal(c.page, pages[g]);
		assert_ptr_equal(c.used, c.inline_used);
		assert_ptr_equal(c.pool, pool);
		assert_int_equal(c.pages, 8);
		drain(&c, pool, 8);
		/* given back and handed out again: whole pages of c.page bytes */
		p = pool + 5 * pages[g];
		am_aarch64_free_table(&c, p, am_pa((uintptr_t)p));
		assert_int_equal(c.frees, 1);
		assert_int_equal(c.in_use, 7);
		assert_ptr_equal(am_aarch64_alloc_table(&c, &pa), p);
		assert_int_equal(am_pa_val(pa), (uintptr_t)p);
		free(pool);
	}
}

/* A pool past the inline bitmap: the bitmap takes its first page (counted in 16 KiB pages). */
static void granule_pool_bitmap_in_its_first_page(void **state)
{
	/* 600 pages of 16 KiB (600 bits): one 16 KiB page of bitmap, which 4 KiB
	 * pages would count as one of 4 KiB */
	struct am_aarch64_pt_ctx c;
	uint8_t *pool = pool_alloc_g(600, PG16);

	(void)state;
	assert_int_equal(am_aarch64_pt_ctx_init_g(&c, pool, 600 * PG16, PG16), 0);
	assert_ptr_equal(c.used, (uint64_t *)pool);
	assert_ptr_equal(c.pool, pool + PG16);
	assert_int_equal(c.pages, 599);
	drain(&c, pool + PG16, 599);
	free(pool);
	/* 64 KiB pages: 513 pages (32 MiB + 64 KiB), the bitmap one page */
	pool = pool_alloc_g(513, PG64);
	assert_int_equal(am_aarch64_pt_ctx_init_g(&c, pool, 513 * (size_t)PG64, PG64), 0);
	assert_ptr_equal(c.used, (uint64_t *)pool);
	assert_ptr_equal(c.pool, pool + PG64);
	assert_int_equal(c.pages, 512);
	drain(&c, pool + PG64, 512);
	free(pool);
}

/* Frees that are not whole pages of the pool's size are refused, counted, and change nothing. */
static void granule_pool_bad_frees(void **state)
{
	struct am_aarch64_pt_ctx c;
	uint8_t *pool = pool_alloc_g(4, PG64);
	uint8_t *p;
	am_paddr_t pa;

	(void)state;
	assert_int_equal(am_aarch64_pt_ctx_init_g(&c, pool, 4 * PG64, PG64), 0);
	p = am_aarch64_alloc_table(&c, &pa);
	assert_ptr_equal(p, pool);
	am_aarch64_free_table(&c, p + PG, am_pa((uintptr_t)p + PG));	 /* 4 KiB in: no page */
	am_aarch64_free_table(&c, p + PG16, am_pa((uintptr_t)p + PG16)); /* 16 KiB in */
	am_aarch64_free_table(&c, p, am_pa((uintptr_t)p + PG64));	 /* PA and VA disagree */
	am_aarch64_free_table(&c, pool + 4 * PG64, am_pa((uintptr_t)pool + 4 * PG64)); /* past */
	assert_int_equal(c.bad_frees, 4);
	assert_int_equal(c.in_use, 1);
	am_aarch64_free_tables(NULL, p, pa, 1); /* no context: nothing */
	am_aarch64_free_table(&c, p, pa);
	assert_int_equal(c.in_use, 0);
	assert_int_equal(c.bad_frees, 4);
	free(pool);
}

/* Runs for a concatenated root: aligned to n pages of the pool's size, not of 4 KiB. */
static void granule_runs_aligned_to_their_size(void **state)
{
	static const size_t pages[] = {PG16, PG64};

	(void)state;
	for (unsigned int g = 0; g < 2; g++) {
		const size_t pg = pages[g];
		struct am_aarch64_pt_ctx c;
		/* 1 page past a 16-page boundary: no run starts at the pool's first page */
		uint8_t *mem = aligned_alloc(16 * pg, 64 * pg), *pool = mem + pg, *q, *r;
		am_paddr_t pa;

		assert_non_null(mem);
		assert_int_equal(am_aarch64_pt_ctx_init_g(&c, pool, 48 * pg, pg), 0);
		/* the first 4-page boundary: pool + 3 pages */
		q = am_aarch64_alloc_tables(&c, 4, &pa);
		assert_ptr_equal(q, mem + 4 * pg);
		assert_int_equal(am_pa_val(pa), (uintptr_t)q);
		assert_int_equal(am_pa_val(pa) % (4 * pg), 0);
		assert_int_equal(c.in_use, 4);
		r = am_aarch64_alloc_tables(&c, 16, &pa); /* the first 16-page boundary */
		assert_ptr_equal(r, mem + 16 * pg);
		assert_int_equal(am_pa_val(pa) % (16 * pg), 0);
		assert_int_equal(c.in_use, 20);
		/* the pages before the first run still come out one by one */
		assert_ptr_equal(am_aarch64_alloc_table(&c, &pa), pool);
		am_aarch64_free_tables(&c, q, am_pa((uintptr_t)q), 4);
		assert_int_equal(c.in_use, 17);
		assert_int_equal(c.bad_frees, 0);
		assert_ptr_equal(am_aarch64_alloc_tables(&c, 4, &pa), q);
		assert_null(am_aarch64_alloc_tables(&c, 32, &pa)); /* 32 aligned pages: none here */
		assert_int_equal(c.alloc_fails, 1);
		free(mem);
	}
}

/* A bad page size, or a pool / size not aligned to it: AM_EINVAL, the context untouched. */
static void granule_init_refuses_bad_pools(void **state)
{
	struct am_aarch64_pt_ctx c, before;
	uint8_t *mem = pool_alloc_g(4, PG64);

	(void)state;
	memset(&c, 0xa5, sizeof(c));
	before = c;
	assert_int_equal(am_aarch64_pt_ctx_init_g(NULL, mem, PG64, PG64), AM_EINVAL);
	assert_int_equal(am_aarch64_pt_ctx_init_g(&c, NULL, PG64, PG64), AM_EINVAL);
	assert_int_equal(am_aarch64_pt_ctx_init_g(&c, mem, PG64, 0), AM_EINVAL);
	assert_int_equal(am_aarch64_pt_ctx_init_g(&c, mem, PG64, 8192), AM_EINVAL);
	assert_int_equal(am_aarch64_pt_ctx_init_g(&c, mem, PG64, 32768), AM_EINVAL);
	assert_int_equal(am_aarch64_pt_ctx_init_g(&c, mem, PG64, 1u << 21), AM_EINVAL);
	assert_int_equal(am_aarch64_pt_ctx_init_g(&c, mem, PG64, PG64 + PG), AM_EINVAL);
	/* aligned to 4 KiB but not to 16 KiB; to 16 KiB but not to 64 KiB */
	assert_int_equal(am_aarch64_pt_ctx_init_g(&c, mem + PG, PG16, PG16), AM_EINVAL);
	assert_int_equal(am_aarch64_pt_ctx_init_g(&c, mem + PG16, PG64, PG64), AM_EINVAL);
	/* sizes that are whole 4 KiB (16 KiB) pages but not whole 16 KiB (64 KiB) ones */
	assert_int_equal(am_aarch64_pt_ctx_init_g(&c, mem, 3 * PG, PG16), AM_EINVAL);
	assert_int_equal(am_aarch64_pt_ctx_init_g(&c, mem, PG64 + PG16, PG64), AM_EINVAL);
	assert_int_equal(am_aarch64_pt_ctx_init_g(&c, mem, 0, PG16), AM_EINVAL);
	/* 2^32 pages of 64 KiB (2^48 bytes), a pool that wraps: AM_ERANGE */
	assert_int_equal(am_aarch64_pt_ctx_init_g(&c, mem, (size_t)1 << 48, PG64), AM_ERANGE);
	assert_int_equal(am_aarch64_pt_ctx_init_g(&c, (void *)(uintptr_t)0xffffffffffff0000ull,
						  2 * PG64, PG64),
			 AM_ERANGE);
	assert_memory_equal(&c, &before, sizeof(c));
	/* and the three sizes it takes */
	assert_int_equal(am_aarch64_pt_ctx_init_g(&c, mem, 4 * PG64, PG), 0);
	assert_int_equal(c.pages, 64);
	assert_int_equal(am_aarch64_pt_ctx_init_g(&c, mem, 4 * PG64, PG16), 0);
	assert_int_equal(c.pages, 16);
	assert_int_equal(am_aarch64_pt_ctx_init_g(&c, mem, 4 * PG64, PG64), 0);
	assert_int_equal(c.pages, 4);
	free(mem);
}

int main(void)
{
	struct CMUnitTest tests[] = {
		cmocka_unit_test(small_pool_keeps_its_bitmap_inline),
		cmocka_unit_test(large_pool_has_no_cap),
		cmocka_unit_test(bad_frees_are_counted_and_change_nothing),
		cmocka_unit_test(runs_for_concatenated_roots),
		cmocka_unit_test(init_refuses_bad_pools),
		cmocka_unit_test(granule_pools_hand_out_their_pages),
		cmocka_unit_test(granule_pool_bitmap_in_its_first_page),
		cmocka_unit_test(granule_pool_bad_frees),
		cmocka_unit_test(granule_runs_aligned_to_their_size),
		cmocka_unit_test(granule_init_refuses_bad_pools),
	};
	AM_RUN_SUITE("unit-aarch64_pool", tests);
}
