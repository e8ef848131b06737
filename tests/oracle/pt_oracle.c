/* SPDX-License-Identifier: BSD-3-Clause */
/* The translation-table oracle (pt_oracle.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/oracle/oracle.h"
#include "tests/oracle/pt_oracle.h"

/* The next table of table descriptor @e: FEAT_LPA (64 KiB, 52-bit outputs)
 * has OA[51:48] in bits [15:12], FEAT_LPA2 (4, 16 KiB) OA[51:50] in [9:8]. */
static uint64_t next_table(const struct am_pt *pt, uint64_t e)
{
	uint64_t pa = e & AM_PTE_OA_MASK;

	if (pt->gshift == 16 && pt->oa_bits == 52)
		pa = (pa & ~0xf000ull) | (pa & 0xf000ull) << 36;
	else if (pt->oa_bits == 52) /* LPA2: [49:12], and OA[51:50] in [9:8] */
		pa = (e & 0x0003fffffffff000ull) | (e >> 8 & 3ull) << 50;
	return pa;
}

/* The pages of the tree, root first, depth first; *@cnt counts them. */
static bool visit(struct am_host_pt *h, const struct am_pt *pt, uint64_t tpa, unsigned int level,
		  uint8_t *seen, long *cnt, void (*fn)(void *, uint64_t, const void *), void *arg,
		  char *why, size_t n)
{
	const uint64_t *t;
	size_t idx;

	if (!am_host_pt_allocated(h, tpa) || tpa % h->page)
		return oracle_say(why, n, "a level-%u table at %#llx is not an allocated pool page",
				  level, (unsigned long long)tpa);
	if (tpa >= pt->oa_end)
		return oracle_say(why, n, "a level-%u table at %#llx is beyond the output size",
				  level, (unsigned long long)tpa);
	idx = (size_t)((tpa - h->pa_base) / h->page);
	if (seen[idx])
		return oracle_say(why, n, "the table page at %#llx is reached twice",
				  (unsigned long long)tpa);
	seen[idx] = 1;
	++*cnt;
	t = am_host_pt_va(h, tpa);
	if (fn)
		fn(arg, tpa, t);
	if (level >= AM_PT_MAX_LEVEL)
		return true;
	for (unsigned int i = 0; i < h->page / 8; i++)
		if ((t[i] & 3u) == 3u &&
		    !visit(h, pt, next_table(pt, t[i]), level + 1, seen, cnt, fn, arg, why, n))
			return false;
	return true;
}

static long walk_tree(struct am_host_pt *h, const struct am_pt *pt,
		      void (*fn)(void *, uint64_t, const void *), void *arg, char *why, size_t n)
{
	static uint8_t *seen;
	static size_t seen_len;
	long cnt = 0;

	if (seen_len < h->pages) {
		free(seen);
		seen = calloc(h->pages, 1);
		seen_len = seen ? h->pages : 0;
		if (!seen)
			return oracle_say(why, n, "out of memory"), -1;
	}
	memset(seen, 0, h->pages);
	/* level -1 (4 KiB, LPA2, inputs above 48 bits): its page, whose entries
	 * must link the root's pages in order, and nothing else */
	if (pt->top) {
		uint64_t tpa = am_pa_val(pt->top_pa);
		const uint64_t *t = am_host_pt_va(h, tpa);
		size_t idx = (size_t)((tpa - h->pa_base) / h->page);

		if (!t || !am_host_pt_allocated(h, tpa) || tpa % h->page)
			return oracle_say(why, n, "the level -1 table at %#llx is no pool page",
					  (unsigned long long)tpa),
			       -1;
		for (unsigned int i = 0; i < 512; i++) {
			uint64_t want = i < pt->root_pages ? 3u : 0u;

			if ((t[i] & 3u) != want ||
			    (want && next_table(pt, t[i]) !=
					     am_pa_val(pt->root_pa) + (uint64_t)i * h->page))
				return oracle_say(why, n, "level -1 entry %u is %#llx", i,
						  (unsigned long long)t[i]),
				       -1;
		}
		seen[idx] = 1;
		cnt++;
		if (fn)
			fn(arg, tpa, t);
	}
	/* a concatenated root: its pages one after the other, each a root table */
	for (unsigned int i = 0; i < (pt->root_pages > 1 ? pt->root_pages : 1u); i++)
		if (!visit(h, pt, am_pa_val(pt->root_pa) + (uint64_t)i * h->page,
			   pt->root_level, seen, &cnt, fn, arg, why, n))
			return -1;
	return cnt;
}

/* Is @p where the library reaches the table page at @pa (through the
 * backend's table_va, or at its PA)? */
