/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The MPU region-map benchmark behind `make bench` (bench/run.sh drives it):
 * the cost of am_mpu_map / am_mpu_unmap / am_mpu_lookup /
 * am_mpu_unmap_containing with 16, 32, 64 and 255 regions in use, in
 * nanoseconds and in instructions per call, each next to a baseline measured
 * the same way in the same run: a plain scan of as many (base, limit) pairs.
 *
 *   bench_mpu --instr            run under callgrind: count instructions, one
 *                                callgrind dump per figure (bench/run.sh)
 *   bench_mpu [--instr-file F]   time every call and print the table, with
 *                                the instruction counts that run.sh parsed
 *                                from the dumps into F ("label total" lines)
 *
 * Only the library is measured: the ops below store the register values to
 * memory and sync is a compiler barrier. Any unexpected return value of a
 * library call ends the run with status 1, so a broken library cannot
 * produce a table; status 1 too when a cost grows faster than linearly.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench.h"

#include <armmap/attr.h>
#include <armmap/errors.h>
#include <armmap/mpu.h>

#define NR_REGIONS AM_MPU_MAX_REGIONS
#define NR_SIZES 4
static const unsigned int sizes[NR_SIZES] = {16, 32, 64, 255};

/*
 * Regions in use: N - 1 fillers of 64 KiB every 1 MiB at indices 0..N-2,
 * then X, the region under test, at index N - 1 and above every filler: the
 * last one any scan reaches, and the one every filler test rejects last.
 */
#define FILL_STEP 0x100000ull
#define FILL_SIZE 0x10000ull
#define X_BASE 0x40000000ull
#define X_LIMIT (X_BASE + 0x10000ull)
#define X_INNER (X_BASE + 0x8123ull)  /* unaligned, inside X */
#define REF_BASE (X_BASE + 0x4000ull) /* a range strictly inside X */
#define REF_LIMIT (X_BASE + 0x8000ull)

#define ROUNDS 5	     /* timing: best of */
#define ROUND_NS 40000000ull /* timing: at least this long per figure */
#define CHUNK 256u	     /* timing: calls between clock checks */
#define INSTR_CALLS 256u     /* instructions: calls per figure */

enum fig { F_MAP, F_UNMAP, F_LOOKUP, F_UNMAP_CONT, F_MAP_REF, F_UNMAP_REF, F_BASE, F_COUNT };

static const char *const fig_name[F_COUNT] = {
	[F_MAP] = "map",
	[F_UNMAP] = "unmap",
	[F_LOOKUP] = "lookup",
	[F_UNMAP_CONT] = "unmap_containing",
	[F_MAP_REF] = "map (ref)",
	[F_UNMAP_REF] = "unmap (ref)",
	[F_BASE] = "baseline scan",
};

/* The figures of the issue; the growth verdict is about these. */
static const enum fig main_figs[] = {F_MAP, F_UNMAP, F_LOOKUP, F_UNMAP_CONT};

/* ------------------------------------------------------------ backend -- */

static uint64_t hw_rbar[NR_REGIONS], hw_rlar[NR_REGIONS];

static void bench_write_region(void *ctx, unsigned int idx, uint64_t rbar, uint64_t rlar)
{
	volatile uint64_t *b = hw_rbar, *l = hw_rlar;

	(void)ctx;
	b[idx] = rbar;
	l[idx] = rlar;
}

static void bench_sync(void *ctx)
{
	(void)ctx;
	__asm__ volatile("" ::: "memory");
}

static const struct am_mpu_ops bench_ops = {
	.write_region = bench_write_region,
	.sync = bench_sync,
};

/* ----------------------------------------------------------- the maps -- */

struct pair {
	uint64_t base, limit;
};

struct setup {
	unsigned int n; /* regions in use with X mapped */
	struct am_mpu_map m;
	struct am_mpu_region storage[NR_REGIONS];
	struct pair scan[NR_REGIONS]; /* the baseline's table: same ranges */
};

static struct setup setups[NR_SIZES];
static const struct am_attr rw = AM_ATTR_RW_DATA;

static void __attribute__((noreturn, cold))
fail(const struct setup *s, const char *what, long got, long want)
{
	if (s)
		fprintf(stderr, "bench_mpu: N=%u: ", s->n);
	else
		fprintf(stderr, "bench_mpu: ");
	fprintf(stderr, "%s returned %ld (%s), expected %ld\n", what, got,
		got < 0 ? am_strerror((int)got) : "ok", want);
	exit(1);
}

