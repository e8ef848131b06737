/* SPDX-License-Identifier: BSD-3-Clause */
/* The table oracle (tests/oracle/table.h). */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "tests/oracle/table.h"

static char msg[320];

static const char *why(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static const char *why(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return msg;
}

const char *amo_table_check(struct am_host_pt *h, const struct am_pt *pt, bool locked)
{
	if (locked && (h->lock_depth || h->locks != h->unlocks || h->max_lock_depth > 1))
		return why("table lock: depth %d, %lu locks, %lu unlocks, max depth %d",
			   h->lock_depth, h->locks, h->unlocks, h->max_lock_depth);
	if (h->tlb_on) {
		struct tlbm *t = &h->tlb;

		tlbm_check_end(t);
		if (t->bbm_violations || t->stale || t->freed_in_use || t->model_errors ||
		    t->bad_walks)
			return why("TLB model: bbm %lu stale %lu freed_in_use %lu model %lu bad "
				   "walks %lu: %s",
				   t->bbm_violations, t->stale, t->freed_in_use, t->model_errors,
				   t->bad_walks, t->first_error);
	}
	if (h->open_tlbi)
		return why("%lu TLBIs not completed by a barrier", h->open_tlbi);
	if (h->tlbi_between)
		return why("%lu TLBIs not preceded by a PUBLISH barrier", h->tlbi_between);
	if (h->bad_frees || h->bad_table_va)
		return why("%lu bad frees, %lu table_va outside the pool", h->bad_frees,
			   h->bad_table_va);
	if (h->in_use != am_pt_tables(pt))
		return why("allocations: %zu pool pages in use, the table has %zu", h->in_use,
			   am_pt_tables(pt));
	return NULL;
}

void amo_table_snap(struct amo_table_snap *s, const struct am_host_pt *h, const struct am_pt *pt)
{
	memcpy(s->mem, h->pool, h->pages * AM_HOST_PT_PAGE);
	s->in_use = h->in_use;
	s->tables = am_pt_tables(pt);
	s->tlbi = h->tlbi;
	s->tlbi_all = h->tlbi_all;
	s->publish = h->publish;
	s->complete = h->complete;
	s->allocs = h->allocs;
}

const char *amo_table_unchanged(const struct amo_table_snap *s, const struct am_host_pt *h,
				const struct am_pt *pt)
{
	for (size_t i = 0; i < h->pages; i++) {
		bool ok = false;

		(void)am_host_pt_read((void *)h, h->pa_base + i * AM_HOST_PT_PAGE, &ok);
		if (ok && memcmp(s->mem + i * AM_HOST_PT_PAGE, h->pool + i * AM_HOST_PT_PAGE,
				 AM_HOST_PT_PAGE))
			return why("table page %zu changed", i);
	}
	if (h->in_use != s->in_use || am_pt_tables(pt) != s->tables)
		return why("table pages: %zu in use (%zu in the table), were %zu (%zu)", h->in_use,
			   am_pt_tables(pt), s->in_use, s->tables);
	if (h->tlbi != s->tlbi || h->tlbi_all != s->tlbi_all || h->publish != s->publish ||
	    h->complete != s->complete)
		return why("TLB maintenance or barriers issued: tlbi %lu/%lu all %lu/%lu publish "
			   "%lu/%lu complete %lu/%lu",
			   h->tlbi, s->tlbi, h->tlbi_all, s->tlbi_all, h->publish, s->publish,
			   h->complete, s->complete);
	return NULL;
}

#define OA_MASK 0x0000fffffffff000ull

static int leaves_of(struct am_host_pt *h, uint64_t tpa, unsigned int level, uint64_t va,
		     unsigned int n, amo_leaf_fn fn, void *arg)
{
	unsigned int shift = vmsa_level_shift(level);

	for (unsigned int i = 0; i < n; i++) {
		uint64_t e, a = va + ((uint64_t)i << shift);
		bool ok = false;
		int rc;

		e = am_host_pt_read(h, tpa + i * 8u, &ok);
		if (!ok)
			return -1;
		if (!e)
			continue;
		if (level < 3 && (e & 3u) == 3u) {
			rc = leaves_of(h, e & OA_MASK, level + 1, a, 512, fn, arg);
		} else {
			struct amo_leaf l = {.va = a,
					     .size = 1ull << shift,
					     .oa = e & OA_MASK & ~((1ull << shift) - 1),
					     .pte = e,
					     .level = level,
					     .valid = e & 1u};

			rc = fn(arg, &l);
		}
		if (rc)
			return rc;
	}
	return 0;
}

int amo_table_leaves(struct am_host_pt *h, const struct vmsa_cfg *vc, amo_leaf_fn fn, void *arg)
{
	unsigned int root = vmsa_root_level(vc->ia_bits);

	return leaves_of(h, vc->root_pa, root, 0, 1u << (vc->ia_bits - vmsa_level_shift(root)), fn,
			 arg);
}