static bool is_page(struct am_host_pt *h, const void *p, uint64_t pa)
{
	return p == am_host_pt_va(h, pa) || (uintptr_t)p == pa;
}

/*
 * The walk cache (am_pt.wc_*): each table it keeps is the one a lookup of
 * its key reaches now, through table descriptors from the root, and its
 * link is the descriptor that links it. A table that left the tree, or a
 * table of another address, would be written through by the next call.
 */
static bool walk_cache_ok(struct am_host_pt *h, const struct am_pt *pt, char *why, size_t n)
{
	const unsigned int gs = pt->gshift;

	if (pt->wc_root != (pt->root_level >= 1 && pt->root_pages == 1 ? pt->root_level - 1 : 3))
		return oracle_say(why, n, "the walk cache's root slot is %u, the root at level %u",
				  pt->wc_root, pt->root_level);
	for (unsigned int l = 1; l <= AM_PT_MAX_LEVEL; l++) {
		uint64_t key = pt->wc_key[l - 1], va, tpa = am_pa_val(pt->root_pa), e = 0;
		const uint8_t *link = NULL;

		if (l == pt->root_level && l - 1 == pt->wc_root) {
			/* the root, for good: one page, key 0, no link */
			if (key || pt->root_pages != 1 || pt->wc_tbl[l - 1] != pt->root ||
			    pt->wc_link[l - 1])
				return oracle_say(why, n, "the walk cache's root slot (level %u) is "
							  "key %#llx, table %p",
						  l, (unsigned long long)key,
						  (void *)pt->wc_tbl[l - 1]);
			continue;
		}
		if (key == ~0ull)
			continue;
		if (l <= pt->root_level)
			return oracle_say(why, n, "the walk cache keeps a level-%u table, at or above "
						  "the root",
					  l);
		va = key << (gs + (gs - 3u) * (4u - l));
		if (va >= pt->ia_end || va >> (gs + (gs - 3u) * (4u - l)) != key)
			return oracle_say(why, n, "the walk cache's level-%u key %#llx is beyond the "
						  "input size",
					  l, (unsigned long long)key);
		for (unsigned int k = pt->root_level; k < l; k++) {
			uint64_t idx = va >> (gs + (gs - 3u) * (3u - k));

			if (k != pt->root_level)
				idx &= (1ull << (gs - 3u)) - 1u;
			link = (const uint8_t *)am_host_pt_va(h, tpa) + idx * 8u;
			e = *(const uint64_t *)link;
			if ((e & 3u) != 3u)
				return oracle_say(why, n,
						  "the walk cache keeps a level-%u table of %#llx, "
						  "but level %u holds %#llx there",
						  l, (unsigned long long)va, k,
						  (unsigned long long)e);
			tpa = next_table(pt, e);
		}
		if (!is_page(h, pt->wc_tbl[l - 1], tpa) ||
		    (const uint8_t *)pt->wc_link[l - 1] != link)
			return oracle_say(why, n,
					  "the walk cache's level-%u table of %#llx is not the "
					  "one the tables link (%#llx)",
					  l, (unsigned long long)va, (unsigned long long)tpa);
	}
	return true;
}

long oracle_pt_reachable(struct am_host_pt *h, const struct am_pt *pt, char *why, size_t n)
{
	return walk_tree(h, pt, NULL, NULL, why, n);
}

bool oracle_pt_check(struct am_host_pt *h, const struct am_pt *pt, char *why, size_t n)
{
	long reach;

	if (h->lock_depth || h->locks != h->unlocks || h->max_lock_depth > 1)
		return oracle_say(why, n, "lock: depth %d, %lu locks, %lu unlocks, deepest %d",
				  h->lock_depth, h->locks, h->unlocks, h->max_lock_depth);
	if (h->tlb_on) {
		struct tlbm *t = &h->tlb;

		tlbm_check_end(t);
		if (t->bbm_violations || t->stale || t->freed_in_use || t->model_errors ||
		    t->bad_walks)
			return oracle_say(
				why, n,
				"TLB model: bbm %lu stale %lu freed_in_use %lu model %lu bad "
				"walks %lu: %s",
				t->bbm_violations, t->stale, t->freed_in_use, t->model_errors,
				t->bad_walks, t->first_error);
	}
	if (h->open_tlbi)
		return oracle_say(why, n, "%lu TLBIs not completed", h->open_tlbi);
	if (h->tlbi_between)
		return oracle_say(why, n, "%lu TLBIs not after a PUBLISH", h->tlbi_between);
	if (h->bad_flushes || h->bad_ranges)
		return oracle_say(why, n,
				  "%lu flushes outside pt.h's contract, %lu range operands "
				  "the model cannot read",
				  h->bad_flushes, h->bad_ranges);
	if (h->bad_frees || h->bad_table_va)
		return oracle_say(why, n, "%lu bad frees, %lu table_va outside the pool",
				  h->bad_frees, h->bad_table_va);
	if (h->in_use != am_pt_tables(pt))
		return oracle_say(why, n, "%zu pool pages in use, am_pt_tables() %zu", h->in_use,
				  am_pt_tables(pt));
	reach = oracle_pt_reachable(h, pt, why, n);
	if (reach < 0 || !walk_cache_ok(h, pt, why, n))
		return false;
	if (h->allocs - h->alloc_failed - h->frees != h->in_use)
		return oracle_say(why, n,
				  "%lu allocations, %lu failed, %lu frees, %zu pages in use",
				  h->allocs, h->alloc_failed, h->frees, h->in_use);
	if ((size_t)reach != h->in_use)
		return oracle_say(why, n, "%ld table pages reachable, %zu allocated", reach,
				  h->in_use);
	return true;
}