#define EXPECT(s, what, got, want)                      \
	do {                                            \
		long got_ = (got), want_ = (want);      \
		if (__builtin_expect(got_ != want_, 0)) \
			fail((s), (what), got_, want_); \
	} while (0)

static void setup_init(struct setup *s, unsigned int n)
{
	const struct am_mpu_config cfg = {
		.flavour = AM_MPU_V8R_AARCH64,
		.nr_regions = NR_REGIONS,
		.storage = s->storage,
		.storage_len = NR_REGIONS,
	};
	unsigned int idx = ~0u;

	s->n = n;
	EXPECT(s, "am_mpu_init", am_mpu_init(&s->m, &cfg, &bench_ops, NULL), 0);
	for (unsigned int i = 0; i + 1 < n; i++) {
		s->scan[i] = (struct pair){i * FILL_STEP, i * FILL_STEP + FILL_SIZE};
		EXPECT(s, "am_mpu_map (filler)",
		       am_mpu_map(&s->m, s->scan[i].base, s->scan[i].limit, &rw), i);
	}
	s->scan[n - 1] = (struct pair){X_BASE, X_LIMIT};
	EXPECT(s, "am_mpu_used", am_mpu_used(&s->m), n - 1);
	/* X lands at the highest index and is found there, then goes again */
	EXPECT(s, "am_mpu_map (X)", am_mpu_map(&s->m, X_BASE, X_LIMIT, &rw), n - 1);
	EXPECT(s, "am_mpu_used", am_mpu_used(&s->m), n);
	EXPECT(s, "am_mpu_lookup (X)", am_mpu_lookup(&s->m, X_BASE, X_LIMIT, &idx), AM_MPU_FOUND);
	EXPECT(s, "am_mpu_lookup (X) index", idx, n - 1);
	EXPECT(s, "am_mpu_unmap (X)", am_mpu_unmap(&s->m, X_BASE, X_LIMIT), 0);
	EXPECT(s, "am_mpu_used", am_mpu_used(&s->m), n - 1);
}

/* Between figures X is not mapped; these bracket the figures that need it. */
static void x_in(struct setup *s)
{
	EXPECT(s, "am_mpu_map (X)", am_mpu_map(&s->m, X_BASE, X_LIMIT, &rw), s->n - 1);
}

static void x_out(struct setup *s)
{
	EXPECT(s, "am_mpu_unmap (X)", am_mpu_unmap(&s->m, X_BASE, X_LIMIT), 0);
	EXPECT(s, "am_mpu_used", am_mpu_used(&s->m), s->n - 1);
}

/*
 * The baseline: the least any linear lookup does, the first of @n pairs
 * that intersects [base, limit). noipa: no inlining, no hoisting out of loops.
 */
static int __attribute__((noipa))
baseline_scan(const struct pair *t, unsigned int n, am_mpu_addr_t base, am_mpu_addr_t limit)
{
	for (unsigned int i = 0; i < n; i++)
		if (limit > t[i].base && base < t[i].limit)
			return (int)i;
	return -1;
}

/* The empty call, timed and counted like the others, then subtracted. */
static int __attribute__((noipa)) empty_call(void)
{
	return 0;
}

/* -------------------------------------------------------------- timing -- */

static inline uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

struct acc {
	uint64_t ns, calls;
};

static double per_call(const struct acc *a)
{
	return (double)a->ns / (double)a->calls;
}

/*
 * Every timed call sits between two clock reads: a figure is the mean of
 * (t1 - t0) over the calls, from which the same mean for an empty call is
 * subtracted (clock read and call overhead). The barrier after the first
 * read keeps the call from starting while that read is still being
 * computed (otherwise short calls hide in it and come out too cheap); the
 * second read is ordered after the call by the vDSO (lfence; rdtsc on x86).
 * One round runs chunks of calls until ROUND_NS have passed.
 */
#if defined(__x86_64__) || defined(__i386__)
#define SERIALISE() __asm__ volatile("lfence" ::: "memory")
#elif defined(__aarch64__)
#define SERIALISE() __asm__ volatile("isb" ::: "memory")
#else
#define SERIALISE() __asm__ volatile("" ::: "memory")
#endif

#define TIMED(acc, rc, call)                 \
	do {                                 \
		uint64_t t0_ = now_ns();     \
		SERIALISE();                 \
		(rc) = (call);               \
		(acc)->ns += now_ns() - t0_; \
		(acc)->calls++;              \
	} while (0)

