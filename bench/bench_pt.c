/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The translation-table benchmark behind `make bench` (bench/run.sh drives
 * it, as it does bench_mpu):
 *
 *   bench_pt --instr            run under callgrind: count instructions, one
 *                               callgrind dump per figure
 *   bench_pt [--instr-file F]   run every figure natively, time the bulk
 *                               ranges and print the tables, with the counts
 *                               run.sh parsed from the dumps into F
 *
 * Small calls (bench_pt_calls.c): one map, unmap, modify or query into
 * tables that exist, stage 1 EL2 and stage 2, in instructions per call.
 * Bulk ranges (here): map, modify and unmap of 1 GiB as 4 KiB pages and with
 * blocks, and of 4 GiB with mixed alignment: at stage 1 EL2 timed against a
 * plain loop storing as many 8-byte descriptors in the same round (machines
 * are shared and noisy: ratios travel, nanoseconds do not), the library and
 * the loop taking turns going first; at both stages in instructions per
 * descriptor. For every call, what the backend received: TLBIs, barriers,
 * table pages, log records. And the table pages used against the minimum.
 *
 * The tables run with the hooks a hypervisor sets: a lock and unlock pair
 * of real functions (a ticket spinlock) and a log hook that is a real
 * function. The backend hands out pages from a pool touched beforehand and
 * its TLBI and barrier ops count what they receive. Any unexpected return
 * value, error record, missing count or table pages above the minimum end
 * the run with status 1.
 */
#include <errno.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench_pt.h"

#include "arch/aarch64/tlbi_range.h"

#define ROUNDS 40 /* bulk timing: rounds, half with each side first (even) */
#define POOL_PAGES 8192u
#define ZERO_AHEAD 16u /* pages zeroed ahead for a zeroed work: its whole map's */

/* ------------------------------------------------------------ backend -- */

static uint8_t *pool;
static void *free_list[POOL_PAGES];
static unsigned int nfree;
struct tally bk;
static unsigned long errors_logged;

void __attribute__((noinline)) tally_snapshot(struct tally *t)
{
	*t = bk;
}

void tally_add_since(struct tally *acc, const struct tally *before)
{
	for (unsigned int i = 0; i < T_COUNT; i++)
		acc->v[i] += bk.v[i] - before->v[i];
}

static void *b_alloc(void *ctx, am_paddr_t *pa)
{
	void *p;

	(void)ctx;
	if (!nfree)
		return NULL;
	bk.v[T_ALLOC]++;
	p = free_list[--nfree];
	*pa = am_pa((uintptr_t)p);
	return p;
}

static void b_free(void *ctx, void *t, am_paddr_t pa)
{
	(void)ctx;
	(void)pa;
	bk.v[T_FREE]++;
	free_list[nfree++] = t;
}

bool bench_tlbi_range;

/* What the aarch64 backend would issue for one invalidation of a list. */
static void b_inval(const struct am_pt_flush *f, const struct am_pt_inval *v)
{
	uint64_t addr = am_va_val(v->addr), left = v->pages, op;
	bool range;

	if (!left) {
		bk.v[v->leaf ? T_TLBI_LEAF : T_TLBI_TABLE]++;
		return;
	}
	while (left) {
		uint64_t n = am_tlbir_step(addr, left, f->gshift, v->level, 0, f->ds, &op, &range);

		bk.v[range ? T_TLBI_RANGE : v->leaf ? T_TLBI_LEAF : T_TLBI_TABLE]++;
		addr += n << f->gshift;
		left -= n;
	}
}

/* Counts each flush's barriers and invalidations, as a real backend issues them. */
static void b_flush(void *ctx, const struct am_pt_flush *f)
{
	(void)ctx;
	if (f->kind != AM_PT_FLUSH_COMPLETE)
		bk.v[T_PUBLISH]++;
	if (f->kind == AM_PT_FLUSH_PUBLISH)
		return;
	if (f->kind == AM_PT_FLUSH_ALL)
		bk.v[T_TLBI_ALL]++;
	for (unsigned int i = 0; f->kind == AM_PT_FLUSH_LIST && i < f->n; i++)
		b_inval(f, &f->inv[i]);
	bk.v[T_COMPLETE]++;
	__asm__ volatile("" ::: "memory");
}

bool bench_zeroed;

