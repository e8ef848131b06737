/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What the two halves of bench_pt share: bench_pt.c (the backend, the
 * hooks, the bulk ranges, main) and bench_pt_calls.c (the small calls).
 * One binary, driven by bench/run.sh like bench_mpu: `--instr` under
 * callgrind writes one dump per figure, `--instr-file F` reads their totals.
 */
#ifndef BENCH_PT_H
#define BENCH_PT_H

#include <stdbool.h>
#include <stdint.h>

#include "bench.h"

#include <armmap/errors.h>
#include <armmap/pt.h>

#define K4 0x1000ull
#define M2 0x200000ull
#define G1 0x40000000ull

#define INSTR_CALLS 256u /* small calls: counted calls per figure */

/*
 * What the backend ops and the log hook received: TLB invalidations as the
 * aarch64 backend issues them (of a leaf, of a table entry with its walk
 * caches, range instructions with FEAT_TLBIRANGE, of the whole regime), the
 * two barriers of the flushes, table pages handed out and given back, log
 * records.
 */
enum tally_idx {
	T_TLBI_LEAF,
	T_TLBI_TABLE,
	T_TLBI_RANGE,
	T_TLBI_ALL,
	T_PUBLISH,
	T_COMPLETE,
	T_ALLOC,
	T_FREE,
	T_LOG,
	T_COUNT
};

struct tally {
	uint64_t v[T_COUNT];
};

/* The backend's counters since the start. */
extern struct tally bk;

/* The backend reports FEAT_TLBIRANGE (caps) to tables made from now on. */
extern bool bench_tlbi_range;
/* ... and AM_PT_CAP_ZEROED: its pages come zeroed, bench_zero_ahead(n)
 * zeroing the next n first (outside what is counted or timed). */
extern bool bench_zeroed;
void bench_zero_ahead(unsigned int n);

/* @acc += what the backend received since @before was taken. */
/* A copy of bk, made by a call (bench_pt_calls.c: outside what is counted). */
void tally_snapshot(struct tally *t);
void tally_add_since(struct tally *acc, const struct tally *before);

/* The table configuration of each regime, as this project's hypervisor
 * code uses it: stage 1 EL2 39-bit (root at level 1), stage 2 40-bit IPA
 * (the P2M's default; 48-bit output, root at level 0). */
enum { R_S1, R_S2, R_COUNT };
extern const char *const regime_name[R_COUNT];
extern const char *const regime_tag[R_COUNT]; /* in dump labels */
/* An empty table of regime @r on the bench's ops and hooks. */
void bench_pt_new(struct am_pt *pt, int r);

/* What runs (a regime, a range), named by bench_fail(). */
extern const char *bench_where;
void __attribute__((noreturn, cold)) bench_fail(const char *what, long got, long want);

/* Any other value than @want from a call ends the run with status 1. */
#define EXPECT(what, got, want)                          \
	do {                                             \
		long got_ = (long)(got), want_ = (want); \
		if (__builtin_expect(got_ != want_, 0))  \
			bench_fail((what), got_, want_); \
	} while (0)

/* The empty call, counted like the others, then subtracted. */
int bench_empty_call(void);

/*
 * The counts run.sh parsed (label, total of the dump). instr_per_call()
 * gives the total over @calls minus the empty call's count per call; it
 * says which label is missing and returns false when there is none.
 */
bool instr_load(const char *path);
bool instr_per_call(const char *label, unsigned int calls, double *out);
/* The empty call's count, per call. */
double instr_empty(void);

/* bench_pt_calls.c: run every small-call figure (dumps and tallies, the
 * latter apart for each bench_tlbi_range setting), then print their table;
 * false when a count is missing. */
void calls_run(void);
bool calls_report(bool have_ins);

/* The targets, instructions per call or per descriptor. */
#define TARGET_CALL 150u
#define TARGET_QUERY 40u
#define TARGET_BULK 150u

#endif
