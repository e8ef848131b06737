/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The translation-table benchmark behind `make bench`: map, modify and unmap
 * of 1 GiB as 4 KiB pages and with blocks, and of a 4 GiB range with mixed
 * alignment (1 GiB, 2 MiB and 4 KiB pieces, contiguous runs). For each: the
 * time, the descriptors written, the ns per descriptor, and the ratio to a
 * plain loop storing as many 8-byte descriptors, timed in the same run
 * (machines are shared and noisy: ratios travel, nanoseconds do not). Then
 * the table pages used against the minimum the range needs.
 *
 * Only the library is measured: the backend below hands out pages from a
 * pool that is touched before timing starts, and its TLBI and barriers are
 * compiler barriers. Every figure is the best of ROUNDS rounds; the rounds
 * take the figures in turn, so a slow spell hits them all alike. Any
 * unexpected return value ends the run with status 1.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <armmap/errors.h>
#include <armmap/pt.h>

#define K4 0x1000ull
#define M2 0x200000ull
#define G1 0x40000000ull
#define ROUNDS 9
#define POOL_PAGES 8192u

/* ------------------------------------------------------------ backend -- */

static uint8_t *pool;
static void *free_list[POOL_PAGES];
static unsigned int nfree;

static void *b_alloc(void *ctx, am_paddr_t *pa)
{
	void *p;

	(void)ctx;
	if (!nfree)
		return NULL;
	p = free_list[--nfree];
	*pa = (am_paddr_t)(uintptr_t)p;
	return p;
}

static void b_free(void *ctx, void *t, am_paddr_t pa)
{
	(void)ctx;
	(void)pa;
	free_list[nfree++] = t;
}

static void b_tlbi(void *ctx, const struct am_pt_tlbi *t)
{
	(void)ctx;
	(void)t;
	__asm__ volatile("" ::: "memory");
}

static void b_barrier(void *ctx, enum am_pt_barrier b, const struct am_pt_tlbi *s)
{
	(void)ctx;
	(void)b;
	(void)s;
	__asm__ volatile("" ::: "memory");
}

/* Pages go out in address order at the start of every round, as from a
 * fresh allocator: the timings do not depend on the order the last round
 * gave them back in. */
static int by_address_desc(const void *a, const void *b)
{
	uintptr_t x = (uintptr_t) * (void *const *)a, y = (uintptr_t) * (void *const *)b;

	return x < y ? 1 : x > y ? -1 : 0;
}

static void pool_sort(void)
{
	qsort(free_list, nfree, sizeof(free_list[0]), by_address_desc);
}

static const struct am_pt_ops ops = {
	.alloc_table = b_alloc, .free_table = b_free, .tlbi = b_tlbi, .barrier = b_barrier};

/* ------------------------------------------------------------- timing -- */

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void die(const char *what, int rc)
{
	fprintf(stderr, "bench_pt: %s failed: %s (%d)\n", what, am_strerror(rc), rc);
	exit(1);
}

/*
 * The baseline: @n descriptor-like 8-byte stores, one at a time, into the
 * pool's pages in address order: the memory the library's tables will take,
 * while it is free, just before the library's round.
 */
static void store_loop(uint64_t n)
{
	volatile uint64_t *p = (uint64_t *)(void *)pool;

	for (uint64_t i = 0; i < n; i++)
		p[i] = 0x0060000000000403ull | (i << 12);
}

/* ------------------------------------------------------- the workloads -- */

struct work {
	const char *name;
	uint64_t va, pa, size;
	unsigned int flags;
	/* computed */
	uint64_t leaves, table_descs, min_tables, used_tables;
	uint64_t best[4]; /* map, modify, unmap, baseline */
};

/* Leaves and tables of the minimal decomposition, counted plainly. */
static void minimal(struct work *w)
{
	uint64_t end = w->va + w->size, l2 = ~0ull, l3 = ~0ull;
	bool blocks = w->flags & AM_PT_F_BLOCK;

	w->leaves = 0;
	w->min_tables = 1; /* root: a 39-bit table, level 1 */
	for (uint64_t a = w->va; a < end;) {
		uint64_t p = w->pa + (a - w->va), sz;

		if (blocks && !(a % G1) && !(p % G1) && end - a >= G1)
			sz = G1;
		else if (blocks && !(a % M2) && !(p % M2) && end - a >= M2)
			sz = M2;
		else
			sz = K4;
		if (sz < G1 && a / G1 != l2) {
			l2 = a / G1;
			w->min_tables++;
		}
		if (sz == K4 && a / M2 != l3) {
			l3 = a / M2;
			w->min_tables++;
		}
		w->leaves++;
		a += sz;
	}
	w->table_descs = w->min_tables - 1;
}

static uint64_t timed(int (*fn)(struct am_pt *, struct work *), struct am_pt *pt, struct work *w,
		      const char *what)
{
	uint64_t t0 = now_ns();
	int rc = fn(pt, w);
	uint64_t t1 = now_ns();

	if (rc)
		die(what, rc);
	return t1 - t0;
}