static unsigned int b_caps(void *ctx)
{
	(void)ctx;
	return (bench_tlbi_range ? AM_PT_CAP_TLBI_RANGE : 0u) |
	       (bench_zeroed ? AM_PT_CAP_ZEROED : 0u);
}

/* What an allocator that zeroes ahead does outside the table's lock (a
 * memory cache topped up before the call): the next @n pages b_alloc()
 * hands out zeroed. Never counted or timed. */
void bench_zero_ahead(unsigned int n)
{
	/* the first page out last: warm in the cache, as after a top-up */
	for (unsigned int i = n < nfree ? n : nfree; i-- > 0;)
		memset(free_list[nfree - 1 - i], 0, 4096u);
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

/* -------------------------------------------------------------- hooks -- */

/*
 * The lock a hypervisor gives its tables: a ticket spinlock (take a
 * ticket, wait for it to be served; unlock serves the next), uncontended
 * here. noinline: the library calls them through the ops anyway, and they
 * must stay real functions.
 */
struct ticket_lock {
	atomic_uint next, owner;
};

static struct ticket_lock table_lock;

static inline void cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
	__asm__ volatile("pause" ::: "memory");
#elif defined(__aarch64__)
	__asm__ volatile("yield" ::: "memory");
#endif
}

static void __attribute__((noinline)) b_lock(void *ctx)
{
	struct ticket_lock *l = ctx;
	unsigned int me = atomic_fetch_add_explicit(&l->next, 1, memory_order_relaxed);

	while (atomic_load_explicit(&l->owner, memory_order_acquire) != me)
		cpu_relax();
}

static void __attribute__((noinline)) b_unlock(void *ctx)
{
	struct ticket_lock *l = ctx;
	unsigned int o = atomic_load_explicit(&l->owner, memory_order_relaxed);

	atomic_store_explicit(&l->owner, o + 1, memory_order_release);
}

/* The log hook: counts every record; errors and warnings, which no call
 * here should cause, are printed and fail the run at the end. */
static void __attribute__((noinline)) b_log(void *ctx, const struct am_log_rec *rec)
{
	(void)ctx;
	bk.v[T_LOG]++;
	if (__builtin_expect(rec->level <= AM_LOG_WARN, 0)) {
		errors_logged++;
		fprintf(stderr, "bench_pt: the library logged: %s (event %d)\n", rec->msg,
			(int)rec->event);
	}
}

static const struct am_pt_ops ops = {
	.env = {.lock = b_lock, .unlock = b_unlock, .log = b_log},
	.alloc_table = b_alloc,
	.free_table = b_free,
	.flush = b_flush,
	.caps = b_caps,
};

/* --------------------------------------------------------- the tables -- */

const char *const regime_name[R_COUNT] = {"stage 1 EL2", "stage 2"};
const char *const regime_tag[R_COUNT] = {"s1", "s2"};
static const struct am_pt_config regime_cfg[R_COUNT] = {
	{.regime = AM_PT_S1_EL2, .ia_bits = 39},
	{.regime = AM_PT_S2, .ia_bits = 40, .vmid = 1},
};
static const unsigned int root_level[R_COUNT] = {1, 0};

void bench_pt_new(struct am_pt *pt, int r)
{
	EXPECT("am_pt_init", am_pt_init(pt, &regime_cfg[r], &ops, &table_lock), 0);
}

const char *bench_where = "";

void bench_fail(const char *what, long got, long want)
{
	fprintf(stderr, "bench_pt: %s%s%s: got %ld (%s), expected %ld\n", bench_where,
		*bench_where ? ": " : "", what, got, got < 0 ? am_strerror((int)got) : "ok", want);
	exit(1);
}

int __attribute__((noipa)) bench_empty_call(void)
{
	return 0;
}

/* ------------------------------------------------- instruction counts -- */

#define MAX_LABELS 256

static struct {
	char label[64];
	unsigned long long total;
} counts[MAX_LABELS];
static unsigned int ncounts;
static double empty_ins;

static bool lookup(const char *label, unsigned long long *v)
{
	for (unsigned int i = 0; i < ncounts; i++)
		if (!strcmp(counts[i].label, label)) {
			*v = counts[i].total;
			return true;
		}
	fprintf(stderr, "bench_pt: no instruction count (callgrind dump) for %s\n", label);
	return false;
}