static void keep_page(void *arg, uint64_t pa, const void *page)
{
	struct oracle_pt_snap *s = arg;

	if (s->n == s->cap) {
		size_t cap = s->cap ? 2 * s->cap : 16;

		s->pa = realloc(s->pa, cap * sizeof(*s->pa));
		s->mem = realloc(s->mem, cap * s->page);
		if (!s->pa || !s->mem)
			abort();
		s->cap = cap;
	}
	s->pa[s->n] = pa;
	memcpy(s->mem + s->n * s->page, page, s->page);
	s->n++;
}

void oracle_pt_snap(struct oracle_pt_snap *s, struct am_host_pt *h, const struct am_pt *pt)
{
	s->n = 0;
	if (s->page != h->page) { /* another granule: the buffers start over */
		free(s->mem);
		s->mem = NULL;
		s->cap = 0;
		s->page = h->page;
	}
	(void)walk_tree(h, pt, keep_page, s, NULL, 0);
	s->in_use = h->in_use;
	s->tables = am_pt_tables(pt);
	s->tlbi = h->tlbi;
	s->tlbi_all = h->tlbi_all;
	s->tlbi_range = h->tlbi_range;
	s->publish = h->publish;
	s->complete = h->complete;
}

struct cmp {
	const struct oracle_pt_snap *s;
	size_t i;
	bool differ;
	uint64_t pa;
	unsigned int entry;
};

static void cmp_page(void *arg, uint64_t pa, const void *page)
{
	struct cmp *c = arg;

	if (c->differ)
		return;
	if (c->i >= c->s->n || c->s->pa[c->i] != pa) {
		c->differ = true;
		c->pa = pa;
		c->entry = ~0u;
		return;
	}
	if (memcmp(c->s->mem + c->i * c->s->page, page, c->s->page)) {
		const uint64_t *a = (const void *)(c->s->mem + c->i * c->s->page), *b = page;

		c->differ = true;
		c->pa = pa;
		for (c->entry = 0; a[c->entry] == b[c->entry]; c->entry++)
			;
	}
	c->i++;
}

bool oracle_pt_unchanged(const struct oracle_pt_snap *s, struct am_host_pt *h,
			 const struct am_pt *pt, char *why, size_t n)
{
	struct cmp c = {.s = s};
	long reach = walk_tree(h, pt, cmp_page, &c, why, n);

	if (reach < 0)
		return false;
	if (c.differ && c.entry == ~0u)
		return oracle_say(why, n, "the tree changed: table %#llx is new or moved",
				  (unsigned long long)c.pa);
	if (c.differ)
		return oracle_say(why, n, "table %#llx changed at entry %u",
				  (unsigned long long)c.pa, c.entry);
	if ((size_t)reach != s->n)
		return oracle_say(why, n, "%ld table pages reachable, were %zu", reach, s->n);
	if (h->in_use != s->in_use || am_pt_tables(pt) != s->tables)
		return oracle_say(why, n, "table pages %zu (am_pt_tables %zu), were %zu (%zu)",
				  h->in_use, am_pt_tables(pt), s->in_use, s->tables);
	if (h->tlbi != s->tlbi || h->tlbi_all != s->tlbi_all || h->tlbi_range != s->tlbi_range)
		return oracle_say(why, n, "%lu TLBIs issued",
				  h->tlbi + h->tlbi_all + h->tlbi_range - s->tlbi - s->tlbi_all -
					  s->tlbi_range);
	if (h->publish != s->publish || h->complete != s->complete)
		return oracle_say(why, n, "barriers issued: %lu publish, %lu complete",
				  h->publish - s->publish, h->complete - s->complete);
	return true;
}

void oracle_pt_snap_free(struct oracle_pt_snap *s)
{
	free(s->pa);
	free(s->mem);
	memset(s, 0, sizeof(*s));
}