#define ROUND_LOOP(body)                                              \
	do {                                                          \
		uint64_t start_ = now_ns();                           \
		do {                                                  \
			for (unsigned int k_ = 0; k_ < CHUNK; k_++) { \
				body;                                 \
			}                                             \
		} while (now_ns() - start_ < ROUND_NS);               \
	} while (0)

/*
 * The method check: calls timed in bulk, one clock read before and after a
 * chunk of CHUNK calls (or call pairs), nothing subtracted.
 */
#define BULK_LOOP(acc, body)                                          \
	do {                                                          \
		uint64_t start_ = now_ns(), t_;                       \
		do {                                                  \
			uint64_t t0_ = now_ns();                      \
			for (unsigned int k_ = 0; k_ < CHUNK; k_++) { \
				body;                                 \
			}                                             \
			t_ = now_ns();                                \
			(acc)->ns += t_ - t0_;                        \
			(acc)->calls += CHUNK;                        \
		} while (t_ - start_ < ROUND_NS);                     \
	} while (0)

static void time_empty(struct acc *a)
{
	int rc;

	ROUND_LOOP({
		TIMED(a, rc, empty_call());
		EXPECT(NULL, "empty_call", rc, 0);
	});
}

/* map and unmap alternate, each timed into its own figure */
static void time_map_unmap(struct setup *s, struct acc *map, struct acc *unmap)
{
	int rc;

	ROUND_LOOP({
		TIMED(map, rc, am_mpu_map(&s->m, X_BASE, X_LIMIT, &rw));
		EXPECT(s, "am_mpu_map (X)", rc, s->n - 1);
		TIMED(unmap, rc, am_mpu_unmap(&s->m, X_BASE, X_LIMIT));
		EXPECT(s, "am_mpu_unmap (X)", rc, 0);
	});
}

static void time_lookup(struct setup *s, struct acc *a)
{
	unsigned int idx = ~0u;
	int rc;

	x_in(s);
	ROUND_LOOP({
		TIMED(a, rc, am_mpu_lookup(&s->m, X_BASE, X_LIMIT, &idx));
		EXPECT(s, "am_mpu_lookup (X)", rc, AM_MPU_FOUND);
	});
	EXPECT(s, "am_mpu_lookup (X) index", idx, s->n - 1);
	x_out(s);
}

/* the map that brings X back is not timed */
static void time_unmap_containing(struct setup *s, struct acc *a)
{
	int rc;

	ROUND_LOOP({
		x_in(s);
		TIMED(a, rc, am_mpu_unmap_containing(&s->m, X_INNER));
		EXPECT(s, "am_mpu_unmap_containing (X)", rc, s->n - 1);
	});
	EXPECT(s, "am_mpu_used", am_mpu_used(&s->m), s->n - 1);
}

/* a range inside X: a reference taken, then dropped */
static void time_refs(struct setup *s, struct acc *map, struct acc *unmap)
{
	int rc;

	x_in(s);
	ROUND_LOOP({
		TIMED(map, rc, am_mpu_map(&s->m, REF_BASE, REF_LIMIT, &rw));
		EXPECT(s, "am_mpu_map (ref in X)", rc, s->n - 1);
		TIMED(unmap, rc, am_mpu_unmap(&s->m, REF_BASE, REF_LIMIT));
		EXPECT(s, "am_mpu_unmap (ref in X)", rc, 0);
	});
	x_out(s);
}

static void time_baseline(struct setup *s, struct acc *a)
{
	int rc;

	ROUND_LOOP({
		TIMED(a, rc, baseline_scan(s->scan, s->n, X_BASE, X_LIMIT));
		EXPECT(s, "baseline_scan", rc, s->n - 1);
	});
}

enum chk { C_PAIR, C_LOOKUP, C_BASE, C_COUNT };

static void bulk_all(struct setup *s, struct acc c[C_COUNT])
{
	unsigned int idx = ~0u;

	BULK_LOOP(&c[C_PAIR], {
		EXPECT(s, "am_mpu_map (X)", am_mpu_map(&s->m, X_BASE, X_LIMIT, &rw), s->n - 1);
		EXPECT(s, "am_mpu_unmap (X)", am_mpu_unmap(&s->m, X_BASE, X_LIMIT), 0);
	});
	x_in(s);
	BULK_LOOP(&c[C_LOOKUP], {
		EXPECT(s, "am_mpu_lookup (X)", am_mpu_lookup(&s->m, X_BASE, X_LIMIT, &idx),
		       AM_MPU_FOUND);
	});
	EXPECT(s, "am_mpu_lookup (X) index", idx, s->n - 1);
	x_out(s);
	BULK_LOOP(&c[C_BASE], {
		EXPECT(s, "baseline_scan", baseline_scan(s->scan, s->n, X_BASE, X_LIMIT), s->n - 1);
	});
}