/* Read run.sh's "label total" lines. */
bool instr_load(const char *path)
{
	unsigned long long v;
	char label[64];
	FILE *fp = fopen(path, "r");

	if (!fp) {
		fprintf(stderr, "bench_pt: %s: %s\n", path, strerror(errno));
		return false;
	}
	while (ncounts < MAX_LABELS && fscanf(fp, "%63s %llu", label, &v) == 2) {
		snprintf(counts[ncounts].label, sizeof(counts[ncounts].label), "%s", label);
		counts[ncounts++].total = v;
	}
	fclose(fp);
	if (!lookup("empty", &v))
		return false;
	empty_ins = (double)v / INSTR_CALLS;
	return true;
}

bool instr_per_call(const char *label, unsigned int calls, double *out)
{
	unsigned long long v;

	if (!lookup(label, &v))
		return false;
	*out = (double)v / calls - empty_ins;
	return true;
}

double instr_empty(void)
{
	return empty_ins;
}

static void count_empty(void)
{
	int rc;

	CALLGRIND_ZERO_STATS;
	for (unsigned int k = 0; k < INSTR_CALLS; k++) {
		COUNTED(rc, bench_empty_call());
		EXPECT("empty call", rc, 0);
	}
	CALLGRIND_DUMP_STATS_AT("empty");
}

/* ------------------------------------------------------- the workloads -- */

enum op { OP_MAP, OP_MODIFY, OP_UNMAP, OP_COUNT };
static const char *const op_name[OP_COUNT] = {"map", "modify", "unmap"};

struct work {
	const char *name;
	const char *tag; /* in dump labels */
	uint64_t va, pa, size;
	unsigned int flags;
	bool target;  /* the 4 GiB mixed map, <= TARGET_BULK per descriptor */
	bool scatter; /* pages mapped a call each, each pair's PAs swapped: no
		       * run of leaves is a line (a stage 2 of scattered frames) */
	bool zeroed;  /* the backend's pages come zeroed (AM_PT_CAP_ZEROED), zeroed
		       * ahead before the table is made: not the range */
};

/* The 4 GiB at mixed alignment: PA 1 GiB aligned against the VA */
#define MIXED_4G                                                                              \
	.va = G1 - M2 - 5 * K4, .pa = 3 * G1 - M2 - 5 * K4, .size = 4 * G1 + 3 * M2 + 9 * K4, \
	.flags = AM_PT_F_BLOCK | AM_PT_F_CONTIG

static const struct work works[] = {
	{.name = "2 MiB, 4 KiB pages", .tag = "2m_pages", .va = G1, .pa = 2 * G1, .size = M2},
	{.name = "1 GiB, 4 KiB pages", .tag = "1g_pages", .va = G1, .pa = 2 * G1, .size = G1},
	{.name = "1 GiB, 4 KiB pages, scattered",
	 .tag = "1g_scattered",
	 .va = G1,
	 .pa = 2 * G1,
	 .size = G1,
	 .scatter = true},
	{.name = "1 GiB, 2 MiB blocks",
	 .tag = "1g_2m",
	 .va = G1,
	 .pa = 2 * G1 + M2,
	 .size = G1,
	 .flags = AM_PT_F_BLOCK},
	{.name = "1 GiB, one 1 GiB block",
	 .tag = "1g_block",
	 .va = G1,
	 .pa = 2 * G1,
	 .size = G1,
	 .flags = AM_PT_F_BLOCK},
	{.name = "4 GiB mixed alignment", .tag = "4g_mixed", MIXED_4G, .target = true},
	{.name = "4 GiB mixed, zeroed pages", .tag = "4g_mixed_z", MIXED_4G, .zeroed = true},
	{.name = "4 GiB mixed, 2 MiB-offset PA",
	 .tag = "4g_mixed_2m",
	 .va = G1 - 16 * K4,
	 .pa = 3 * G1 + M2 - 16 * K4,
	 .size = 4 * G1 + 32 * K4,
	 .flags = AM_PT_F_BLOCK | AM_PT_F_CONTIG,
	 .target = true},
};
#define NW (sizeof(works) / sizeof(works[0]))

