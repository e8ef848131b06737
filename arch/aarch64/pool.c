/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * AArch64 bare-metal backend: the table-page pool of struct
 * am_aarch64_pt_ctx (alloc_table, free_table, alloc_tables and free_tables
 * of am_aarch64_pt_ops), in pages of the context's size (ctx->page: the
 * granule of the tables it serves, 4, 16 or 64 KiB). Plain C with no
 * system register access, so that the host unit tests build it too
 * (tests/unit/test_aarch64_pool.c).
 */
#include <armmap/errors.h>

#include <armmap/arch/aarch64/pt_ops.h>

/* ---------------------------------------------------------------------- */
/* Table pages                                                             */
/* ---------------------------------------------------------------------- */

static bool page_size_ok(size_t page)
{
	return page == 4096u || page == 16384u || page == 65536u;
}

int am_aarch64_pt_ctx_init_g(struct am_aarch64_pt_ctx *ctx, void *pool, size_t bytes, size_t page)
{
	size_t pages, words, i, meta = 0;

	if (!ctx || !pool || !page_size_ok(page) || ((uintptr_t)pool & (page - 1)) || !bytes ||
	    (bytes & (page - 1)))
		return AM_EINVAL;
	pages = bytes / page;
	if (pages > 0xffffffffu || (uintptr_t)pool + bytes - 1 < (uintptr_t)pool)
		return AM_ERANGE;
	words = (pages + 63) / 64;
	ctx->used = ctx->inline_used;
	if (pages > AM_AARCH64_POOL_INLINE_PAGES) {
		/* the bitmap in the pool's first pages; it covers them too, unused */
		meta = (words * sizeof(uint64_t) + page - 1) / page;
		ctx->used = pool;
	}
	for (i = 0; i < words; i++)
		ctx->used[i] = 0;
	for (i = 0; i < AM_AARCH64_POOL_INLINE_PAGES / 64; i++)
		ctx->inline_used[i] = 0;
	ctx->pool = (uint8_t *)pool + meta * page;
	ctx->page = (unsigned int)page;
	ctx->pages = (unsigned int)(pages - meta);
	ctx->in_use = 0;
	ctx->hint = 0;
	ctx->tlbi_range = am_aarch64_has_tlbi_range();
	ctx->lock = NULL;
	ctx->allocs = ctx->frees = ctx->alloc_fails = ctx->bad_frees = 0;
	ctx->tlbis = ctx->tlbi_ranges = ctx->tlbi_alls = ctx->publishes = ctx->completes = 0;
	return 0;
}

int am_aarch64_pt_ctx_init(struct am_aarch64_pt_ctx *ctx, void *pool, size_t bytes)
{
	return am_aarch64_pt_ctx_init_g(ctx, pool, bytes, 4096u);
}

static bool page_used(const struct am_aarch64_pt_ctx *c, unsigned int i)
{
	return (c->used[i / 64] >> (i % 64)) & 1u;
}

void *am_aarch64_alloc_table(void *ctx, am_paddr_t *pa)
{
	struct am_aarch64_pt_ctx *c = ctx;
	unsigned int n, i;

	if (!c || !pa || c->in_use >= c->pages) {
		if (c)
			c->alloc_fails++;
		return NULL;
	}
	for (n = 0; n < c->pages; n++) {
		i = (c->hint + n) % c->pages;
		if (page_used(c, i))
			continue;
		c->used[i / 64] |= 1ull << (i % 64);
		c->in_use++;
		c->allocs++;
		c->hint = (i + 1) % c->pages;
		*pa = am_pa((uintptr_t)(c->pool + (size_t)i * c->page));
		return c->pool + (size_t)i * c->page;
	}
	c->alloc_fails++; /* not reached: in_use < pages means a free bit */
	return NULL;
}

void am_aarch64_free_table(void *ctx, void *table, am_paddr_t pa)
{
	struct am_aarch64_pt_ctx *c = ctx;
	uintptr_t off;
	unsigned int i;

	if (!c)
		return;
	off = (uintptr_t)table - (uintptr_t)c->pool;
	if ((uintptr_t)table < (uintptr_t)c->pool || (off & (c->page - 1)) ||
	    off / c->page >= c->pages || am_pa_val(pa) != (uintptr_t)table) {
		c->bad_frees++; /* not ours, or PA and VA disagree */
		return;
	}
	i = (unsigned int)(off / c->page);
	if (!page_used(c, i)) {
		c->bad_frees++; /* double free */
		return;
	}
	c->used[i / 64] &= ~(1ull << (i % 64));
	c->in_use--;
	c->frees++;
}

void *am_aarch64_alloc_tables(void *ctx, unsigned int n, am_paddr_t *pa)
{
	struct am_aarch64_pt_ctx *c = ctx;
	uintptr_t base;
	unsigned int i, k;

	if (!c || !pa || !n || (n & (n - 1)) || n > c->pages - c->in_use) {
		if (c)
			c->alloc_fails++;
		return NULL;
	}
	/* the first page whose PA is aligned to n pages: the pool is PA == VA */
	base = (uintptr_t)c->pool / c->page;
	for (i = (unsigned int)((n - (base & (n - 1))) & (n - 1)); i + n <= c->pages; i += n) {
		for (k = 0; k < n && !page_used(c, i + k); k++)
			;
		if (k < n)
			continue;
		for (k = 0; k < n; k++)
			c->used[(i + k) / 64] |= 1ull << ((i + k) % 64);
		c->in_use += n;
		c->allocs += n;
		*pa = am_pa((uintptr_t)(c->pool + (size_t)i * c->page));
		return c->pool + (size_t)i * c->page;
	}
	c->alloc_fails++;
	return NULL;
}

void am_aarch64_free_tables(void *ctx, void *tables, am_paddr_t pa, unsigned int n)
{
	struct am_aarch64_pt_ctx *c = ctx;

	if (!c)
		return;
	for (unsigned int i = 0; i < n; i++)
		am_aarch64_free_table(ctx, (uint8_t *)tables + (size_t)i * c->page,
				      am_pa(am_pa_val(pa) + (uint64_t)i * c->page));
}
