/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What the benchmarks share (bench_mpu.c, bench_pt.c): counting a call's
 * instructions under callgrind, and the command line run.sh gives them.
 */
#ifndef BENCH_H
#define BENCH_H

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include <valgrind/callgrind.h>

/*
 * Under callgrind with --collect-atstart=no, collection is on only around
 * the counted call; each figure ends with one dump, CALLGRIND_DUMP_STATS_AT
 * with the figure's label (run.sh reads its total). Natively the client
 * requests cost a few instructions and do nothing.
 */
#define COUNTED(rc, call)                 \
	do {                              \
		CALLGRIND_TOGGLE_COLLECT; \
		(rc) = (call);            \
		CALLGRIND_TOGGLE_COLLECT; \
	} while (0)

/*
 * The command line: --instr (counting run, under callgrind) or
 * --instr-file FILE (timing run, with the counts run.sh read). Returns
 * false, with the usage printed, on anything else.
 */
static inline bool bench_args(int argc, char **argv, bool *instr, const char **ifile)
{
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--instr")) {
			*instr = true;
		} else if (!strcmp(argv[i], "--instr-file") && i + 1 < argc) {
			*ifile = argv[++i];
		} else {
			fprintf(stderr, "usage: %s [--instr | --instr-file FILE]\n", argv[0]);
			return false;
		}
	}
	return true;
}

#endif
