/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The translation-table oracle: what the hardware sees of a table in the
 * host backend's pool (arch/host/pt_host), and what the rules demand, after
 * a call. The unit tests (tests/unit/test_pt.c) and the fuzzer
 * (tests/fuzz/fuzz_pt.c) call the same checks. Each returns true when all
 * holds, else false with the first rule broken in @why.
 */
#ifndef ARMMAP_TESTS_ORACLE_PT_H
#define ARMMAP_TESTS_ORACLE_PT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <armmap/pt.h>

#include "arch/host/pt_host.h"

/*
 * oracle_pt_check() - after a call on @pt, whose ops are am_host_pt_ops over
 * @h: the lock was released as often as taken and never nested; when the
 * TLB model is on, it saw no break-before-make violation, no table freed
 * while a walk could use it, no broken walk and holds no stale entry
 * (tlbm_check_end()); every TLBI came after a PUBLISH and was completed; no
 * bad free or table_va; and the table pages reachable from the root (each
 * allocated and below the output size, none reached twice) are exactly the
 * pool's pages in use (allocations minus failed ones minus frees) and
 * am_pt_tables().
 */
bool oracle_pt_check(struct am_host_pt *h, const struct am_pt *pt, char *why, size_t n);

/*
 * oracle_pt_reachable() - the table pages reachable from the root of @pt
 * (the root included), read raw from the pool; -1 (with @why) if a table
 * descriptor names a page that is not allocated, a page is reached twice, or
 * more than @h->pages pages are reached.
 */
long oracle_pt_reachable(struct am_host_pt *h, const struct am_pt *pt, char *why, size_t n);

/*
 * A snapshot of what a refused call must leave alone: the content of every
 * reachable table page, the pool's pages in use, the table count, the TLB
 * maintenance and barriers issued so far. Its buffers grow as needed and
 * are kept for the next snapshot; oracle_pt_snap_free() gives them back.
 */
struct oracle_pt_snap {
	size_t n, cap;
	uint64_t *pa;
	uint8_t *mem; /* n pages of @page bytes */
	size_t page;  /* the pool's page when the buffers were made */
	size_t in_use, tables;
	unsigned long tlbi, tlbi_all, tlbi_range, publish, complete;
};

void oracle_pt_snap(struct oracle_pt_snap *s, struct am_host_pt *h, const struct am_pt *pt);
/* oracle_pt_unchanged() - every table page as at the snapshot, no maintenance since. */
bool oracle_pt_unchanged(const struct oracle_pt_snap *s, struct am_host_pt *h,
			 const struct am_pt *pt, char *why, size_t n);
void oracle_pt_snap_free(struct oracle_pt_snap *s);

#endif