/* Per range and regime: the minimum, what one map/modify/unmap did. */
struct bulk {
	uint64_t descs, min_tables, used_tables, freed;
	struct tally t[OP_COUNT];  /* without FEAT_TLBIRANGE */
	struct tally tr[OP_COUNT]; /* with it (native runs only) */
};

static struct bulk bulks[R_COUNT][NW];

/*
 * Leaves and tables of the minimal decomposition, counted plainly. Every
 * range lies below 512 GiB: a level-0 root has one level-1 table under it.
 */
static void minimal(const struct work *w, unsigned int root, struct bulk *b)
{
	uint64_t end = w->va + w->size, l2 = ~0ull, l3 = ~0ull, leaves = 0;
	bool blocks = w->flags & AM_PT_F_BLOCK;

	b->min_tables = root == 0 ? 2 : 1;
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
			b->min_tables++;
		}
		if (sz == K4 && a / M2 != l3) {
			l3 = a / M2;
			b->min_tables++;
		}
		leaves++;
		a += sz;
	}
	b->descs = leaves + b->min_tables - 1;
}

static const struct am_attr rw = AM_ATTR_RW_DATA;
static const struct am_attr ro = AM_ATTR_RO_DATA;

static int do_op(struct am_pt *pt, const struct work *w, enum op op)
{
	switch (op) {
	case OP_MAP:
		if (w->scatter) {
			for (uint64_t o = 0; o < w->size; o += K4) {
				int rc = am_pt_map(pt, am_va(w->va + o), am_pa(w->pa + (o ^ K4)), K4,
						   &rw, w->flags);

				if (rc)
					return rc;
			}
			return 0;
		}
		return am_pt_map(pt, am_va(w->va), am_pa(w->pa), w->size, &rw, w->flags);
	case OP_MODIFY:
		return am_pt_modify(pt, am_va(w->va), w->size, &ro, 0);
	default:
		return am_pt_unmap(pt, am_va(w->va), w->size);
	}
}

static void bulk_label(char *buf, size_t len, int r, const struct work *w, enum op op, bool range)
{
	snprintf(buf, len, "%s.bulk.%s.%s%s", regime_tag[r], w->tag, op_name[op],
		 range ? ".rng" : "");
}

/* One map, modify, unmap of each range at each regime, each counted (one
 * dump each) and tallied, without and with (@range) FEAT_TLBIRANGE
 * reported by the backend. */
static void bulk_count(bool range)
{
	bench_tlbi_range = range;
	for (int r = 0; r < R_COUNT; r++) {
		for (unsigned int i = 0; i < NW; i++) {
			struct bulk *b = &bulks[r][i];
			struct tally *t = range ? b->tr : b->t;
			struct am_pt pt;
			char label[64];
			size_t before_unmap = 0;

			bench_where = works[i].name;
			minimal(&works[i], root_level[r], b);
			memset(t, 0, sizeof(b->t));
			bench_zeroed = works[i].zeroed;
			if (bench_zeroed)
				bench_zero_ahead(ZERO_AHEAD);
			bench_pt_new(&pt, r);
			CALLGRIND_ZERO_STATS;
			for (int op = 0; op < OP_COUNT; op++) {
				struct tally before;
				int rc;

				if (op == OP_UNMAP)
					before_unmap = am_pt_tables(&pt);
				tally_snapshot(&before);
				COUNTED(rc, do_op(&pt, &works[i], (enum op)op));
				tally_add_since(&t[op], &before);
				bulk_label(label, sizeof(label), r, &works[i], (enum op)op, range);
				CALLGRIND_DUMP_STATS_AT(label);
				EXPECT(label, rc, 0);
				if (op == OP_MAP)
					b->used_tables = am_pt_tables(&pt);
				if (op == OP_MAP && works[i].zeroed)
					EXPECT("tables within the pages zeroed ahead",
					       b->used_tables <= ZERO_AHEAD, 1);
			}
			b->freed = before_unmap - am_pt_tables(&pt);
			EXPECT("tables left after the unmap", am_pt_tables(&pt), 1);
			am_pt_destroy(&pt);
			bench_zeroed = false;
		}
	}
	bench_tlbi_range = false;
}

/* An unmap that frees table pages is given per page freed, not per
 * descriptor: it clears few descriptors and hands back many pages. */
static uint64_t units(const struct bulk *b, enum op op)
{
	return op == OP_UNMAP && b->freed ? b->freed : b->descs;
}