static const struct am_attr rw = AM_ATTR_RW_DATA;
static const struct am_attr ro = AM_ATTR_RO_DATA;

static int do_map(struct am_pt *pt, struct work *w)
{
	return am_pt_map(pt, w->va, w->pa, w->size, &rw, w->flags);
}

static int do_modify(struct am_pt *pt, struct work *w)
{
	return am_pt_modify(pt, w->va, w->size, &ro, 0);
}

static int do_unmap(struct am_pt *pt, struct work *w)
{
	return am_pt_unmap(pt, w->va, w->size);
}

static void round_of(struct work *w)
{
	struct am_pt pt;
	struct am_pt_config cfg = {.regime = AM_PT_S1_EL2, .ia_bits = 39};
	uint64_t t[4];
	int rc;

	pool_sort();
	t[3] = now_ns();
	store_loop(w->leaves + w->table_descs);
	t[3] = now_ns() - t[3];
	rc = am_pt_init(&pt, &cfg, &ops, NULL);
	if (rc)
		die("am_pt_init", rc);
	t[0] = timed(do_map, &pt, w, "map");
	w->used_tables = am_pt_tables(&pt);
	t[1] = timed(do_modify, &pt, w, "modify");
	t[2] = timed(do_unmap, &pt, w, "unmap");
	if (am_pt_tables(&pt) != 1)
		die("unmap (tables left)", AM_EINVAL);
	am_pt_destroy(&pt);
	for (int i = 0; i < 4; i++)
		if (!w->best[i] || t[i] < w->best[i])
			w->best[i] = t[i];
}

int main(void)
{
	struct work works[] = {
		{.name = "1 GiB, 4 KiB pages", .va = G1, .pa = 2 * G1, .size = G1},
		{.name = "1 GiB, 2 MiB blocks",
		 .va = G1,
		 .pa = 2 * G1 + M2,
		 .size = G1,
		 .flags = AM_PT_F_BLOCK},
		{.name = "1 GiB, one 1 GiB block",
		 .va = G1,
		 .pa = 2 * G1,
		 .size = G1,
		 .flags = AM_PT_F_BLOCK},
		{.name = "4 GiB mixed alignment",
		 .va = G1 - M2 - 5 * K4,
		 .pa = 3 * G1 - M2 - 5 * K4,
		 .size = 4 * G1 + 3 * M2 + 9 * K4,
		 .flags = AM_PT_F_BLOCK | AM_PT_F_CONTIG},
		{.name = "4 GiB mixed, 2 MiB-offset PA",
		 .va = G1 - 16 * K4,
		 .pa = 3 * G1 + M2 - 16 * K4,
		 .size = 4 * G1 + 32 * K4,
		 .flags = AM_PT_F_BLOCK | AM_PT_F_CONTIG},
	};
	const unsigned int nw = sizeof(works) / sizeof(works[0]);
	bool all_min = true;

	pool = aligned_alloc(4096, (size_t)POOL_PAGES * 4096u);
	if (!pool)
		return 1;
	memset(pool, 0xa5, (size_t)POOL_PAGES * 4096u); /* touched before timing */

	for (unsigned int i = 0; i < POOL_PAGES; i++)
		free_list[nfree++] = pool + (size_t)(POOL_PAGES - 1 - i) * 4096u;
	for (unsigned int i = 0; i < nw; i++)
		minimal(&works[i]);
	for (int r = 0; r < ROUNDS; r++)
		for (unsigned int i = 0; i < nw; i++)
			round_of(&works[i]);

	printf("== translation tables (stage 1 EL2, 39-bit), best of %d ==\n", ROUNDS);
	printf("%-30s %9s %9s | %10s %8s %6s | %10s %8s %6s | %10s %8s %6s | %10s %8s\n", "range",
	       "descs", "tables", "map us", "ns/desc", "x loop", "modify us", "ns/desc", "x loop",
	       "unmap us", "ns/desc", "x loop", "loop us", "ns/desc");
	for (unsigned int i = 0; i < nw; i++) {
		struct work *w = &works[i];
		double n = (double)(w->leaves + w->table_descs);
		double base = (double)w->best[3] / n;

		printf("%-30s %9llu %4llu/%-4llu", w->name,
		       (unsigned long long)(w->leaves + w->table_descs),
		       (unsigned long long)w->used_tables, (unsigned long long)w->min_tables);
		for (int k = 0; k < 3; k++) {
			double per = (double)w->best[k] / n;

			printf(" | %10.1f %8.2f %6.2f", (double)w->best[k] / 1000.0, per,
			       base > 0 ? per / base : 0.0);
		}
		printf(" | %10.1f %8.2f\n", (double)w->best[3] / 1000.0, base);
		if (w->used_tables != w->min_tables)
			all_min = false;
	}
	printf("descs: leaf and table descriptors the minimal decomposition writes; "
	       "tables: pages used / minimum (root included)\n");
	printf("x loop: ns per descriptor over a plain loop of as many 8-byte stores, same run\n");
	printf("table pages: %s\n", all_min ? "minimum everywhere" : "ABOVE THE MINIMUM");
	return all_min ? 0 : 1;
}