static void keep_min(double *best, const struct acc *a)
{
	if (per_call(a) < *best)
		*best = per_call(a);
}

/*
 * Rounds outside, sizes and figures inside, so that a slow spell of the
 * machine hits every figure alike; the best round of each figure is kept.
 */
static void time_all(double ns[NR_SIZES][F_COUNT], double chk[NR_SIZES][C_COUNT], double *empty_ns)
{
	*empty_ns = 1e300;
	for (unsigned int z = 0; z < NR_SIZES; z++) {
		for (unsigned int f = 0; f < F_COUNT; f++)
			ns[z][f] = 1e300;
		for (unsigned int c = 0; c < C_COUNT; c++)
			chk[z][c] = 1e300;
	}

	for (unsigned int r = 0; r < ROUNDS; r++) {
		struct acc e = {0};

		time_empty(&e);
		keep_min(empty_ns, &e);
		for (unsigned int z = 0; z < NR_SIZES; z++) {
			struct setup *s = &setups[z];
			struct acc a[F_COUNT] = {0}, c[C_COUNT] = {0};

			time_map_unmap(s, &a[F_MAP], &a[F_UNMAP]);
			time_lookup(s, &a[F_LOOKUP]);
			time_unmap_containing(s, &a[F_UNMAP_CONT]);
			time_refs(s, &a[F_MAP_REF], &a[F_UNMAP_REF]);
			time_baseline(s, &a[F_BASE]);
			bulk_all(s, c);
			for (unsigned int f = 0; f < F_COUNT; f++)
				keep_min(&ns[z][f], &a[f]);
			for (unsigned int k = 0; k < C_COUNT; k++)
				keep_min(&chk[z][k], &c[k]);
		}
	}
	for (unsigned int z = 0; z < NR_SIZES; z++)
		for (unsigned int f = 0; f < F_COUNT; f++)
			ns[z][f] -= *empty_ns;
}

/* -------------------------------------------------------- instructions -- */

static void dump(const struct setup *s, enum fig f)
{
	char label[64];

	snprintf(label, sizeof(label), "%u.%s", s->n, fig_name[f]);
	for (char *p = label; *p; p++)
		if (*p == ' ')
			*p = '_';
	CALLGRIND_DUMP_STATS_AT(label);
}

static void count_size(struct setup *s)
{
	unsigned int idx = ~0u;
	int rc;

	CALLGRIND_ZERO_STATS;
	for (unsigned int k = 0; k < INSTR_CALLS; k++) {
		COUNTED(rc, am_mpu_map(&s->m, X_BASE, X_LIMIT, &rw));
		EXPECT(s, "am_mpu_map (X)", rc, s->n - 1);
		x_out(s);
	}
	dump(s, F_MAP);

	for (unsigned int k = 0; k < INSTR_CALLS; k++) {
		x_in(s);
		COUNTED(rc, am_mpu_unmap(&s->m, X_BASE, X_LIMIT));
		EXPECT(s, "am_mpu_unmap (X)", rc, 0);
	}
	dump(s, F_UNMAP);

	x_in(s);
	for (unsigned int k = 0; k < INSTR_CALLS; k++) {
		COUNTED(rc, am_mpu_lookup(&s->m, X_BASE, X_LIMIT, &idx));
		EXPECT(s, "am_mpu_lookup (X)", rc, AM_MPU_FOUND);
	}
	dump(s, F_LOOKUP);
	EXPECT(s, "am_mpu_lookup (X) index", idx, s->n - 1);
	x_out(s);

	for (unsigned int k = 0; k < INSTR_CALLS; k++) {
		x_in(s);
		COUNTED(rc, am_mpu_unmap_containing(&s->m, X_INNER));
		EXPECT(s, "am_mpu_unmap_containing (X)", rc, s->n - 1);
	}
	dump(s, F_UNMAP_CONT);

	x_in(s);
	for (unsigned int k = 0; k < INSTR_CALLS; k++) {
		COUNTED(rc, am_mpu_map(&s->m, REF_BASE, REF_LIMIT, &rw));
		EXPECT(s, "am_mpu_map (ref in X)", rc, s->n - 1);
		EXPECT(s, "am_mpu_unmap (ref in X)", am_mpu_unmap(&s->m, REF_BASE, REF_LIMIT), 0);
	}
	dump(s, F_MAP_REF);

	for (unsigned int k = 0; k < INSTR_CALLS; k++) {
		EXPECT(s, "am_mpu_map (ref in X)", am_mpu_map(&s->m, REF_BASE, REF_LIMIT, &rw),
		       s->n - 1);
		COUNTED(rc, am_mpu_unmap(&s->m, REF_BASE, REF_LIMIT));
		EXPECT(s, "am_mpu_unmap (ref in X)", rc, 0);
	}
	dump(s, F_UNMAP_REF);
	x_out(s);

	for (unsigned int k = 0; k < INSTR_CALLS; k++) {
		COUNTED(rc, baseline_scan(s->scan, s->n, X_BASE, X_LIMIT));
		EXPECT(s, "baseline_scan", rc, s->n - 1);
	}
	dump(s, F_BASE);
}