/* ------------------------------------------------------------- timing -- */

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/*
 * The baseline: @n descriptor-like 8-byte stores, one at a time, into the
 * pool's pages in address order: the memory the library's tables take
 * (the pool is sorted: they go out in that order). noipa: one copy of its
 * code for both orders of a round (inlined at two call sites, the copies
 * differed and one ran at half the speed of the other).
 */
static void __attribute__((noipa)) store_loop(uint64_t n)
{
	volatile uint64_t *p = (uint64_t *)(void *)pool;

	for (uint64_t i = 0; i < n; i++)
		p[i] = 0x0060000000000403ull | (i << 12);
}

/* Which side of a round goes first: the library, or the store loop. */
enum { LIB_FIRST, LOOP_FIRST, ORDERS };
static const char *const order_name[ORDERS] = {"lib", "loop"};

/*
 * Per order (the rounds where that side went first): the library's best
 * time for each call, its ratio to the store loop of the same round in
 * every round (the median is reported: a round where only one side was
 * interrupted moves a best-round ratio, not the median), and the store
 * loop's best.
 */
#define PER_ORDER (ROUNDS / ORDERS)

struct timing {
	uint64_t ns[ORDERS][OP_COUNT];
	double ratio[ORDERS][OP_COUNT][PER_ORDER];
	unsigned int rounds[ORDERS];
	uint64_t loop_ns[ORDERS];
};

static struct timing timings[NW];

static uint64_t time_loop(uint64_t n)
{
	uint64_t t0 = now_ns();

	store_loop(n);
	return now_ns() - t0;
}

static void round_of(unsigned int i, int order)
{
	const struct work *w = &works[i];
	struct timing *tm = &timings[i];
	uint64_t n = bulks[R_S1][i].descs, t[OP_COUNT], loop = 0;
	struct am_pt pt;

	bench_where = w->name;
	pool_sort();
	if (order == LOOP_FIRST)
		loop = time_loop(n);
	bench_zeroed = w->zeroed;
	if (bench_zeroed)
		bench_zero_ahead(ZERO_AHEAD);
	bench_pt_new(&pt, R_S1);
	for (int op = 0; op < OP_COUNT; op++) {
		uint64_t t0 = now_ns();
		int rc = do_op(&pt, w, (enum op)op);

		t[op] = now_ns() - t0;
		EXPECT(op_name[op], rc, 0);
	}
	EXPECT("tables left after the unmap", am_pt_tables(&pt), 1);
	am_pt_destroy(&pt);
	bench_zeroed = false;
	if (order == LIB_FIRST)
		loop = time_loop(n);

	if (!tm->loop_ns[order] || loop < tm->loop_ns[order])
		tm->loop_ns[order] = loop;
	for (int op = 0; op < OP_COUNT; op++) {
		if (!tm->ns[order][op] || t[op] < tm->ns[order][op])
			tm->ns[order][op] = t[op];
		/* a loop too quick for the clock counts as 1 ns */
		tm->ratio[order][op][tm->rounds[order]] = (double)t[op] / (double)(loop ? loop : 1);
	}
	tm->rounds[order]++;
}

static int by_value(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y ? 1 : 0;
}

