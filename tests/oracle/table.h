/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The table oracle: what the hardware and the rules demand of a table in
 * the host backend's pool (arch/host/pt_host) after a call, and that a
 * refused call changed nothing. Shared by the unit suites and the fuzzers
 * of the modules built on the table engine (P2M, MMIO guard).
 *
 * Each check returns NULL, or the reason it failed (a static buffer, valid
 * until the next check).
 */
#ifndef ARMMAP_TESTS_ORACLE_TABLE_H
#define ARMMAP_TESTS_ORACLE_TABLE_H

#include <stddef.h>
#include <stdint.h>

#include <armmap/pt.h>

#include "arch/host/pt_host.h"
#include "model/vmsa.h"

/*
 * amo_table_check() - after a call on @pt (whose pages come from @h): the
 * lock released as often as taken and never nested, the TLB model (when
 * on) saw no break-before-make violation, no table freed in use, no broken
 * walk and holds nothing stale (tlbm_check_end()), every TLBI completed and
 * preceded by a PUBLISH, no bad free or table_va, and the pool's pages in
 * use are exactly the table's. @locked: the pool's own lock counters are
 * used (false when the table runs under another lock, as the P2M's).
 */
const char *amo_table_check(struct am_host_pt *h, const struct am_pt *pt, bool locked);

/* A snapshot of the pool and of the maintenance counters. */
struct amo_table_snap {
	uint8_t *mem; /* room for h->pages pages, from the caller */
	size_t in_use, tables;
	unsigned long tlbi, tlbi_all, publish, complete, allocs;
};

/* amo_table_snap() - take it (@s->mem set by the caller). */
void amo_table_snap(struct amo_table_snap *s, const struct am_host_pt *h, const struct am_pt *pt);

/*
 * amo_table_unchanged() - every page in use byte for byte as it was, the
 * same pages in use, no TLB maintenance and no barrier since the snapshot.
 */
const char *amo_table_unchanged(const struct amo_table_snap *s, const struct am_host_pt *h,
				const struct am_pt *pt);

#endif

/* ---------------------------------------------------------------------- */
/* Every leaf of a table, read raw from the pool                           */
/* ---------------------------------------------------------------------- */

/* A non-zero entry that is not a table descriptor. */
struct amo_leaf {
	uint64_t va, size; /* the entry's span */
	uint64_t oa;	   /* its output address (bits [47:12], aligned to the span) */
	uint64_t pte;
	unsigned int level;
	bool valid; /* bit 0; false: parked (or garbage) */
};

/* Return non-zero to stop the enumeration (the value is returned). */
typedef int (*amo_leaf_fn)(void *arg, const struct amo_leaf *l);

/*
 * amo_table_leaves() - call @fn for every non-zero entry that is not a table
 * descriptor, in address order, reading the tables raw from the pool of @h
 * from the root of @vc (independently of the library). A table descriptor
 * that names a page the pool has not handed out: returns -1.
 */
int amo_table_leaves(struct am_host_pt *h, const struct vmsa_cfg *vc, amo_leaf_fn fn, void *arg);