static void count_all(void)
{
	int rc;

	CALLGRIND_ZERO_STATS;
	for (unsigned int k = 0; k < INSTR_CALLS; k++) {
		COUNTED(rc, empty_call());
		EXPECT(NULL, "empty_call", rc, 0);
	}
	CALLGRIND_DUMP_STATS_AT("empty");
	for (unsigned int z = 0; z < NR_SIZES; z++)
		count_size(&setups[z]);
}

/* Read run.sh's "label total" lines into per-call counts; 0 if any is missing. */
static int read_instr(const char *path, double ins[NR_SIZES][F_COUNT], double *empty)
{
	unsigned long long tot[NR_SIZES][F_COUNT], etot = 0;
	bool have[NR_SIZES][F_COUNT] = {{false}}, have_e = false;
	char label[80], want[80];
	unsigned long long v;
	FILE *fp = fopen(path, "r");

	if (!fp) {
		fprintf(stderr, "bench_mpu: %s: %s\n", path, strerror(errno));
		return 0;
	}
	while (fscanf(fp, "%79s %llu", label, &v) == 2) {
		if (!strcmp(label, "empty")) {
			etot = v;
			have_e = true;
		}
		for (unsigned int z = 0; z < NR_SIZES; z++)
			for (unsigned int f = 0; f < F_COUNT; f++) {
				snprintf(want, sizeof(want), "%u.%s", sizes[z], fig_name[f]);
				for (char *p = want; *p; p++)
					if (*p == ' ')
						*p = '_';
				if (!strcmp(label, want)) {
					tot[z][f] = v;
					have[z][f] = true;
				}
			}
	}
	fclose(fp);
	if (!have_e) {
		fprintf(stderr, "bench_mpu: %s: no count for the empty call\n", path);
		return 0;
	}
	*empty = (double)etot / INSTR_CALLS;
	for (unsigned int z = 0; z < NR_SIZES; z++)
		for (unsigned int f = 0; f < F_COUNT; f++) {
			if (!have[z][f]) {
				fprintf(stderr, "bench_mpu: %s: no count for N=%u %s\n", path,
					sizes[z], fig_name[f]);
				return 0;
			}
			ins[z][f] = (double)tot[z][f] / INSTR_CALLS - *empty;
		}
	return 1;
}

/* ------------------------------------------------------------- report -- */