static double median(double *v, unsigned int n)
{
	qsort(v, n, sizeof(*v), by_value);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* ------------------------------------------------------------- report -- */

static void report_timing(void)
{
	printf("== bulk ranges, stage 1 EL2 39-bit: time, %d rounds per order ==\n", PER_ORDER);
	printf("In each round the library (map, modify, unmap) and a plain loop of as many\n"
	       "8-byte stores as the range has descriptors, into the pool pages the tables\n"
	       "take, are timed one after the other; they take turns going first (first:\n"
	       "lib or loop; the side that goes second finds the pages warm from the\n"
	       "other). Per order: the library's best time; x loop, the median over the\n"
	       "rounds of the library's time over the loop's in that same round; loop:\n"
	       "the loop's best.\n"
	       "An unmap that frees tables: per table page freed, not per descriptor.\n\n");
	printf("%-30s %7s %8s %-6s| %8s %6s | %8s %6s | %8s %-5s %6s | %8s\n", "range", "descs",
	       "tables", "first", "map", "x loop", "modify", "x loop", "unmap", "per", "x loop",
	       "loop");
	printf("%-30s %7s %8s %-6s| %8s %6s | %8s %6s | %8s %-5s %6s | %8s\n", "", "", "used/min",
	       "", "ns/desc", "", "ns/desc", "", "ns/unit", "unit", "", "ns/desc");
	for (unsigned int i = 0; i < NW; i++) {
		const struct bulk *b = &bulks[R_S1][i];
		const struct timing *tm = &timings[i];
		char tables[24];

		snprintf(tables, sizeof(tables), "%llu/%llu", (unsigned long long)b->used_tables,
			 (unsigned long long)b->min_tables);
		for (int o = 0; o < ORDERS; o++) {
			double ratio[OP_COUNT];

			for (int op = 0; op < OP_COUNT; op++)
				ratio[op] = median(timings[i].ratio[o][op], tm->rounds[o]);
			if (o)
				printf("%-30s %7s %8s", "", "", "");
			else
				printf("%-30s %7llu %8s", works[i].name,
				       (unsigned long long)b->descs, tables);
			printf(" %-6s", order_name[o]);
			for (int op = 0; op < OP_COUNT; op++) {
				double per = (double)tm->ns[o][op] / (double)units(b, (enum op)op);

				if (op == OP_UNMAP)
					printf("| %8.2f %-5s %6.2f ", per,
					       b->freed ? "table" : "desc", ratio[op]);
				else
					printf("| %8.2f %6.2f ", per, ratio[op]);
			}
			printf("| %8.2f\n", (double)tm->loop_ns[o] / (double)b->descs);
		}
	}
	printf("\n");
}

/* Instructions and what the backend received, per range and call. */
static bool report_counts(bool have_ins, bool *all_min)
{
	unsigned int met = 0, judged = 0;
	bool ok = true;

	printf("== bulk ranges: instructions (callgrind, one call each) and what the backend\n"
	       "received per call: TLBIs as the aarch64 backend issues them (leaf, table,\n"
	       "range, all) without FEAT_TLBIRANGE, barriers (PUBLISH, COMPLETE), table pages\n"
	       "allocated / freed, log records; then the TLBIs with FEAT_TLBIRANGE (the same\n"
	       "barriers: checked) ==\n");
	printf("%-12s %-29s %-6s %9s %9s %-5s %7s %-8s| %4s %5s %3s %3s | %3s %4s | %5s %5s | %3s "
	       "| %9s %4s %5s %3s %3s %3s %4s\n",
	       "regime", "range", "call", "tables", "instr", "per", "target", "", "leaf", "table",
	       "rng", "all", "pub", "cmpl", "alloc", "free", "log", "instr", "leaf", "table", "rng",
	       "all", "pub", "cmpl");
	printf("%104s| %s\n", "", "with FEAT_TLBIRANGE");
	for (int r = 0; r < R_COUNT; r++) {
		for (unsigned int i = 0; i < NW; i++) {
			const struct bulk *b = &bulks[r][i];
			char tables[24];

			snprintf(tables, sizeof(tables), "%llu/%llu",
				 (unsigned long long)b->used_tables,
				 (unsigned long long)b->min_tables);
			if (b->used_tables != b->min_tables)
				*all_min = false;
			for (int op = 0; op < OP_COUNT; op++) {
				bool judge = works[i].target && op == OP_MAP;
				const uint64_t *v = b->t[op].v, *vr = b->tr[op].v;
				char label[64], target[16] = "-";
				double ins = 0;

				printf("%-12s %-29s %-6s %9s", op ? "" : regime_name[r],
				       op ? "" : works[i].name, op_name[op], op ? "" : tables);
				bulk_label(label, sizeof(label), r, &works[i], (enum op)op, false);
				if (judge)
					snprintf(target, sizeof(target), "<=%u", TARGET_BULK);
				if (have_ins && instr_per_call(label, 1, &ins)) {
					bool m = ins / (double)units(b, (enum op)op) <= TARGET_BULK;

					printf(" %9.1f %-5s %7s %-8s|",
					       ins / (double)units(b, (enum op)op),
					       op == OP_UNMAP && b->freed ? "table" : "desc",
					       target, judge ? (m ? "met" : "not met") : "");
					if (judge) {
						judged++;
						met += m;
					}
				} else {
					if (have_ins)
						ok = false;
					printf(" %9s %-5s %7s %-8s|", "-", "", target, "");
				}
				printf(" %4llu %5llu %3llu %3llu | %3llu %4llu | %5llu %5llu | "
				       "%3llu |",
				       (unsigned long long)v[T_TLBI_LEAF],
				       (unsigned long long)v[T_TLBI_TABLE],
				       (unsigned long long)v[T_TLBI_RANGE],
				       (unsigned long long)v[T_TLBI_ALL],
				       (unsigned long long)v[T_PUBLISH],
				       (unsigned long long)v[T_COMPLETE],
				       (unsigned long long)v[T_ALLOC],
				       (unsigned long long)v[T_FREE], (unsigned long long)v[T_LOG]);
				bulk_label(label, sizeof(label), r, &works[i], (enum op)op, true);
				if (have_ins && instr_per_call(label, 1, &ins)) {
					printf(" %9.1f", ins / (double)units(b, (enum op)op));
				} else {
					if (have_ins)
						ok = false;
					printf(" %9s", "-");
				}
				printf(" %4llu %5llu %3llu %3llu %3llu %4llu\n",
				       (unsigned long long)vr[T_TLBI_LEAF],
				       (unsigned long long)vr[T_TLBI_TABLE],
				       (unsigned long long)vr[T_TLBI_RANGE],
				       (unsigned long long)vr[T_TLBI_ALL],
				       (unsigned long long)vr[T_PUBLISH],
				       (unsigned long long)vr[T_COMPLETE]);
				/* ranges may save flushes (a subtree dropped with one
				 * range), never add any */
				if (vr[T_PUBLISH] > v[T_PUBLISH] ||
				    vr[T_COMPLETE] > v[T_COMPLETE]) {
					printf("  MORE BARRIERS with FEAT_TLBIRANGE: %llu "
					       "PUBLISH, %llu COMPLETE\n",
					       (unsigned long long)vr[T_PUBLISH],
					       (unsigned long long)vr[T_COMPLETE]);
					ok = false;
				}
			}
		}
		printf("\n");
	}
	if (have_ins)
		printf("4 GiB mixed maps within their target: %u of %u\n", met, judged);
	printf("tables: pages the map used / the minimum the range needs (root included): %s\n",
	       *all_min ? "minimum everywhere" : "ABOVE THE MINIMUM");
	return ok;
}

int main(int argc, char **argv)
{
	bool instr = false, have_ins = false, all_min = true, ok = true;
	const char *ifile = NULL;

	if (!bench_args(argc, argv, &instr, &ifile))
		return 2;

	pool = aligned_alloc(4096, (size_t)POOL_PAGES * 4096u);
	if (!pool)
		return 1;
	memset(pool, 0xa5, (size_t)POOL_PAGES * 4096u); /* touched before timing */
	for (unsigned int i = 0; i < POOL_PAGES; i++)
		free_list[nfree++] = pool + (size_t)(POOL_PAGES - 1 - i) * 4096u;

	if (instr) {
		count_empty();
		calls_run();
		bulk_count(false);
		bulk_count(true);
		return errors_logged ? 1 : 0;
	}
	if (ifile) {
		if (!instr_load(ifile))
			return 1;
		have_ins = true;
	}
	/* natively too: the return values, and what the backend received,
	 * with and without FEAT_TLBIRANGE */
	bench_tlbi_range = true;
	calls_run();
	bench_tlbi_range = false;
	calls_run();
	bulk_count(true);
	bulk_count(false);
	for (int r = 0; r < ROUNDS; r++)
		for (unsigned int i = 0; i < NW; i++)
			round_of(i, r % 2 ? LOOP_FIRST : LIB_FIRST);

	ok = calls_report(have_ins);
	report_timing();
	ok = report_counts(have_ins, &all_min) && ok;
	if (errors_logged)
		printf("the library logged %lu errors or warnings\n", errors_logged);
	if (atomic_load(&table_lock.next) != atomic_load(&table_lock.owner))
		bench_fail("lock and unlock pairs (tickets taken - served)",
			   (long)(atomic_load(&table_lock.next) - atomic_load(&table_lock.owner)),
			   0);
	return ok && all_min && !errors_logged ? 0 : 1;
}