static void report(double ns[NR_SIZES][F_COUNT], double chk[NR_SIZES][C_COUNT], double empty_ns,
		   double ins[NR_SIZES][F_COUNT], double empty_ins, bool have_ins)
{
	const double nratio = (double)sizes[NR_SIZES - 1] / sizes[0];
	bool linear = true;

	printf("armmap MPU benchmark (v8-R AArch64 encoding, 255-region map, library only:\n"
	       "region writes go to memory, sync is a compiler barrier)\n");
	printf("N regions in use: N-1 fillers (64 KiB every 1 MiB), then X, the region under\n"
	       "test, at the highest index and address (the worst case of a linear scan).\n");
	printf("map, unmap: X absent -> mapped in the free slot -> disabled.  lookup: X, found.\n"
	       "unmap_containing: an address inside X (X disabled).  (ref): a range inside X,\n"
	       "a reference taken, then dropped.  baseline scan: the first of N (base, limit)\n"
	       "pairs that intersects X, a plain loop: the least any linear lookup does.\n");
	printf("ns/op: a clock read before and after every call, mean over >= %llu ms of calls,\n"
	       "  best of %u rounds, minus an empty call timed the same way (%.1f ns).\n",
	       ROUND_NS / 1000000ull, ROUNDS, empty_ns);
	if (have_ins)
		printf("instr/op: callgrind, collection on around each of %u calls, minus an\n"
		       "  empty call counted the same way (%.0f instr); deterministic.\n",
		       INSTR_CALLS, empty_ins);
	else
		printf("instr/op: not measured in this run (bench/run.sh measures them).\n");
	printf("x base: ratio to the baseline scan at the same N, both measured in this run.\n\n");

	printf("%-8s %-17s %8s %7s %9s %7s\n", "regions", "op", "ns/op", "x base", "instr/op",
	       "x base");
	for (unsigned int z = 0; z < NR_SIZES; z++) {
		for (unsigned int f = 0; f < F_COUNT; f++) {
			printf("%-8u %-17s %8.1f %7.2f", sizes[z], fig_name[f], ns[z][f],
			       ns[z][f] / ns[z][F_BASE]);
			if (have_ins)
				printf(" %9.0f %7.2f", ins[z][f], ins[z][f] / ins[z][F_BASE]);
			else
				printf(" %9s %7s", "-", "-");
			printf("\n");
		}
		printf("\n");
	}

	printf("method check, ns per call: the same calls timed in bulk (%u calls between two\n"
	       "clock reads, nothing subtracted, best of %u rounds) against the figures above\n",
	       CHUNK, ROUNDS);
	printf("  %-8s %21s %21s %21s\n", "regions", "map+unmap bulk/above", "lookup bulk/above",
	       "baseline bulk/above");
	for (unsigned int z = 0; z < NR_SIZES; z++)
		printf("  %-8u %10.1f /%9.1f %10.1f /%9.1f %10.1f /%9.1f\n", sizes[z],
		       chk[z][C_PAIR], ns[z][F_MAP] + ns[z][F_UNMAP], chk[z][C_LOOKUP],
		       ns[z][F_LOOKUP], chk[z][C_BASE], ns[z][F_BASE]);
	printf("\n");

	printf("growth with the regions in use, %u -> %u (x%.2f): cost at %u / cost at %u,\n"
	       "and the instructions each added region costs\n",
	       sizes[0], sizes[NR_SIZES - 1], nratio, sizes[NR_SIZES - 1], sizes[0]);
	printf("  %-17s %8s %8s", "op", "ns", "instr");
	for (unsigned int z = 1; z < NR_SIZES; z++) {
		char step[24];

		snprintf(step, sizeof(step), "%u->%u", sizes[z - 1], sizes[z]);
		printf(" %8s", step);
	}
	printf("\n");
	for (unsigned int i = 0; i < sizeof(main_figs) / sizeof(main_figs[0]); i++) {
		enum fig f = main_figs[i];

		printf("  %-17s %7.2fx", fig_name[f], ns[NR_SIZES - 1][f] / ns[0][f]);
		if (have_ins) {
			double g = ins[NR_SIZES - 1][f] / ins[0][f];

			printf(" %7.2fx", g);
			for (unsigned int z = 1; z < NR_SIZES; z++)
				printf(" %8.1f",
				       (ins[z][f] - ins[z - 1][f]) / (sizes[z] - sizes[z - 1]));
			if (g > nratio)
				linear = false;
		} else {
			printf(" %8s", "-");
		}
		printf("\n");
	}
	if (have_ins)
		printf("at worst linear (instructions, each op x%.2f or less): %s\n", nratio,
		       linear ? "yes" : "NO");
	else
		printf("at worst linear: not judged (no instruction counts)\n");
	if (!linear)
		exit(1);
}

int main(int argc, char **argv)
{
	static double ns[NR_SIZES][F_COUNT], chk[NR_SIZES][C_COUNT], ins[NR_SIZES][F_COUNT];
	double empty_ns, empty_ins = 0;
	bool instr = false, have_ins = false;
	const char *ifile = NULL;

	if (!bench_args(argc, argv, &instr, &ifile))
		return 2;

	for (unsigned int z = 0; z < NR_SIZES; z++)
		setup_init(&setups[z], sizes[z]);

	if (instr) {
		count_all();
		return 0;
	}
	if (ifile) {
		if (!read_instr(ifile, ins, &empty_ins))
			return 1;
		have_ins = true;
	}
	time_all(ns, chk, &empty_ns);
	report(ns, chk, empty_ns, ins, empty_ins, have_ins);
	return 0;
}
